package dev.clm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end: bad input gives one line and exit status 2; finetune, eval and predict agree. */
class CliTest {
    @TempDir
    Path dir;

    /** Exit status, stdout and stderr of one run. */
    record Run(int status, String out, String err) {
    }

    static synchronized Run run(String stdin, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            int status = Main.run(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    private Path file(String name, String content) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private void assertBadInput(Run r, String... fragments) {
        assertEquals(2, r.status(), r.err());
        // The last line: a run that fails after some work has logged its progress first.
        String[] lines = r.err().strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.startsWith("clm: "), r.err());
        for (String f : fragments) {
            assertTrue(last.contains(f), "'" + f + "' not in: " + last);
        }
    }

    private String good() {
        StringBuilder sb = new StringBuilder("text,label\n");
        String[][] rows = {{"my card was stolen", "lost"}, {"i lost my card", "lost"}, {"card missing please block it", "lost"},
            {"send money to john", "transfer"}, {"transfer 50 dollars to mom", "transfer"}, {"wire cash to my landlord", "transfer"}};
        for (int rep = 0; rep < 3; rep++) {
            for (String[] r : rows) {
                sb.append(r[0]).append(rep > 0 ? " now" : "").append(',').append(r[1]).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void badInputIsOneLineAndStatusTwo() throws Exception {
        Path ok = file("ok.csv", good());
        assertBadInput(run("", "finetune", "--train", dir.resolve("missing.csv").toString(), "--test", ok.toString()),
                "missing.csv", "no such file");
        assertBadInput(run("", "finetune", "--train", file("col.csv", "sentence,label\na,b\n").toString(), "--test", ok.toString()),
                "col.csv:1:", "'text'");
        assertBadInput(run("", "finetune", "--train", file("empty.csv", "text,label\nhi,a\n ,b\n").toString(), "--test", ok.toString()),
                "empty.csv:3:", "empty text");
        assertBadInput(run("", "finetune", "--train", file("one.csv", "text,label\nhi,a\nho,a\n").toString(), "--test", ok.toString()),
                "one.csv", "only one class");
        assertBadInput(run("", "finetune", "--train", file("quote.csv", "text,label\nhi,a\n\"open,b\n").toString(), "--test", ok.toString()),
                "quote.csv:3:", "unterminated quoted field");
        Path bad = dir.resolve("utf.csv");
        Files.write(bad, new byte[] {'t', 'e', 'x', 't', ',', 'l', 'a', 'b', 'e', 'l', '\n', 'a', (byte) 0xFF, ',', 'b', '\n'});
        assertBadInput(run("", "finetune", "--train", bad.toString(), "--test", ok.toString()), "utf.csv:2:", "invalid UTF-8");
        assertBadInput(run("", "finetune", "--train", ok.toString(), "--test", ok.toString(), "--method", "magic"),
                "unknown method 'magic'");
        Files.createDirectories(dir.resolve("nomodel"));
        assertBadInput(run("", "eval", "--model", dir.resolve("nomodel").toString(), "--test", ok.toString()),
                "nomodel", "no config.json");
        assertBadInput(run("", "predict", "--model", dir.resolve("nomodel").toString()), "no config.json");
        assertBadInput(run("", "bench", "fly"), "'infer' or 'train'");
        assertBadInput(run("", "finetune", "--epochs", "x"), "--epochs");
        assertFalse(Files.exists(dir.resolve("report.json")));
    }

    @Test
    void outOfRangeNumbersAreUserErrorsBeforeAnyWork() throws Exception {
        String ok = file("ok.csv", good()).toString();
        // NaN fails every comparison, so each check must reject it as well as the plain bad values.
        String[][] finetune = {{"--lr", "NaN"}, {"--lr", "-1"}, {"--head-lr", "0"}, {"--head-lr", "Infinity"},
            {"--density", "NaN"}, {"--val-fraction", "NaN"}, {"--patience", "-1"}, {"--min-layer", "-1"}, {"--threads", "-3"}};
        for (String[] option : finetune) {
            assertBadInput(run("", "finetune", "--train", ok, "--test", ok, option[0], option[1]), option[0]);
        }
        assertBadInput(run("hi\n", "predict", "--model", dir.toString(), "--batch", "0"), "--batch");
        assertBadInput(run("hi\n", "predict", "--model", dir.toString(), "--batch", "-1"), "--batch");
        assertBadInput(run("hi\n", "embed", "--batch", "0"), "--batch");
        assertBadInput(run("hi\n", "embed", "--max-len", "0"), "--max-len");
        assertBadInput(run("", "demo", "--steps", "0"), "--steps");
        // Outputs that cannot be written are found before training, not after it.
        assertBadInput(run("", "finetune", "--train", ok, "--test", ok, "--out", ok), ok + ": is a file, not a directory");
        assertBadInput(run("", "finetune", "--train", ok, "--test", ok, "--out", ok + "/model"), ok + ": is a file, not a directory");
        assertBadInput(run("", "finetune", "--train", ok, "--test", ok, "--report", dir.toString()), dir + ": is a directory");
        assertBadInput(run("", "eval", "--model", dir.toString(), "--test", ok, "--report", dir.toString()), dir + ": is a directory");
        assertBadInput(run("", "delta", "--model", dir.toString(), "--out", ok), ok + ": is a file, not a directory");
    }

    @Test
    void optionsTheModelCannotHonourAreUserErrors() throws Exception {
        String ok = file("ok.csv", good()).toString();
        assertBadInput(run("", "finetune", "--train", ok, "--test", ok, "--min-layer", "6"), "--min-layer 6", "0 to 5");
        assertBadInput(run("", "finetune", "--train", ok, "--test", ok, "--max-len", "1000"), "--max-len 1000", "512 positions");
        assertBadInput(run("hi\n", "embed", "--max-len", "513"), "--max-len 513", "512 positions");
    }

    @Test
    void badLoraAndLayersOptionsAreUserErrors() throws Exception {
        Path ok = file("ok.csv", good());
        assertBadInput(run("", "finetune", "--train", ok.toString(), "--test", ok.toString(), "--method", "lora",
                "--lora-targets", "everything"), "--lora-targets", "'everything'");
        assertBadInput(run("", "finetune", "--train", ok.toString(), "--test", ok.toString(), "--method", "lora",
                "--lora-rank", "0"), "--lora-rank");
        assertBadInput(run("", "finetune", "--train", ok.toString(), "--test", ok.toString(), "--method", "layers",
                "--layers-top", "0"), "--layers-top");
        assertBadInput(run("", "finetune", "--train", ok.toString(), "--test", ok.toString(), "--method", "random-sparse",
                "--score-from", dir.toString()), "--score-from", "random-sparse");
    }

    @Test
    void finetuneThenEvalReproducesAccuracyAndPredictAnswers() throws Exception {
        Path train = file("train.csv", good());
        Path test = file("test.csv", "text,label\nsomeone took my card,lost\nplease send 20 dollars to sarah "
                + "x".repeat(0) + ",transfer\n" + "transfer " + "money ".repeat(40) + "to my friend,transfer\n");
        Path model = dir.resolve("model");
        Path report = dir.resolve("report.json");
        Run r = run("", "finetune", "--train", train.toString(), "--test", test.toString(), "--method", "head",
                "--epochs", "1", "--max-len", "16", "--val-fraction", "0", "--out", model.toString(), "--report", report.toString());
        assertEquals(0, r.status(), r.err());
        JsonNode rep = new ObjectMapper().readTree(report.toFile());
        for (String key : new String[] {"method", "model", "train", "test", "seed", "epochs", "accuracy", "macro_f1",
            "train_seconds", "trainable_params", "total_params", "peak_heap_bytes", "version"}) {
            assertTrue(rep.has(key), "report lacks " + key);
        }
        assertEquals(1, rep.get("truncated_test_texts").asInt(), "the long test text is cut and counted");
        Run e = run("", "eval", "--model", model.toString(), "--test", test.toString());
        assertEquals(0, e.status(), e.err());
        assertTrue(e.out().contains(String.format("accuracy %.4f", rep.get("accuracy").asDouble())), e.out() + " vs " + rep);
        Run p = run("my card is gone\nsend cash to bob\n", "predict", "--model", model.toString());
        assertEquals(0, p.status(), p.err());
        String[] lines = p.out().strip().split("\n");
        assertEquals(2, lines.length, p.out());
        JsonNode first = new ObjectMapper().readTree(lines[0]);
        assertTrue(first.has("label") && first.has("score"), lines[0]);
    }
}
