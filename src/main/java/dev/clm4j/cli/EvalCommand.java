package dev.clm4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.clm4j.finetune.Evaluator;
import dev.clm4j.finetune.LabelSet;
import dev.clm4j.finetune.Metrics;
import dev.clm4j.finetune.TextEncoding;
import dev.clm4j.finetune.TokenizedExample;
import dev.clm4j.io.AtomicFiles;
import dev.clm4j.io.data.DatasetReader;
import dev.clm4j.io.data.Example;
import dev.clm4j.model.Checkpoint;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tokenize.BertTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `clm eval`: scores a saved model on a labelled file. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Score a saved model on a labelled test file.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory written by finetune --out.")
    Path modelDir;

    @Option(names = "--test", required = true, description = "Labelled file (CSV text,label or JSON lines).")
    Path test;

    @Option(names = "--report", description = "JSON report file to write.")
    Path report;

    @Mixin
    BackendMixin backendOptions;

    @Mixin
    DataColumnsMixin columns;

    @Override
    public Integer call() throws Exception {
        CliSupport.requireWritable(report, false, "--report");
        Backend backend = backendOptions.create();
        SavedModel saved = SavedModel.load(modelDir, backend);
        List<Example> data = columns.reader().read(test);
        LabelSet labels = new LabelSet(saved.checkpoint().config().labels());
        List<TokenizedExample> tok = new ArrayList<>();
        for (Example e : data) {
            tok.add(TextEncoding.encode(saved.tokenizer(), e.text(), labels.id(e.label()), saved.checkpoint().config().maxLen()));
        }
        Metrics m = new Evaluator(backend, 64, saved.tokenizer().padId()).evaluate(saved.checkpoint().model(), tok, labels);
        System.out.printf("accuracy %.4f, macro-F1 %.4f on %d texts%n", m.accuracy(), m.macroF1(), m.total());
        if (m.unseenGoldLabels() > 0) {
            System.out.println(m.unseenGoldLabels() == 1 ? "1 text has a label the model does not know (counted as an error)"
                    : m.unseenGoldLabels() + " texts have labels the model does not know (counted as errors)");
        }
        if (report != null) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", modelDir.toString());
            r.put("test", test.toString());
            r.putAll(m.summary());
            AtomicFiles.write(report, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(r));
        }
        return 0;
    }
}
