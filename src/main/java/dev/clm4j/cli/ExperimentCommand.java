package dev.clm4j.cli;

import dev.clm4j.experiment.ChildJvmExecutor;
import dev.clm4j.experiment.Dataset;
import dev.clm4j.experiment.ExperimentRunner;
import dev.clm4j.experiment.MethodSpec;
import dev.clm4j.experiment.Setting;
import dev.clm4j.model.ModelCard;
import dev.clm4j.tensor.Backends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `clm experiment`: every dataset x setting x method x seed, each a `clm finetune` in a child JVM,
 * one result file per run (a re-run skips what is done), then results.md and accuracy-vs-time.png.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run finetuning methods over datasets, few-shot settings and seeds; resume where it stopped; "
                + "render results.md (mean ± std per method) and accuracy-vs-time.png.",
            "Options after -- go to every `clm finetune` run, e.g. -- --val-fraction 0 --density 0.1."},
        footer = {"", "Examples:",
            "  clm experiment --datasets demo --methods head,clm --seeds 0,1 --epochs 2",
            "  clm experiment --data-root ../shared/datasets --datasets banking77,snips \\",
            "      --per-class 10,full --seeds 0,1,2 --epochs 10 \\",
            "      --methods \"full,head,clm,clm-notok=clm --new-tokens 0\"",
            "  clm experiment --out runs/experiments --render-only",
            "",
            "While OUT/pause exists no new run starts (the current one finishes):",
            "touch it to have the machine to yourself for a benchmark, remove it to go on.",
            "Exit status: 0 all runs done, 1 some failed (recorded and listed), 2 bad input."})
final class ExperimentCommand implements Callable<Integer> {
    @Option(names = "--datasets", paramLabel = "LIST",
            description = "Comma list; each NAME=TRAIN:TEST, or NAME (DATA_ROOT/NAME/train.csv and test.csv), or demo "
                    + "(the built-in demo data).")
    String datasets;

    @Option(names = "--data-root", paramLabel = "DIR", defaultValue = "${env:CLM_DATA}",
            description = "Folder of datasets named in --datasets (default: $CLM_DATA).")
    Path dataRoot;

    @Option(names = "--methods", paramLabel = "LIST",
            description = "Comma list of `clm finetune --method` names, or LABEL=METHOD [finetune options] variants "
                    + "(e.g. clm-5e4=clm --lr 5e-4).")
    String methods;

    @Option(names = "--seeds", defaultValue = "0", paramLabel = "LIST", description = "Comma list of seeds (default ${DEFAULT-VALUE}).")
    String seeds;

    @Option(names = "--per-class", defaultValue = "full", paramLabel = "LIST",
            description = "Data settings, comma list: full, or N training examples per label drawn with the seed "
                    + "(default ${DEFAULT-VALUE}).")
    String perClass;

    @Option(names = "--epochs", defaultValue = "3", description = "Epochs (default ${DEFAULT-VALUE}, as finetune).")
    int epochs;

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--max-len", defaultValue = "64", description = "Max tokens per text (default ${DEFAULT-VALUE}).")
    int maxLen;

    @Option(names = "--lr", description = "Encoder learning rate for every method (default: each method's own).")
    Double lr;

    @Option(names = "--model", defaultValue = ModelCard.DEFAULT, description = "Pretrained model card (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--backend", defaultValue = "cpu", description = "cpu, cuda or reference (default ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--threads", defaultValue = "0", description = "Threads of the cpu backend (0: all cores).")
    int threads;

    @Option(names = "--jvm-opts", paramLabel = "OPTS",
            description = "JVM options of each run's child JVM, space-separated (default: this JVM's, e.g. -Xmx8g).")
    String jvmOpts;

    @Option(names = "--out", defaultValue = "runs/experiments", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--skip-failed", description = "Do not retry runs that failed before.")
    boolean skipFailed;

    @Option(names = "--render-only", description = "Only render results.md and the plot from the results in --out.")
    boolean renderOnly;

    @CommandLine.Mixin
    DataColumnsMixin columns;

    @Parameters(paramLabel = "FINETUNE_OPTION", description = "After --: more `clm finetune` options for every run.")
    List<String> finetuneOptions = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        CliSupport.requireWritable(out, true, "--out");
        String version = BuildInfo.description();
        if (renderOnly) {
            if (!Files.isDirectory(out.resolve("results"))) {
                throw new UserError("--render-only: no results folder " + out.resolve("results"));
            }
            List<String> order = ExperimentRunner.methodOrder(methods == null ? List.of() : parseMethods());
            new ExperimentRunner(out, null, System.out, version, Clock.systemUTC()).render(order, true);
            return 0;
        }
        if (datasets == null || methods == null) {
            throw new UserError("experiment: give --datasets and --methods (or --render-only)");
        }
        if (epochs < 1 || batch < 1 || maxLen < 8) {
            throw new UserError("experiment: need --epochs >= 1, --batch >= 1, --max-len >= 8");
        }
        if (!Backends.NAMES.contains(backend)) {
            throw new UserError("--backend is one of " + String.join(", ", Backends.NAMES) + ", not '" + backend + "'");
        }
        CliSupport.card(model);
        List<MethodSpec> methodList = parseMethods();
        List<Setting> settings = Setting.parseList(perClass);
        List<Long> seedList = parseSeeds();
        List<Dataset> datasetList = Dataset.parseList(datasets, dataRoot, out.resolve("data"));

        List<String> shared = new ArrayList<>(List.of("--model", model, "--epochs", Integer.toString(epochs),
                "--batch", Integer.toString(batch), "--max-len", Integer.toString(maxLen), "--backend", backend,
                "--threads", Integer.toString(threads), "--text-column", columns.text, "--label-column", columns.label));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model", model);
        config.put("epochs", epochs);
        config.put("batch", batch);
        config.put("max_len", maxLen);
        if (lr != null) {
            shared.add("--lr");
            shared.add(Double.toString(lr));
            config.put("lr", lr);
        }
        config.put("backend", backend);
        config.put("threads", threads);
        if (!columns.text.equals("text") || !columns.label.equals("label")) {
            config.put("text_column", columns.text);
            config.put("label_column", columns.label);
        }
        shared.addAll(finetuneOptions);
        if (!finetuneOptions.isEmpty()) {
            config.put("finetune_args", List.copyOf(finetuneOptions));
        }
        for (MethodSpec m : methodList) {
            checkFinetuneArgs(m, shared);
        }

        List<String> jvm = jvmOpts == null ? null : Arrays.asList(jvmOpts.strip().split("\\s+"));
        ExperimentRunner runner = new ExperimentRunner(out, new ChildJvmExecutor(jvm), System.out, version, Clock.systemUTC());
        ExperimentRunner.Plan plan = new ExperimentRunner.Plan(datasetList, settings, methodList, seedList, shared, config,
                epochs, columns.text, columns.label, !skipFailed);
        ExperimentRunner.Summary summary = runner.run(plan);
        return summary.failed() > 0 ? 1 : 0;
    }

    private List<MethodSpec> parseMethods() {
        return MethodSpec.parseList(methods);
    }

    private List<Long> parseSeeds() {
        List<Long> out = new ArrayList<>();
        for (String s : seeds.split(",")) {
            if (s.isBlank()) {
                continue;
            }
            try {
                long v = Long.parseLong(s.strip());
                if (!out.contains(v)) {
                    out.add(v);
                }
            } catch (NumberFormatException e) {
                throw new UserError("--seeds: not a number: '" + s.strip() + "'");
            }
        }
        if (out.isEmpty()) {
            throw new UserError("--seeds: no seed given");
        }
        return out;
    }

    /** The finetune command line of this method must parse (unknown or repeated options fail here, not in every run). */
    private static void checkFinetuneArgs(MethodSpec m, List<String> shared) {
        List<String> args = new ArrayList<>(List.of("--train", "t.csv", "--test", "t.csv", "--method", m.method(),
                "--seed", "0"));
        args.addAll(shared);
        args.addAll(m.args());
        try {
            new CommandLine(new FinetuneCommand()).parseArgs(args.toArray(new String[0]));
        } catch (CommandLine.ParameterException e) {
            throw new UserError("experiment: the finetune options of method " + m.label() + " do not parse: " + e.getMessage());
        }
    }
}
