package dev.clm4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clm4j.finetune.LabelSet;
import dev.clm4j.finetune.TokenizerVocabulary;
import dev.clm4j.finetune.clm.TokenGroup;
import dev.clm4j.finetune.clm.TokenGroupFinder;
import dev.clm4j.io.data.Example;
import dev.clm4j.model.ModelCard;
import dev.clm4j.model.Pretrained;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `clm tokens`: the task's token groups (stage 1) and which would become new tokens (stage 2). */
@Command(name = "tokens", mixinStandardHelpOptions = true,
        description = "Show the token groups of a training set: words and word pairs that tell the label, best first.")
final class TokensCommand implements Callable<Integer> {
    @Option(names = "--train", required = true, description = "Training file (CSV text,label or JSON lines).")
    Path train;

    @Option(names = "--top", defaultValue = "40", description = "How many groups to show (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--min-count", defaultValue = "3", description = "Examples a group must occur in (default ${DEFAULT-VALUE}).")
    int minCount;

    @Option(names = "--model", defaultValue = ModelCard.DEFAULT, description = "Model whose tokenizer to use (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--json", description = "Print JSON lines instead of a table.")
    boolean json;

    @Mixin
    DataColumnsMixin columns;

    @Override
    public Integer call() throws Exception {
        if (top < 1 || minCount < 1) {
            throw new UserError("--top and --min-count must be positive");
        }
        List<Example> data = columns.reader().read(train);
        LabelSet labels = LabelSet.fromTraining(data, train);
        List<String> texts = data.stream().map(Example::text).toList();
        int[] ids = data.stream().mapToInt(e -> labels.id(e.label())).toArray();
        TokenizerVocabulary vocab = new TokenizerVocabulary(Pretrained.tokenizer(CliSupport.card(model)));
        List<TokenGroup> groups = new TokenGroupFinder(vocab, minCount, top).find(texts, ids, labels.labels());
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            for (TokenGroup g : groups) {
                System.out.println(mapper.writeValueAsString(g));
            }
            return 0;
        }
        System.out.printf("%4s  %-24s %-30s %-28s %6s %9s%n", "rank", "group", "pieces", "best label", "count", "score");
        int rank = 1;
        for (TokenGroup g : groups) {
            System.out.printf("%4d  %-24s %-30s %-28s %6d %9.1f%s%n", rank++, g.text(), String.join(" ", g.pieces()),
                    g.bestLabel(), g.documentFrequency(), g.score(), g.multiPieceWord() ? "  (new token)" : "");
        }
        return 0;
    }
}
