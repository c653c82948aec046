package dev.clm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `clm experiment`: bad options are one line and status 2; one real run end to end (head, 1 epoch, tiny data). */
class ExperimentCommandTest {
    @TempDir
    Path dir;

    private void assertBadInput(CliTest.Run r, String fragment) {
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().startsWith("clm: ") && r.err().contains(fragment), r.err());
    }

    @Test
    void badOptionsAreOneLineAndStatusTwo() {
        String out = dir.resolve("out").toString();
        assertBadInput(CliTest.run("", "experiment", "--datasets", "demo", "--methods", "head,nosuch", "--out", out),
                "unknown method 'nosuch'");
        assertBadInput(CliTest.run("", "experiment", "--methods", "head", "--out", out), "--datasets");
        assertBadInput(CliTest.run("", "experiment", "--datasets", "x=" + dir.resolve("a.csv") + ":" + dir.resolve("b.csv"),
                "--methods", "head", "--out", out), "a.csv: no such file");
        assertBadInput(CliTest.run("", "experiment", "--datasets", "demo", "--methods", "head", "--seeds", "0,x", "--out", out),
                "--seeds");
        assertBadInput(CliTest.run("", "experiment", "--datasets", "demo", "--methods", "head", "--out", out, "--",
                "--no-such-option"), "do not parse");
        assertBadInput(CliTest.run("", "experiment", "--datasets", "demo", "--methods", "head", "--backend", "tpu",
                "--out", out), "--backend");
        assertBadInput(CliTest.run("", "experiment", "--render-only", "--out", dir.resolve("none").toString()),
                "no results folder");
        assertTrue(Files.notExists(dir.resolve("out/results")), "nothing ran");
    }

    /** A run whose child exits with an error is recorded as failed with the child's message; status 1. */
    @Test
    void aFailingChildIsRecordedAsFailed() throws Exception {
        Path good = dir.resolve("train.csv");
        Files.writeString(good, "text,label\nlost my card,lost\nsend money,transfer\n");
        Path broken = dir.resolve("broken.csv");
        Files.writeString(broken, "text,label\nok,lost\n,transfer\n");
        Path out = dir.resolve("fail");
        CliTest.Run r = CliTest.run("", "experiment", "--datasets", "bad=" + good + ":" + broken, "--methods", "head",
                "--out", out.toString());
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("FAILED: exit status 2: clm: " + broken + ":3: empty text"), r.out());
        JsonNode result = new ObjectMapper().readTree(out.resolve("results/bad.full.head.seed0.json").toFile());
        assertEquals("failed", result.get("status").asText());
        assertTrue(Files.readString(out.resolve("results.md")).contains("0 (+1 failed)"));
    }

    /** The real thing in a child JVM: the demo data, 3 examples per label, head (linear probe), 1 epoch. */
    @Test
    void realRunThenOnlyRerender() throws Exception {
        Path out = dir.resolve("exp");
        String[] args = {"experiment", "--datasets", "demo", "--methods", "head", "--per-class", "3", "--epochs", "1",
            "--max-len", "32", "--threads", "2", "--out", out.toString(), "--", "--val-fraction", "0"};
        CliTest.Run r = CliTest.run("", args);
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("[1/1] demo, 3 per class, head, seed 0"), r.out());
        assertTrue(r.out().contains("ok: accuracy"), r.out());
        JsonNode result = new ObjectMapper().readTree(out.resolve("results/demo.k3.head.seed0.json").toFile());
        assertEquals("ok", result.get("status").asText());
        assertEquals("k3", result.get("setting").asText());
        assertEquals(3, result.get("per_class").asInt());
        assertTrue(result.get("accuracy").asDouble() > 0.5, result.toString());
        assertTrue(result.get("trainable_params").asLong() > 0);
        assertTrue(result.get("peak_heap_bytes").asLong() > 0);
        assertEquals(24, result.get("finetune_report").get("train_examples").asInt(), "8 labels x 3");
        assertTrue(Files.isRegularFile(out.resolve("results.md")));
        assertTrue(Files.isRegularFile(out.resolve("accuracy-vs-time.png")));

        CliTest.Run again = CliTest.run("", args);
        assertEquals(0, again.status(), again.err());
        assertTrue(again.out().contains("all runs already done; rendering only"), again.out());

        CliTest.Run render = CliTest.run("", "experiment", "--render-only", "--out", out.toString());
        assertEquals(0, render.status(), render.err());
        assertTrue(Files.readString(out.resolve("results.md")).contains("| head |"));
    }
}
