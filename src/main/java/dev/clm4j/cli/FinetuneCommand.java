package dev.clm4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.clm4j.finetune.FinetuneJob;
import dev.clm4j.finetune.LabelSet;
import dev.clm4j.finetune.TrainConfig;
import dev.clm4j.finetune.TrainingMethod;
import dev.clm4j.finetune.clm.ClmOptions;
import dev.clm4j.io.AtomicFiles;
import dev.clm4j.io.data.DatasetReader;
import dev.clm4j.io.data.Example;
import dev.clm4j.model.Checkpoint;
import dev.clm4j.model.ModelCard;
import dev.clm4j.nn.Pooling;
import dev.clm4j.tensor.Backend;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `clm finetune`: train a classifier on a labelled file, score it on a test file, save model and report. */
@Command(name = "finetune", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Finetune a pretrained encoder into a classifier; prints accuracy, saves the model and a JSON report.")
final class FinetuneCommand implements Callable<Integer> {
    @Option(names = "--train", description = "Training file (CSV with a text,label header, or JSON lines). Default: the built-in demo set.")
    Path train;

    @Option(names = "--test", description = "Test file, same format. Default: the built-in demo test set.")
    Path test;

    @Option(names = "--method", defaultValue = "clm", description = "clm, full, head, lora, layers, prefix, fisher-sparse, random-sparse (default ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--model", defaultValue = ModelCard.DEFAULT, description = "Pretrained model card (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--epochs", defaultValue = "3", description = "Epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", description = "Encoder learning rate (default: the method's own, e.g. 5e-5 full, 5e-4 clm).")
    Double lr;

    @Option(names = "--head-lr", defaultValue = "1e-3", description = "Classifier head learning rate (default ${DEFAULT-VALUE}).")
    double headLr;

    @Option(names = "--max-len", defaultValue = "64", description = "Max tokens per text, longer ones are cut (default ${DEFAULT-VALUE}).")
    int maxLen;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--val-fraction", defaultValue = "0.1", description = "Share of training data held out to pick the best epoch, the earliest of equals (default ${DEFAULT-VALUE}; 0 keeps the last epoch).")
    double valFraction;

    @Option(names = "--patience", defaultValue = "0", description = "Stop after this many epochs without validation gain (0: off).")
    int patience;

    @Option(names = "--no-probe", description = "Skip the linear-probe warm start of the head.")
    boolean noProbe;

    @Option(names = "--pooling", description = "mean or cls (default: the model card's).")
    String pooling;

    @Option(names = "--out", description = "Directory to save the trained model in.")
    Path out;

    @Option(names = "--report", description = "JSON report file to write.")
    Path report;

    @Mixin
    ClmMixin clm;

    @Mixin
    LoraMixin lora;

    @Mixin
    LayersMixin layers;

    @Mixin
    PrefixMixin prefix;

    @Mixin
    BackendMixin backendOptions;

    @Mixin
    DataColumnsMixin columns;

    @Override
    public Integer call() throws Exception {
        // Written as positive conditions so that NaN, which fails every comparison, is rejected too.
        if (!(epochs >= 1 && batch >= 1 && maxLen >= 8 && valFraction >= 0 && valFraction < 1 && patience >= 0)) {
            throw new UserError("finetune: need --epochs >= 1, --batch >= 1, --max-len >= 8, 0 <= --val-fraction < 1, --patience >= 0");
        }
        if (lr != null && !(lr > 0 && Double.isFinite(lr))) {
            throw new UserError("--lr must be a positive number, got " + lr);
        }
        if (!(headLr > 0 && Double.isFinite(headLr))) {
            throw new UserError("--head-lr must be a positive number, got " + headLr);
        }
        // Checked before training: a long run should not end on an output it cannot write.
        CliSupport.requireWritable(out, true, "--out");
        CliSupport.requireWritable(report, false, "--report");
        Inputs inputs = Inputs.resolve(train, test);
        DatasetReader reader = columns.reader();
        List<Example> trainData = reader.read(inputs.train());
        List<Example> testData = reader.read(inputs.test());
        LabelSet labels = LabelSet.fromTraining(trainData, inputs.train());
        ClmOptions clmOptions = clm.options(seed);
        if (clmOptions.heldOutHead() && noProbe) {
            throw new UserError("--calib-head heldout fits its head to the warm start's features: it cannot go with --no-probe");
        }
        if (clmOptions.scoresFrom() != null && !method.equals("clm") && !method.equals("fisher-sparse")) {
            throw new UserError("--score-from scores the rows of clm or fisher-sparse, not of " + method);
        }
        TrainingMethod m = CliSupport.method(method, clmOptions, lora.options(), layers.top(), prefix.length());
        ModelCard card = CliSupport.card(model);
        Backend backend = backendOptions.create();
        TrainConfig config = new TrainConfig(epochs, batch, lr != null ? lr : m.defaultEncoderLr(), headLr, maxLen, seed,
                0.1, 1.0, 0.01, patience, !noProbe, 30, 1e-2, valFraction);
        Pooling pool = pooling == null ? card.defaultPooling() : CliSupport.pooling(pooling);
        FinetuneJob.Outcome outcome = new FinetuneJob(backend, card, config, pool, System.err)
                .run(m, trainData, testData, labels);

        System.out.printf("%s on %s: accuracy %.4f, macro-F1 %.4f (%d test texts of %s), trained in %.1fs, %d of %d parameters trainable%n",
                m.name(), inputs.trainName(), outcome.test().accuracy(), outcome.test().macroF1(), outcome.test().total(), inputs.testName(),
                outcome.training().trainSeconds(), outcome.training().trainableParams(), outcome.training().totalParams());
        if (outcome.test().unseenGoldLabels() > 0) {
            int unseen = outcome.test().unseenGoldLabels();
            System.out.println(unseen == 1 ? "1 test text has a label never seen in training (counted as an error)"
                    : unseen + " test texts have labels never seen in training (counted as errors)");
        }
        if (out != null) {
            Checkpoint.save(out, backend, outcome.model(), card.name(), labels.labels(), maxLen,
                    outcome.tokenizer().addedWords(), m.name());
            System.out.println("model saved to " + out);
        }
        if (report != null) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("method", m.name());
            r.put("version", BuildInfo.description());
            r.put("model", card.name());
            r.put("train", inputs.trainName());
            r.put("test", inputs.testName());
            r.put("seed", seed);
            r.put("epochs", epochs);
            r.put("accuracy", outcome.test().accuracy());
            r.put("macro_f1", outcome.test().macroF1());
            r.put("train_seconds", outcome.training().trainSeconds());
            double cpu = outcome.training().trainCpuSeconds();
            r.put("train_cpu_seconds", Double.isNaN(cpu) ? null : cpu);
            r.put("trainable_params", outcome.training().trainableParams());
            r.put("total_params", outcome.training().totalParams());
            r.put("peak_heap_bytes", outcome.training().peakHeapBytes());
            r.put("backend", backend.name());
            r.put("batch", batch);
            r.put("max_len", maxLen);
            r.put("encoder_lr", config.encoderLr());
            r.put("head_lr", headLr);
            r.put("probe_seconds", outcome.training().probeSeconds());
            r.put("best_epoch", outcome.training().bestEpoch());
            r.put("optimizer_state_floats", outcome.training().optimizerStateFloats());
            r.put("history", outcome.training().history());
            r.putAll(outcome.details());
            r.put("scores", outcome.test().summary());
            byte[] json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(r);
            AtomicFiles.write(report, json);
            System.out.println("report written to " + report);
        }
        return 0;
    }
}
