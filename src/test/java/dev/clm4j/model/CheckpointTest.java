package dev.clm4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.autograd.Ops;
import dev.clm4j.io.InputError;
import dev.clm4j.nn.Mask;
import dev.clm4j.nn.Parameter;
import dev.clm4j.nn.Pooling;
import dev.clm4j.nn.TinyModels;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.ReferenceBackend;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    private final Backend b = new ReferenceBackend();

    @TempDir
    Path dir;

    private static Classifier model(Backend b, long seed) {
        return TinyModels.tinyClassifier(b, 2, 3, Pooling.MEAN, seed);
    }

    @Test
    void roundTripGivesIdenticalLogitsAndMask() throws IOException {
        Classifier m = model(b, 1);
        Parameter q = m.encoder().layers().get(1).attention().query().weight();
        q.trainMasked(Mask.rows(new int[] {2, 5}, q.rowCount(), q.colCount()));
        Checkpoint.save(dir, b, m, "tiny", List.of("a", "b", "c"), 16, List.of("overdraft"), "clm");
        Checkpoint.Loaded loaded = Checkpoint.load(dir, b);
        TinyModels.Batch batch = TinyModels.keywordBatch(b, new SplittableRandom(3), 4, 3, 7);
        float[] before = m.logits(Ops.inference(b), batch.ids(), batch.seq()).value().data();
        float[] after = loaded.model().logits(Ops.inference(b), batch.ids(), batch.seq()).value().data();
        assertArrayEquals(before, after, 0f);
        assertEquals(List.of("overdraft"), loaded.config().addedWords());
        Parameter q2 = loaded.model().encoder().layers().get(1).attention().query().weight();
        assertArrayEquals(new int[] {2, 5}, q2.mask().selectedRows());
    }

    /** A model without prefix vectors writes no prefix_length, and a config without it loads as before. */
    @Test
    void configWithoutAPrefixHasNoPrefixLength() throws IOException {
        Classifier m = model(b, 4);
        Checkpoint.save(dir, b, m, "tiny", List.of("a", "b", "c"), 16, List.of(), "full");
        String json = Files.readString(dir.resolve("config.json"));
        assertTrue(!json.contains("prefix_length"), json);
        Checkpoint.Loaded loaded = Checkpoint.load(dir, b);
        assertEquals(0, loaded.config().prefixVectors());
        assertEquals(0, loaded.model().encoder().prefixLength());
        assertEquals(m.parameters().size(), loaded.model().parameters().size());
    }

    @Test
    void refusesTruncatedOrAlteredWeights() throws IOException {
        Checkpoint.save(dir, b, model(b, 2), "tiny", List.of("a", "b", "c"), 16, List.of(), "full");
        Path weights = dir.resolve(Checkpoint.readConfig(dir).weightsFile());
        try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
            f.seek(f.length() - 10);
            f.write(7);
        }
        String msg = assertThrows(InputError.class, () -> Checkpoint.load(dir, b)).getMessage();
        assertTrue(msg.contains("altered"), msg);
        try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        assertThrows(InputError.class, () -> Checkpoint.load(dir, b));
    }

    @Test
    void refusesDirectoryWithoutConfig() throws IOException {
        Files.createDirectories(dir.resolve("empty"));
        String msg = assertThrows(InputError.class, () -> Checkpoint.load(dir.resolve("empty"), b)).getMessage();
        assertTrue(msg.contains("no config.json"), msg);
    }

    /** A process that saves checkpoints in a loop until killed. */
    public static final class SaveForever {
        public static void main(String[] args) throws IOException {
            Backend backend = new ReferenceBackend();
            Path out = Path.of(args[0]);
            for (long i = 0; ; i++) {
                Checkpoint.save(out, backend, model(backend, i), "tiny", List.of("a", "b", "c"), 16, List.of(), "full");
                System.out.println("saved " + i);
                System.out.flush();
            }
        }
    }

    @Test
    void killedWhileSavingLeavesALoadableCheckpoint() throws Exception {
        Path out = dir.resolve("model");
        for (int trial = 0; trial < 3; trial++) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), SaveForever.class.getName(), out.toString())
                    .redirectErrorStream(true).start();
            var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
            String line = reader.readLine();
            assertTrue(line != null && line.startsWith("saved"), "child did not save: " + line);
            // Let it get well into its next saves, then kill it without warning.
            Thread.sleep(50 + 40L * trial);
            p.destroyForcibly();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            Checkpoint.Loaded loaded = Checkpoint.load(out, b);
            assertEquals(3, loaded.model().head().classes());
        }
    }

    /**
     * A save killed by kill -9 before its rename leaves a temporary file, as big as the weights. The
     * next save to the directory removes such files of its own naming, and leaves everything else.
     */
    @Test
    void aSaveRemovesTheTemporaryFilesOfAKilledSaveAndNothingElse() throws IOException {
        Checkpoint.save(dir, b, model(b, 5), "tiny", List.of("a", "b", "c"), 16, List.of(), "full");
        Path weightsTmp = Files.write(dir.resolve(".weights-18c2f3a91b0-3f2a.safetensors.1x9zq0k3mv7t.tmp"), new byte[100]);
        Path configTmp = Files.write(dir.resolve(".config.json.2k4j5h6g.tmp"), new byte[] {'{'});
        List<Path> userFiles = List.of(
                Files.writeString(dir.resolve("notes.txt"), "mine"),
                Files.writeString(dir.resolve(".notes.txt.2k4j5h6g.tmp"), "an editor's, not ours"),
                Files.writeString(dir.resolve(".weights-mine.safetensors.2k4j5h6g.tmp"), "not a name save gives"),
                Files.writeString(dir.resolve(".delta.json.2k4j5h6g.tmp"), "a delta export's, not a save's"));
        Checkpoint.save(dir, b, model(b, 6), "tiny", List.of("a", "b", "c"), 16, List.of(), "full");
        assertFalse(Files.exists(weightsTmp), "the killed save's weights");
        assertFalse(Files.exists(configTmp), "the killed save's config");
        for (Path p : userFiles) {
            assertTrue(Files.exists(p), p + " must stay");
        }
        Checkpoint.load(dir, b);
    }

    /** --model naming a file, or --out naming one, says it is a file rather than "no such" anything. */
    @Test
    void aFileWhereAModelDirectoryShouldBeIsNamedAsOne() throws IOException {
        Path file = Files.writeString(dir.resolve("t.csv"), "text,label\n");
        String msg = assertThrows(InputError.class, () -> Checkpoint.readConfig(file)).getMessage();
        assertEquals(file + ": is a file, not a model directory", msg);
        java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
                () -> Checkpoint.save(file, b, model(b, 1), "tiny", List.of("a", "b", "c"), 16, List.of(), "full"));
        assertEquals(file + ": is a file, not a directory", dev.clm4j.io.FileErrors.message(e));
    }
}
