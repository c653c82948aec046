package dev.clm4j.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.io.data.DatasetReader;
import dev.clm4j.io.data.Example;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner with a fake executor: every combination once, resume, failures, few-shot files, rendering. */
class ExperimentRunnerTest {
    @TempDir
    Path dir;
    Path out;
    Dataset data;
    FakeExecutor fake;
    ByteArrayOutputStream printed;

    @BeforeEach
    void setUp() throws Exception {
        out = dir.resolve("out");
        StringBuilder train = new StringBuilder("text,label\n");
        for (int i = 0; i < 5; i++) {
            train.append("lost card ").append(i).append(",lost\n").append("send money ").append(i).append(",transfer\n");
        }
        train.append("what is my balance,balance\n");
        Files.writeString(dir.resolve("train.csv"), train);
        Files.writeString(dir.resolve("test.csv"), "text,label\nmy card is gone,lost\npay rent,transfer\n");
        data = new Dataset("tiny", dir.resolve("train.csv"), dir.resolve("test.csv"));
        fake = new FakeExecutor();
    }

    private ExperimentRunner runner() {
        printed = new ByteArrayOutputStream();
        return new ExperimentRunner(out, fake, new PrintStream(printed, true, StandardCharsets.UTF_8), "clm4j test",
                Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC));
    }

    private ExperimentRunner.Plan plan(boolean retryFailed) {
        return new ExperimentRunner.Plan(List.of(data), List.of(Setting.FULL, Setting.perClass(2)),
                MethodSpec.parseList("full,head"), List.of(0L, 1L), List.of("--epochs", "2"), Map.of("epochs", 2), 2,
                "text", "label", retryFailed);
    }

    private ExperimentRunner.Plan headOnSeeds(List<Long> seeds) {
        return new ExperimentRunner.Plan(List.of(data), List.of(Setting.FULL), MethodSpec.parseList("head"), seeds,
                List.of(), Map.of(), 2, "text", "label", true);
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void runsEveryCombinationOnceThenOnlyRenders() throws Exception {
        ExperimentRunner.Summary s = runner().run(plan(true));
        assertEquals(new ExperimentRunner.Summary(8, 0, 8, 0), s);
        assertEquals(8, fake.requests.size());
        assertEquals(8, fake.requests.stream().map(r -> r.spec().id()).distinct().count());
        // dataset, setting, seed, then method
        assertEquals(List.of("tiny.full.full.seed0", "tiny.full.head.seed0", "tiny.full.full.seed1", "tiny.full.head.seed1"),
                fake.requests.subList(0, 4).stream().map(r -> r.spec().id()).toList());
        assertTrue(printed().contains("[8/8] tiny, 2 per class, head, seed 1"), printed());
        assertTrue(printed().contains("ETA"), printed());
        for (var r : fake.requests) {
            Path f = out.resolve("results").resolve(r.spec().id() + ".json");
            assertTrue(Files.isRegularFile(f), f.toString());
        }
        RunResult one = new ResultStore(out).find("tiny.k2.head.seed1").orElseThrow();
        assertEquals("tiny", one.dataset());
        assertEquals("k2", one.setting());
        assertEquals(2, one.perClass());
        assertEquals("head", one.method());
        assertEquals(1, one.seed());
        assertEquals(0.81, one.accuracy(), 1e-12);
        assertEquals(0.80, one.macroF1(), 1e-12);
        assertEquals(3080L, one.trainableParams());
        assertEquals(40.0, one.trainSeconds());
        assertEquals(900L << 20, one.peakRssBytes());
        assertEquals(2, one.epochs());
        assertEquals(Map.of("epochs", 2), one.config());
        assertEquals("2026-01-02T03:04:05Z", one.date());
        assertEquals("clm4j test", one.version());
        assertNotNull(one.finetuneReport());
        String md = Files.readString(out.resolve(ExperimentRunner.RESULTS_MD));
        assertTrue(md.contains("## tiny, full training set"), md);
        assertTrue(md.contains("## tiny, 2 per class"), md);
        assertTrue(md.contains("| head | 80.50 ± 0.71 |"), md);
        assertTrue(Files.size(out.resolve(ExperimentRunner.PLOT_PNG)) > 0);

        Path png = out.resolve(ExperimentRunner.PLOT_PNG);
        Files.delete(png);
        ExperimentRunner.Summary again = runner().run(plan(true));
        assertEquals(new ExperimentRunner.Summary(8, 8, 0, 0), again);
        assertEquals(8, fake.requests.size(), "nothing ran again");
        assertTrue(printed().contains("all runs already done; rendering only"), printed());
        assertTrue(Files.isRegularFile(png), "re-rendered");
    }

    @Test
    void recordsTheBuildThatTrainedEachRunAndSaysWhenItIsNotTheRunners() throws Exception {
        fake.reportedVersion = "clm4j test";
        runner().run(headOnSeeds(List.of(0L)));
        assertFalse(printed().contains("note: this run was trained by"), printed());
        fake.reportedVersion = "clm4j rebuilt";
        runner().run(headOnSeeds(List.of(0L, 1L)));
        assertTrue(printed().contains("note: this run was trained by clm4j rebuilt, not by the runner's clm4j test"),
                printed());
        ResultStore store = new ResultStore(out);
        assertEquals("clm4j test", store.find("tiny.full.head.seed0").orElseThrow().version());
        assertEquals("clm4j rebuilt", store.find("tiny.full.head.seed1").orElseThrow().version());
        String md = Files.readString(out.resolve(ExperimentRunner.RESULTS_MD));
        assertTrue(md.contains("- clm4j rebuilt: 1 run"), md);
        assertTrue(md.contains("- clm4j test: 1 run"), md);
    }

    @Test
    void aPauseFileHoldsTheQueueUntilItIsRemoved() throws Exception {
        Files.createDirectories(out);
        Path pause = out.resolve(ExperimentRunner.PAUSE_FILE);
        Files.createFile(pause);
        ExperimentRunner r = runner().pollPauseEvery(10);
        Thread t = new Thread(() -> {
            try {
                r.run(plan(true));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        t.start();
        Thread.sleep(300);
        assertTrue(fake.requests.isEmpty(), "no run starts while paused");
        assertTrue(printed().contains("paused"), printed());
        Files.delete(pause);
        t.join(10_000);
        assertFalse(t.isAlive());
        assertEquals(8, fake.requests.size());
    }

    @Test
    void resumeSkipsFinishedRunsAndIgnoresTemporaryOrPartialFiles() throws Exception {
        runner().run(new ExperimentRunner.Plan(List.of(data), List.of(Setting.FULL), MethodSpec.parseList("head"),
                List.of(0L), List.of(), Map.of("epochs", 2), 2, "text", "label", true));
        assertEquals(1, fake.requests.size());
        Path results = out.resolve("results");
        // a temporary file of the atomic writer and a result cut short, as a killed run might leave them
        Files.writeString(results.resolve(".tiny.full.full.seed0.json.12345.tmp"), "{\"dataset\":\"tiny\",\"status\":\"ok\"");
        Files.writeString(results.resolve("tiny.full.head.seed1.json"), "{\"dataset\":\"tiny\",\"setting\":\"full\",\"meth");
        Files.writeString(results.resolve("tiny.full.full.seed1.json"), "");
        fake.requests.clear();
        ExperimentRunner.Summary s = runner().run(new ExperimentRunner.Plan(List.of(data), List.of(Setting.FULL),
                MethodSpec.parseList("full,head"), List.of(0L, 1L), List.of(), Map.of("epochs", 2), 2, "text", "label", true));
        assertEquals(1, s.skipped());
        assertEquals(3, s.ran());
        assertEquals(List.of("tiny.full.full.seed0", "tiny.full.full.seed1", "tiny.full.head.seed1"),
                fake.requests.stream().map(r -> r.spec().id()).toList());
        assertEquals(4, new ResultStore(out).all().size());
        assertTrue(new ResultStore(out).all().stream().allMatch(RunResult::ok));
    }

    @Test
    void differentOptionsOfExistingResultsAreReportedNotRedone() throws Exception {
        var p1 = new ExperimentRunner.Plan(List.of(data), List.of(Setting.FULL), MethodSpec.parseList("head"), List.of(0L),
                List.of(), Map.of("epochs", 2), 2, "text", "label", true);
        runner().run(p1);
        var p2 = new ExperimentRunner.Plan(List.of(data), List.of(Setting.FULL), MethodSpec.parseList("head"), List.of(0L),
                List.of(), Map.of("epochs", 5), 5, "text", "label", true);
        runner().run(p2);
        assertEquals(1, fake.requests.size());
        assertTrue(printed().contains("1 existing results (e.g. tiny.full.head.seed0) were made with other options"), printed());
    }

    @Test
    void aFailedRunIsRecordedTheOthersGoOnAndItIsRetriedNextTime() throws Exception {
        fake.failing.add("tiny.full.head.seed1");
        ExperimentRunner.Summary s = runner().run(plan(true));
        assertEquals(8, s.ran());
        assertEquals(1, s.failed());
        RunResult failed = new ResultStore(out).find("tiny.full.head.seed1").orElseThrow();
        assertFalse(failed.ok());
        assertEquals("failed", failed.status());
        assertTrue(failed.error().contains("boom"), failed.error());
        assertTrue(printed().contains("FAILED: exit status 1: clm: boom"), printed());
        String md = Files.readString(out.resolve(ExperimentRunner.RESULTS_MD));
        assertTrue(md.contains("| 1 (+1 failed) |"), md);
        assertTrue(md.contains("- head seed 1: exit status 1: clm: boom"), md);

        fake.requests.clear();
        runner().run(plan(false));
        assertEquals(0, fake.requests.size(), "--skip-failed leaves it");

        fake.failing.clear();
        ExperimentRunner.Summary retry = runner().run(plan(true));
        assertEquals(List.of("tiny.full.head.seed1"), fake.requests.stream().map(r -> r.spec().id()).toList());
        assertEquals(0, retry.failed());
        assertTrue(new ResultStore(out).find("tiny.full.head.seed1").orElseThrow().ok());
    }

    @Test
    void fewShotRunsTrainOnASampleOfNPerLabelTheSameForEveryMethod() throws Exception {
        runner().run(plan(true));
        Map<String, Path> trainOf = fake.requests.stream().collect(Collectors.toMap(r -> r.spec().id(), r -> r.train()));
        assertEquals(data.train(), trainOf.get("tiny.full.head.seed0"));
        Path k2 = trainOf.get("tiny.k2.head.seed0");
        assertEquals(k2, trainOf.get("tiny.k2.full.seed0"));
        assertFalse(k2.equals(trainOf.get("tiny.k2.head.seed1")));
        List<Example> sample = DatasetReader.standard().read(k2);
        Map<String, Long> perLabel = sample.stream().collect(Collectors.groupingBy(Example::label, Collectors.counting()));
        assertEquals(Map.of("lost", 2L, "transfer", 2L, "balance", 1L), perLabel);
        // the request hands the finetune command the sample, the test file, method and seed
        var req = fake.requests.stream().filter(r -> r.spec().id().equals("tiny.k2.head.seed0")).findFirst().orElseThrow();
        assertEquals(List.of("--train", k2.toString(), "--test", data.test().toString(), "--method", "head", "--seed", "0",
                "--epochs", "2"), req.finetuneArgs());
    }

    @Test
    void methodVariantsCarryTheirOwnOptions() throws Exception {
        runner().run(new ExperimentRunner.Plan(List.of(data), List.of(Setting.FULL),
                MethodSpec.parseList("clm,clm-notok=clm --new-tokens 0"), List.of(0L), List.of("--epochs", "2"),
                Map.of("epochs", 2), 2, "text", "label", true));
        var req = fake.requests.get(1);
        assertEquals("tiny.full.clm-notok.seed0", req.spec().id());
        assertEquals(List.of("--new-tokens", "0"), req.finetuneArgs().subList(req.finetuneArgs().size() - 2,
                req.finetuneArgs().size()));
        RunResult r = new ResultStore(out).find("tiny.full.clm-notok.seed0").orElseThrow();
        assertEquals("clm", r.baseMethod());
        assertEquals(List.of("--new-tokens", "0"), r.config().get("method_args"));
    }
}
