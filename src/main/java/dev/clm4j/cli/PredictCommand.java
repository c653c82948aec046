package dev.clm4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clm4j.finetune.Evaluator;
import dev.clm4j.finetune.Predictions;
import dev.clm4j.finetune.TextEncoding;
import dev.clm4j.finetune.TokenizedExample;
import dev.clm4j.tensor.Backend;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `clm predict`: lines of text on stdin, one JSON line per text out (label, score). */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify lines of text from stdin; prints one JSON line per line: label, score.")
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory written by finetune --out.")
    Path modelDir;

    @Option(names = "--batch", defaultValue = "32", description = "Texts per batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Mixin
    BackendMixin backendOptions;

    @Override
    public Integer call() throws Exception {
        if (batch < 1) {
            throw new UserError("--batch must be 1 or more, got " + batch);
        }
        Backend backend = backendOptions.create();
        SavedModel saved = SavedModel.load(modelDir, backend);
        Evaluator evaluator = new Evaluator(backend, batch, saved.tokenizer().padId());
        ObjectMapper json = new ObjectMapper();
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<String> pending = new ArrayList<>();
        for (String line = in.readLine(); ; line = in.readLine()) {
            if (line != null) {
                pending.add(line);
            }
            // Answer a full batch at once, and whatever is pending when no more input is waiting
            // (so an interactive user gets each answer right away).
            if (!pending.isEmpty() && (pending.size() == batch || line == null || !in.ready())) {
                List<TokenizedExample> tok = new ArrayList<>();
                for (String text : pending) {
                    tok.add(TextEncoding.encode(saved.tokenizer(), text, 0, saved.checkpoint().config().maxLen()));
                }
                Predictions p = evaluator.predict(saved.checkpoint().model(), tok);
                for (int i = 0; i < pending.size(); i++) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("label", saved.checkpoint().config().labels().get(p.labels()[i]));
                    r.put("score", p.scores()[i]);
                    out.println(json.writeValueAsString(r));
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
