package dev.clm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clm4j.cli.CliTest.Run;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * File system failures on the command line: one line `clm: PATH: reason` with exit status 2, where
 * the reason names the real problem and the path is the user's, never our temporary file's.
 */
class FileErrorMessagesTest {
    @TempDir
    Path dir;

    /** What ErrorHandler prints for an exception, and the status it returns. */
    private static String handled(Exception e) {
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new Main());
        cmd.setErr(new PrintWriter(err, true));
        assertEquals(ErrorHandler.BAD_INPUT, new ErrorHandler().handleExecutionException(e, cmd, null));
        return err.toString().strip();
    }

    /** The JDK says many reasons only by the exception's type: its message is then the bare path. */
    @Test
    void everyFileSystemExceptionGetsAReason() {
        assertEquals("clm: /m/t.csv: already exists", handled(new FileAlreadyExistsException("/m/t.csv")));
        assertEquals("clm: /m/x: permission denied", handled(new AccessDeniedException("/m/x")));
        assertEquals("clm: /m/x: not a directory", handled(new NotDirectoryException("/m/x")));
        assertEquals("clm: /m/x: no such file", handled(new NoSuchFileException("/m/x")));
        assertEquals("clm: /m/x: read-only file system",
                handled(new FileSystemException("/m/x", null, "Read-only file system")));
        assertEquals("clm: /m/x: permission denied",
                handled(new UncheckedIOException(new AccessDeniedException("/m/x"))));
    }

    /** The error is the last line on stderr (finetune's progress comes before it). */
    private static void assertOneLine(Run r, String expected) {
        assertEquals(ErrorHandler.BAD_INPUT, r.status(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(expected, lines[lines.length - 1], r.err());
    }

    @Test
    void outputPathsThatCannotBeWrittenSayWhyAndADeltaBesideTheModelIsNotCountedAsIt() throws Exception {
        Path data = Files.writeString(dir.resolve("t.csv"), trainingData(), StandardCharsets.UTF_8);
        Path model = dir.resolve("model");
        Path adir = Files.createDirectory(dir.resolve("adir"));
        String[] finetune = {"finetune", "--train", data.toString(), "--test", data.toString(), "--method", "head",
            "--epochs", "1", "--max-len", "16", "--val-fraction", "0"};

        // A report that would land on a directory: said of the directory, before any training (the
        // rename of a temporary file over a directory is AtomicFilesTest's).
        Run r = CliTest.run("", concat(finetune, "--out", model.toString(), "--report", adir.toString()));
        assertOneLine(r, "clm: " + adir + ": is a directory");
        assertFalse(Files.exists(model), "nothing trained or saved");
        assertEquals(0, CliTest.run("", concat(finetune, "--out", model.toString())).status());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
        assertOneLine(CliTest.run("", concat(finetune, "--out", data.toString())),
                "clm: " + data + ": is a file, not a directory");

        assertOneLine(CliTest.run("", "eval", "--model", data.toString(), "--test", data.toString()),
                "clm: " + data + ": is a file, not a model directory");
        assertOneLine(CliTest.run("", "predict", "--model", data.toString()),
                "clm: " + data + ": is a file, not a model directory");
        assertOneLine(CliTest.run("", "delta", "--model", data.toString(), "--out", dir.resolve("d").toString()),
                "clm: " + data + ": is a file, not a model directory");
        assertOneLine(CliTest.run("", "eval", "--model", model.toString(), "--test", data.toString(),
                "--report", data.resolve("r.json").toString()), "clm: " + data + ": is a file, not a directory");
        assertOneLine(CliTest.run("", "delta", "--model", model.toString(), "--out", data.toString()),
                "clm: " + data + ": is a file, not a directory");

        Path proc = Path.of("/proc/clm4j-test-" + ProcessHandle.current().pid());
        if (Files.isDirectory(Path.of("/proc/self"))) {
            Run p = CliTest.run("", "delta", "--model", model.toString(), "--out", proc.toString());
            assertEquals(ErrorHandler.BAD_INPUT, p.status(), p.err());
            assertTrue(p.err().startsWith("clm: " + proc + ": ") && !p.err().contains("no such file"), p.err());
        }

        // A delta written into the model's own
        // directory is not counted as part of the full model, the second time either.
        JsonNode config = new ObjectMapper().readTree(model.resolve("config.json").toFile());
        long modelBytes = Files.size(model.resolve("config.json"))
                + Files.size(model.resolve(config.get("weights_file").asText()));
        String expected = String.format("full model's %.1f MiB", modelBytes / 1048576.0);
        for (int i = 0; i < 2; i++) {
            Run d = CliTest.run("", "delta", "--model", model.toString(), "--out", model.toString());
            assertEquals(0, d.status(), d.err());
            assertTrue(d.out().contains(expected), "run " + i + ": " + d.out() + " vs " + expected);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static String trainingData() {
        StringBuilder sb = new StringBuilder("text,label\n");
        String[][] rows = {{"my card was stolen", "lost"}, {"i lost my card", "lost"}, {"card missing please block it", "lost"},
            {"send money to john", "transfer"}, {"transfer 50 dollars to mom", "transfer"}, {"wire cash to my landlord", "transfer"}};
        for (String[] row : rows) {
            sb.append(row[0]).append(',').append(row[1]).append('\n');
        }
        return sb.toString();
    }
}
