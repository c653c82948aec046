package dev.clm4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Tape;
import dev.clm4j.io.InputError;
import dev.clm4j.io.NamedArray;
import dev.clm4j.nn.AdamW;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sparse finetune exported as a delta from its base loads back to bit-identical predictions. */
class DeltaCheckpointTest {
    private final Backend b = new ReferenceBackend();

    @TempDir
    Path dir;

    /** The pretrained base: the encoder's tensors only (the head is new in every finetune). */
    private Map<String, NamedArray> baseWeights(Classifier model) {
        Map<String, NamedArray> base = new LinkedHashMap<>();
        for (Parameter p : model.encoder().parameters()) {
            base.put(p.name(), new NamedArray(p.name(), p.value().shape(), b.download(p.value()).clone()));
        }
        return base;
    }

    /** Adds two words, masks rows of one matrix and entries of another, and trains a few steps. */
    private Classifier sparseFinetune(long seed) {
        Classifier model = TinyModels.tinyClassifier(b, 2, 3, Pooling.MEAN, seed);
        model.parameters().forEach(Parameter::freeze);
        int hidden = model.encoder().config().hidden();
        float[] newRows = new float[2 * hidden];
        for (int i = 0; i < newRows.length; i++) {
            newRows[i] = 0.01f * i;
        }
        model.encoder().growVocabulary(b, newRows);
        Parameter query = model.encoder().layers().get(1).attention().query().weight();
        Parameter up = model.encoder().layers().get(1).feedForward().up().weight();
        query.trainMasked(Mask.rows(new int[] {1, 4, 9}, query.rowCount(), query.colCount()));
        up.trainMasked(Mask.elements(new int[] {3, 50, 51, 77}, up.rowCount(), up.colCount()));
        model.head().parameters().forEach(Parameter::trainAll);
        AdamW opt = AdamW.standard(b, 0.01f);
        SplittableRandom rng = new SplittableRandom(seed + 1);
        for (int step = 0; step < 5; step++) {
            TinyModels.Batch batch = TinyModels.keywordBatch(b, rng, 6, 3, 8);
            Tape tape = new Tape();
            Ops ops = new Ops(b, tape);
            tape.backward(b, ops.crossEntropy(model.logits(ops, batch.ids(), batch.seq()), batch.labels()));
            opt.step(model.parameters(), p -> 1e-2);
        }
        return model;
    }

    @Test
    void deltaLoadsToBitIdenticalLogitsAndStoresOnlyWhatChanged() throws IOException {
        Map<String, NamedArray> base = baseWeights(TinyModels.tinyClassifier(b, 2, 3, Pooling.MEAN, 7));
        Classifier trained = sparseFinetune(7);
        Path full = dir.resolve("full");
        Path delta = dir.resolve("delta");
        Checkpoint.save(full, b, trained, "tiny", List.of("a", "b", "c"), 16, List.of("w1", "w2"), "clm");
        DeltaCheckpoint.Summary s = DeltaCheckpoint.export(full, delta, base);

        DeltaCheckpoint.DeltaConfig config = DeltaCheckpoint.readConfig(delta);
        Map<String, DeltaCheckpoint.TensorSpec> t = config.tensors();
        assertEquals("rows", t.get("encoder.layer.1.attention.self.query.weight").encoding());
        assertArrayEquals(new int[] {1, 4, 9}, t.get("encoder.layer.1.attention.self.query.weight").indices());
        assertEquals("elements", t.get("encoder.layer.1.intermediate.dense.weight").encoding());
        assertArrayEquals(new int[] {3, 50, 51, 77}, t.get("encoder.layer.1.intermediate.dense.weight").indices());
        assertEquals("rows", t.get("embeddings.word_embeddings.weight").encoding(), "the added words' rows");
        assertArrayEquals(new int[] {23, 24}, t.get("embeddings.word_embeddings.weight").indices());
        assertEquals("dense", t.get("classifier.weight").encoding());
        assertFalse(t.containsKey("encoder.layer.0.attention.self.query.weight"), "untouched tensors are not stored");
        assertEquals(List.of("w1", "w2"), config.classifier().addedWords());
        assertEquals(t.size(), s.tensors());

        Checkpoint.Loaded loaded = DeltaCheckpoint.load(delta, b, base);
        assertEquals(25, loaded.model().encoder().config().vocabSize());
        TinyModels.Batch batch = TinyModels.keywordBatch(b, new SplittableRandom(3), 5, 3, 8);
        float[] want = trained.logits(Ops.inference(b), batch.ids(), batch.seq()).value().data();
        float[] got = loaded.model().logits(Ops.inference(b), batch.ids(), batch.seq()).value().data();
        assertArrayEquals(want, got, 0f);
        for (Parameter p : trained.parameters()) {
            Parameter q = loaded.model().parameters().stream().filter(x -> x.name().equals(p.name())).findFirst().orElseThrow();
            assertArrayEquals(p.value().data(), q.value().data(), 0f, p.name());
        }
    }

    @Test
    void refusesAnotherBaseOrAlteredValues() throws IOException {
        Map<String, NamedArray> base = baseWeights(TinyModels.tinyClassifier(b, 2, 3, Pooling.MEAN, 7));
        Path full = dir.resolve("full");
        Path delta = dir.resolve("delta");
        Checkpoint.save(full, b, sparseFinetune(7), "tiny", List.of("a", "b", "c"), 16, List.of("w1", "w2"), "clm");
        DeltaCheckpoint.export(full, delta, base);

        Map<String, NamedArray> other = baseWeights(TinyModels.tinyClassifier(b, 2, 3, Pooling.MEAN, 8));
        String msg = assertThrows(InputError.class, () -> DeltaCheckpoint.load(delta, b, other)).getMessage();
        assertTrue(msg.contains("different base"), msg);

        Path values = delta.resolve(DeltaCheckpoint.readConfig(delta).valuesFile());
        try (RandomAccessFile f = new RandomAccessFile(values.toFile(), "rw")) {
            f.seek(f.length() - 3);
            f.write(42);
        }
        msg = assertThrows(InputError.class, () -> DeltaCheckpoint.load(delta, b, base)).getMessage();
        assertTrue(msg.contains("altered"), msg);
    }

    /**
     * A delta exported into the model's own directory: the full model's size counts config.json and
     * the weights only, not the delta beside them; and the export removes the temporary files a
     * killed export left there, but not the model's or the user's.
     */
    @Test
    void exportIntoTheModelDirectoryCountsOnlyTheModelAndCleansItsOwnLeftovers() throws IOException {
        Map<String, NamedArray> base = baseWeights(TinyModels.tinyClassifier(b, 2, 3, Pooling.MEAN, 7));
        Path full = dir.resolve("full");
        Checkpoint.save(full, b, sparseFinetune(7), "tiny", List.of("a", "b", "c"), 16, List.of("w1", "w2"), "clm");
        CheckpointConfig config = Checkpoint.readConfig(full);
        long modelBytes = Files.size(full.resolve(Checkpoint.CONFIG)) + Files.size(full.resolve(config.weightsFile()));
        Path deltaTmp = Files.write(full.resolve(".delta.json.3bnx0k2a1qz9.tmp"), new byte[] {'{'});
        Path valuesTmp = Files.write(full.resolve(".delta-18c2f3a91b0-3f2a.safetensors.1x9zq0k3mv7t.tmp"), new byte[64]);
        Path modelTmp = Files.write(full.resolve(".weights-18c2f3a91b0-3f2a.safetensors.1x9zq0k3mv7t.tmp"), new byte[64]);
        Path userFile = Files.writeString(full.resolve("README.txt"), "mine");

        DeltaCheckpoint.Summary first = DeltaCheckpoint.export(full, full, base);
        assertEquals(modelBytes, first.modelBytes());
        DeltaCheckpoint.Summary again = DeltaCheckpoint.export(full, full, base);
        assertEquals(modelBytes, again.modelBytes(), "the first delta in the directory is not counted as the model's");
        assertEquals(first.bytes(), again.bytes());
        assertTrue(again.bytes() < modelBytes, again + " vs " + modelBytes);

        assertFalse(Files.exists(deltaTmp));
        assertFalse(Files.exists(valuesTmp));
        assertTrue(Files.exists(modelTmp), "a save's temporary file is for a save to remove");
        assertTrue(Files.exists(userFile));
        Checkpoint.load(full, b);
        DeltaCheckpoint.load(full, b, base);
    }
}
