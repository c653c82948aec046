package dev.clm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clm4j.cli.CliTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The method end to end on the real encoder and the built-in demo data: a `clm` finetune adds
 * words to the vocabulary; the saved model tokenizes with them again (eval reproduces the test
 * accuracy); its delta export predicts exactly what the full checkpoint predicts.
 */
class ClmRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void addedWordsAndDeltaRoundTrip() throws Exception {
        Path model = dir.resolve("model");
        Path delta = dir.resolve("delta");
        Path report = dir.resolve("report.json");
        Run r = CliTest.run("", "finetune", "--method", "clm", "--epochs", "1", "--max-len", "32", "--val-fraction", "0",
                "--out", model.toString(), "--report", report.toString());
        assertEquals(0, r.status(), r.err());
        JsonNode config = new ObjectMapper().readTree(model.resolve("config.json").toFile());
        assertFalse(config.get("added_words").isEmpty(), "the demo data has multi-piece words worth adding: " + config);

        Run d = CliTest.run("", "delta", "--model", model.toString(), "--out", delta.toString());
        assertEquals(0, d.status(), d.err());
        long deltaBytes = Files.list(delta).mapToLong(f -> f.toFile().length()).sum();
        long fullBytes = Files.list(model).mapToLong(f -> f.toFile().length()).sum();
        assertTrue(deltaBytes * 4 < fullBytes, "a 5% row delta is far smaller: " + deltaBytes + " vs " + fullBytes);

        JsonNode rep = new ObjectMapper().readTree(report.toFile());
        double accuracy = rep.get("accuracy").asDouble();
        // Stages 1 and 2 run before the trainer and count in the training time.
        double prep = rep.get("preparation_seconds").asDouble();
        assertTrue(prep > 0 && rep.get("train_seconds").asDouble() > prep, rep.toString());
        String expected = String.format("accuracy %.4f", accuracy);
        Path demoTest = demoTest();
        for (Path m : new Path[] {model, delta}) {
            Run e = CliTest.run("", "eval", "--model", m.toString(), "--test", demoTest.toString());
            assertEquals(0, e.status(), e.err());
            assertTrue(e.out().contains(expected), m + ": " + e.out() + " vs " + expected);
        }
        String texts = "i need a refund for this\nmy contactless payment failed\nwhat is the exchange rate\n";
        Run full = CliTest.run(texts, "predict", "--model", model.toString());
        Run small = CliTest.run(texts, "predict", "--model", delta.toString());
        assertEquals(0, full.status(), full.err());
        assertEquals(0, small.status(), small.err());
        assertEquals(full.out(), small.out(), "the delta gives bit-identical predictions");
        assertEquals(3, full.out().strip().split("\n").length);
    }

    private Path demoTest() throws Exception {
        Path p = dir.resolve("demo-test.csv");
        try (var in = ClmRoundTripTest.class.getResourceAsStream("/dev/clm4j/demo/test.csv")) {
            Files.copy(in, p);
        }
        return p;
    }
}
