package dev.clm4j.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.clm4j.finetune.Methods;
import dev.clm4j.io.data.DatasetReader;
import dev.clm4j.io.data.Example;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs every combination of datasets, settings, methods and seeds that has no result yet, one
 * {@link RunExecutor} call each, and renders results.md and accuracy-vs-time.png from all result
 * files in the output folder. Order: dataset, setting, seed, then method, so that a stopped
 * experiment has every method on its first seeds. A failed run is recorded as failed and the
 * experiment goes on; by default the next invocation tries it again.
 */
public final class ExperimentRunner {
    public static final String RESULTS_MD = "results.md";
    public static final String PLOT_PNG = "accuracy-vs-time.png";

    /**
     * What to run. {@code sharedArgs} are `clm finetune` options given to every run (epochs,
     * batch, ...); {@code config} the same options as a record in each result; {@code epochs} the
     * epoch count also kept on its own.
     */
    public record Plan(List<Dataset> datasets, List<Setting> settings, List<MethodSpec> methods, List<Long> seeds,
                       List<String> sharedArgs, Map<String, Object> config, int epochs, String textColumn,
                       String labelColumn, boolean retryFailed) {
    }

    /** How it went: runs in the plan, found done, run now, and failed at the end. */
    public record Summary(int total, int skipped, int ran, int failed) {
    }

    private final Path outDir;
    private final ResultStore store;
    private final RunExecutor executor;
    private final PrintStream out;
    private final String version;
    private final Clock clock;
    private final Map<String, List<Example>> trainSets = new HashMap<>();

    public ExperimentRunner(Path outDir, RunExecutor executor, PrintStream out, String version, Clock clock) {
        this.outDir = outDir;
        this.store = new ResultStore(outDir);
        this.executor = executor;
        this.out = out;
        this.version = version;
        this.clock = clock;
    }

    public ResultStore store() {
        return store;
    }

    /** Every run of the plan, in execution order. */
    public static List<RunSpec> specs(Plan plan) {
        List<RunSpec> specs = new ArrayList<>();
        for (Dataset d : plan.datasets()) {
            for (Setting s : plan.settings()) {
                for (long seed : plan.seeds()) {
                    for (MethodSpec m : plan.methods()) {
                        specs.add(new RunSpec(d, s, m, seed));
                    }
                }
            }
        }
        return specs;
    }

    /** A file in the output folder that holds the runner between runs while it exists. */
    public static final String PAUSE_FILE = "pause";

    /**
     * While OUT/pause exists, no new run starts (the one going on finishes first): a run's times are
     * only comparable when nothing else shares the cores, so whoever needs the machine for a while
     * (a benchmark, a build) pauses the queue instead of slowing the run in progress.
     */
    private void holdWhilePaused() throws InterruptedException {
        Path pause = outDir.resolve(PAUSE_FILE);
        if (!java.nio.file.Files.exists(pause)) {
            return;
        }
        out.printf("paused: %s exists; the next run starts when it is removed%n", pause);
        out.flush();
        while (java.nio.file.Files.exists(pause)) {
            Thread.sleep(pausePollMillis);
        }
        out.println("resumed");
    }

    private long pausePollMillis = 2000;

    /** How often a paused runner looks for the pause file (tests look more often). */
    ExperimentRunner pollPauseEvery(long millis) {
        this.pausePollMillis = millis;
        return this;
    }

    public Summary run(Plan plan) throws IOException, InterruptedException {
        List<RunSpec> all = specs(plan);
        List<RunSpec> todo = new ArrayList<>();
        List<String> otherOptions = new ArrayList<>();
        for (RunSpec spec : all) {
            Optional<RunResult> done = store.find(spec.id());
            if (done.isEmpty() || (!done.get().ok() && plan.retryFailed())) {
                todo.add(spec);
            } else if (!sameConfig(done.get().config(), config(plan, spec))) {
                otherOptions.add(spec.id());
            }
        }
        out.printf("experiment: %s (%s x %s x %s x %s) in %s: %d done, %d to run%n", count(all.size(), "run"),
                count(plan.datasets().size(), "dataset"), count(plan.settings().size(), "setting"),
                count(plan.methods().size(), "method"), count(plan.seeds().size(), "seed"), outDir,
                all.size() - todo.size(), todo.size());
        if (!otherOptions.isEmpty()) {
            out.printf("note: %d existing results (e.g. %s) were made with other options than these; they are kept "
                    + "(use another --out, or delete them to run again)%n", otherOptions.size(), otherOptions.get(0));
        }
        if (todo.isEmpty()) {
            out.println("all runs already done; rendering only");
        }
        List<String> order = methodOrder(plan.methods());
        double spent = 0;
        for (int i = 0; i < todo.size(); i++) {
            RunSpec spec = todo.get(i);
            holdWhilePaused();
            String tag = String.format(Locale.ROOT, "[%d/%d]", i + 1, todo.size());
            out.printf("%s %s%n", tag, spec.describe());
            out.flush();
            RunResult r = runOne(plan, spec);
            store.write(r);
            spent += r.wallSeconds() == null ? 0 : r.wallSeconds();
            int left = todo.size() - i - 1;
            String eta = left == 0 ? "done" : "ETA " + duration(spent / (i + 1) * left) + " for " + left + " more";
            if (r.ok()) {
                out.printf(Locale.ROOT, "%s ok: accuracy %.2f%%, macro-F1 %.2f%%, train %.1f s, wall %.1f s | %s%n",
                        " ".repeat(tag.length()), 100 * r.accuracy(), 100 * r.macroF1(), r.trainSeconds(),
                        r.wallSeconds(), eta);
            } else {
                out.printf(Locale.ROOT, "%s FAILED: %s (log: %s) | %s%n", " ".repeat(tag.length()), r.error(),
                        logFile(spec), eta);
            }
            render(order, false);
        }
        render(order, true);
        int failed = 0;
        for (RunSpec spec : all) {
            Optional<RunResult> r = store.find(spec.id());
            if (r.isEmpty() || !r.get().ok()) {
                failed++;
            }
        }
        if (failed > 0) {
            out.printf("%d of %d runs failed (listed in %s)%n", failed, all.size(), outDir.resolve(RESULTS_MD));
        }
        return new Summary(all.size(), all.size() - todo.size(), todo.size(), failed);
    }

    /** Writes results.md and accuracy-vs-time.png from every result file in the folder. */
    public void render(List<String> methodOrder, boolean announce) throws IOException {
        List<RunResult> results = store.all();
        Path png = outDir.resolve(PLOT_PNG);
        // The self-contained image leaves java.desktop (Java2D) out: there the tables come without the plot.
        boolean canPlot = ModuleLayer.boot().findModule("java.desktop").isPresent();
        boolean plotted = canPlot && AccuracyTimePlot.write(results, methodOrder, png);
        if (!canPlot && announce) {
            out.println("no plot: this Java runtime has no java.desktop module");
        }
        String generated = "Generated " + Instant.now(clock).truncatedTo(ChronoUnit.SECONDS) + " by " + version
                + " from " + results.size() + " result files in `results/`.";
        String md = ResultsTable.render(results, methodOrder, generated, plotted ? PLOT_PNG : null);
        dev.clm4j.io.AtomicFiles.write(outDir.resolve(RESULTS_MD), md.getBytes(StandardCharsets.UTF_8));
        if (announce) {
            out.printf("wrote %s%s (%d results)%n", outDir.resolve(RESULTS_MD), plotted ? " and " + png : "",
                    results.size());
        }
    }

    /** The plan's labels first, then full, head and the other known methods. */
    public static List<String> methodOrder(List<MethodSpec> methods) {
        List<String> order = new ArrayList<>();
        methods.forEach(m -> order.add(m.label()));
        List<String> known = new ArrayList<>(List.of("full", "head"));
        known.addAll(Methods.NAMES);
        known.stream().filter(m -> !order.contains(m)).distinct().forEach(order::add);
        return order;
    }

    private RunResult runOne(Plan plan, RunSpec spec) throws IOException, InterruptedException {
        Path train = trainFile(plan, spec);
        Path test = spec.dataset().test();
        List<String> args = new ArrayList<>(List.of("--train", train.toString(), "--test", test.toString(),
                "--method", spec.method().method(), "--seed", Long.toString(spec.seed())));
        args.addAll(plan.sharedArgs());
        args.addAll(spec.method().args());
        RunExecutor.Execution ex = executor.execute(new RunExecutor.Request(spec, train, test, args, logFile(spec)));
        if (ex.ok() && (dbl(ex.report(), "accuracy") == null || dbl(ex.report(), "train_seconds") == null)) {
            ex = RunExecutor.Execution.failure("the finetune report has no accuracy or train_seconds", ex.wallSeconds(),
                    ex.peakRssBytes());
        }
        Map<String, Object> rep = ex.ok() ? ex.report() : Map.of();
        String built = buildOfRun(rep);
        return new RunResult(spec.dataset().name(), spec.setting().id(), spec.setting().perClass(), spec.method().label(),
                spec.seed(), ex.ok() ? RunResult.OK : RunResult.FAILED, ex.ok() ? null : ex.error(),
                dbl(rep, "accuracy"), dbl(rep, "macro_f1"), lng(rep, "trainable_params"), lng(rep, "total_params"),
                dbl(rep, "train_seconds"), ex.wallSeconds(), lng(rep, "peak_heap_bytes"), ex.peakRssBytes(),
                plan.epochs(), spec.method().method(), train.toString(), test.toString(), config(plan, spec),
                Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString(), built, ex.ok() ? ex.report() : null);
    }

    /**
     * The build that trained the run, as its finetune report says, else the runner's own. `./clm`
     * runs each build from its own copy of the jar, so through it they never differ; they can when
     * the runner was started on target/clm4j.jar itself and the jar was rebuilt while it ran (each
     * child JVM loads the jar afresh). The result then records the build that produced it, and the
     * runner says so, instead of a table silently mixing builds under the runner's name.
     */
    private String buildOfRun(Map<String, Object> report) {
        if (!(report.get("version") instanceof String built) || built.isBlank()) {
            return version;
        }
        if (!built.equals(version)) {
            out.printf("note: this run was trained by %s, not by the runner's %s: the jar changed while the experiment "
                    + "ran (start experiments with ./clm, which runs each build from its own copy of the jar)%n", built, version);
        }
        return built;
    }

    private Path logFile(RunSpec spec) {
        return outDir.resolve("logs").resolve(spec.id() + ".log");
    }

    /** The dataset's own training file, or the few-shot sample for this seed (written once per run, the same every time). */
    private Path trainFile(Plan plan, RunSpec spec) throws IOException {
        if (spec.setting().full()) {
            return spec.dataset().train();
        }
        List<Example> all = trainSets.computeIfAbsent(spec.dataset().name(),
                k -> new DatasetReader(plan.textColumn(), plan.labelColumn()).read(spec.dataset().train()));
        Path file = outDir.resolve("data").resolve(spec.dataset().name())
                .resolve(spec.setting().id() + ".seed" + spec.seed() + ".train.csv");
        FewShot.writeCsv(file, FewShot.sample(all, spec.setting().perClass(), spec.seed()), plan.textColumn(),
                plan.labelColumn());
        return file;
    }

    static Map<String, Object> config(Plan plan, RunSpec spec) {
        Map<String, Object> c = new LinkedHashMap<>(plan.config());
        if (!spec.method().args().isEmpty()) {
            c.put("method_args", spec.method().args());
        }
        return c;
    }

    private static boolean sameConfig(Map<String, Object> a, Map<String, Object> b) {
        JsonNode x = ResultStore.JSON.valueToTree(a == null ? Map.of() : a);
        JsonNode y = ResultStore.JSON.valueToTree(b == null ? Map.of() : b);
        try {
            return ResultStore.JSON.readTree(x.toString()).equals(ResultStore.JSON.readTree(y.toString()));
        } catch (IOException e) {
            return false;
        }
    }

    private static Double dbl(Map<String, Object> m, String k) {
        return m.get(k) instanceof Number n ? n.doubleValue() : null;
    }

    private static Long lng(Map<String, Object> m, String k) {
        return m.get(k) instanceof Number n ? n.longValue() : null;
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** "45s", "5m 20s", "2h 05m". */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
    }
}
