package dev.clm4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clm4j.autograd.Ops;
import dev.clm4j.finetune.FinetuneJob;
import dev.clm4j.finetune.TextEncoding;
import dev.clm4j.finetune.TokenBatch;
import dev.clm4j.finetune.TokenizedExample;
import dev.clm4j.model.BertEncoder;
import dev.clm4j.model.ModelCard;
import dev.clm4j.model.Pretrained;
import dev.clm4j.nn.ClassifierHead;
import dev.clm4j.nn.Pooling;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tokenize.BertTokenizer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `clm embed`: sentence embeddings of stdin lines as JSON lines ({"vector": [...]}), L2-normalised. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Embed lines of text from stdin; prints one JSON line per line: {\"vector\": [...]}.")
final class EmbedCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = ModelCard.DEFAULT, description = "Pretrained model card (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--pooling", description = "mean or cls (default: the model card's, which reproduces its embeddings).")
    String pooling;

    @Option(names = "--max-len", defaultValue = "256", description = "Max tokens per text (default ${DEFAULT-VALUE}).")
    int maxLen;

    @Option(names = "--no-normalize", description = "Skip L2 normalisation.")
    boolean noNormalize;

    @Option(names = "--batch", defaultValue = "32", description = "Texts per batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Mixin
    BackendMixin backendOptions;

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || maxLen < 8) {
            throw new UserError("embed: need --batch >= 1 and --max-len >= 8");
        }
        ModelCard card = CliSupport.card(model);
        Backend backend = backendOptions.create();
        BertTokenizer tokenizer = Pretrained.tokenizer(card);
        BertEncoder encoder = Pretrained.encoder(backend, card);
        FinetuneJob.requireFits(maxLen, encoder.config().maxPositions(), card.name());
        Pooling pool = pooling == null ? card.defaultPooling() : CliSupport.pooling(pooling);
        ClassifierHead poolOnly = new ClassifierHead(backend, new SplittableRandom(0), encoder.config().hidden(), 1, pool);
        ObjectMapper json = new ObjectMapper();
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<String> pending = new ArrayList<>();
        Ops ops = Ops.inference(backend);
        for (String line = in.readLine(); ; line = in.readLine()) {
            if (line != null) {
                pending.add(line);
            }
            if (!pending.isEmpty() && (pending.size() == batch || line == null || !in.ready())) {
                List<TokenizedExample> tok = new ArrayList<>();
                for (String text : pending) {
                    tok.add(TextEncoding.encode(tokenizer, text, 0, maxLen));
                }
                int[] rows = new int[tok.size()];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = i;
                }
                TokenBatch b = TokenBatch.of(backend, tok, rows, tokenizer.padId());
                float[] v = backend.download(poolOnly.pool(ops, encoder.forward(ops, b.ids(), b.seq()), b.seq()).value());
                int h = encoder.config().hidden();
                for (int i = 0; i < rows.length; i++) {
                    float[] vec = java.util.Arrays.copyOfRange(v, i * h, (i + 1) * h);
                    if (!noNormalize) {
                        double norm = 0;
                        for (float x : vec) {
                            norm += (double) x * x;
                        }
                        norm = Math.sqrt(Math.max(norm, 1e-24));
                        for (int j = 0; j < h; j++) {
                            vec[j] = (float) (vec[j] / norm);
                        }
                    }
                    out.println(json.writeValueAsString(Map.of("vector", vec)));
                }
                out.flush();
                pending.clear();
            }
            if (line == null) {
                break;
            }
        }
        return 0;
    }
}
