package dev.clm4j.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.autograd.Ops;
import dev.clm4j.model.Checkpoint;
import dev.clm4j.model.Classifier;
import dev.clm4j.nn.AttentionPrefix;
import dev.clm4j.nn.Parameter;
import dev.clm4j.nn.Pooling;
import dev.clm4j.nn.Sequences;
import dev.clm4j.nn.TinyModels;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.ReferenceBackend;
import dev.clm4j.tensor.cpu.CpuBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prefix tuning: the prefix is always attended to, padding never; only the prefix trains; it is saved. */
class PrefixTuningTest {
    @TempDir
    Path dir;

    private static Classifier withPrefix(Backend b, long seed) {
        Classifier model = TinyModels.tinyClassifier(b, 2, 3, Pooling.MEAN, seed);
        int hidden = model.encoder().config().hidden();
        SplittableRandom rng = new SplittableRandom(seed + 100);
        float[][] keys = new float[2][3 * hidden];
        float[][] values = new float[2][3 * hidden];
        for (int l = 0; l < 2; l++) {
            for (int i = 0; i < 3 * hidden; i++) {
                keys[l][i] = (float) rng.nextGaussian();
                values[l][i] = (float) rng.nextGaussian();
            }
        }
        model.encoder().attachPrefix(3, keys, values);
        return model;
    }

    /** One sequence of 2 real tokens padded to 6, one of 6 real tokens. */
    private static float[] logits(Backend b, Classifier model, int[] ids) {
        float[] mask = {1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
        Sequences seq = new Sequences(2, 6, b.upload(mask, 2, 6));
        return b.download(model.logits(Ops.inference(b), new Indices(ids), seq).value());
    }

    @Test
    void prefixIsAlwaysAttendedPaddingNever() {
        Backend b = new ReferenceBackend();
        Classifier model = withPrefix(b, 3);
        int[] ids = {1, 5, 0, 0, 0, 0, 1, 12, 13, 4, 15, 2};
        float[] base = logits(b, model, ids);
        int[] otherPadding = ids.clone();
        otherPadding[3] = 17;
        otherPadding[5] = 9;
        assertArrayEquals(base, logits(b, model, otherPadding), 0f, "padded keys must get no weight");

        Parameter key = model.encoder().layers().get(0).attention().attentionPrefix().keys();
        float[] k = b.download(key.value());
        k[1] += 0.5f;
        key.set(b.upload(k, key.value().shape()));
        float[] moved = logits(b, model, ids);
        assertFalse(moved[0] == base[0] && moved[1] == base[1] && moved[2] == base[2],
                "a prefix key must change the mostly padded sequence's logits too");
        assertFalse(moved[3] == base[3] && moved[4] == base[4] && moved[5] == base[5]);
    }

    @Test
    void onlyThePrefixTrainsAndItIsSavedAndLoaded() throws Exception {
        try (CpuBackend cpu = new CpuBackend(2)) {
            Classifier model = TinyModels.tinyClassifier(cpu, 2, 3, Pooling.MEAN, 5);
            List<float[]> before = model.encoder().parameters().stream().map(p -> cpu.download(p.value())).toList();
            List<TokenizedExample> all = BaselineData.keywords(3, 60);
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            TrainResult result = new Trainer(cpu, BaselineData.config(7), 0, new PrintStream(log, true, StandardCharsets.UTF_8))
                    .fit(model, new PrefixTuning(4), all.subList(0, 48), all.subList(48, 60));
            assertFalse(log.toString(StandardCharsets.UTF_8).contains("are frozen: their output"),
                    "a prefix in layer 0 leaves nothing to cache");
            assertEquals(4, model.encoder().prefixLength());
            List<Parameter> params = model.encoder().parameters();
            int base = before.size();
            assertEquals(base + 2 * 2, params.size(), "a key and a value prefix per layer");
            for (int i = 0; i < base; i++) {
                Parameter p = params.stream().filter(x -> !x.name().contains("prefix_")).toList().get(i);
                assertArrayEquals(before.get(i), cpu.download(p.value()), 0f, p.name() + " changed");
            }
            long prefix = 0;
            for (var layer : model.encoder().layers()) {
                AttentionPrefix ap = layer.attention().attentionPrefix();
                assertTrue(ap.keys().name().endsWith(".attention.self.prefix_key"), ap.keys().name());
                prefix += ap.keys().value().size() + ap.values().value().size();
            }
            long head = model.head().parameters().stream().mapToLong(p -> p.value().size()).sum();
            assertEquals(prefix + head, result.trainableParams());

            Checkpoint.save(dir, cpu, model, "tiny", List.of("a", "b", "c"), 16, List.of(), "prefix");
            Checkpoint.Loaded loaded = Checkpoint.load(dir, cpu);
            assertEquals(4, loaded.config().prefixVectors());
            assertTrue(java.nio.file.Files.readString(dir.resolve(Checkpoint.CONFIG)).contains("\"prefix_length\" : 4"));
            var weights = Checkpoint.readWeights(dir, loaded.config());
            for (int l = 0; l < 2; l++) {
                for (String kind : List.of("key", "value")) {
                    String name = "encoder.layer." + l + ".attention.self.prefix_" + kind;
                    assertTrue(weights.containsKey(name), name + " saved");
                    assertArrayEquals(new int[] {4, model.encoder().config().hidden()}, weights.get(name).shape());
                }
            }
            int[] ids = {1, 5, 0, 0, 0, 0, 1, 12, 13, 4, 15, 2};
            assertArrayEquals(logits(cpu, model, ids), logits(cpu, loaded.model(), ids), 0f);
        }
    }

    /** prepare attaches a frozen prefix before the probe, drawn from the data with the seed. */
    @Test
    void preparedBeforeTheProbeFrozenAndSeeded() {
        Backend b = new ReferenceBackend();
        List<TokenizedExample> data = BaselineData.keywords(3, 20);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        float[][] keys = new float[3][];
        long[] seeds = {7, 7, 8};
        for (int run = 0; run < 3; run++) {
            Classifier model = TinyModels.tinyClassifier(b, 2, 3, Pooling.MEAN, 5);
            new PrefixTuning(4).prepare(model, new MethodContext(b, data, BaselineData.config(seeds[run]), 0, quiet));
            assertEquals(4, model.encoder().prefixLength());
            assertTrue(model.encoder().parameters().stream().noneMatch(Parameter::trainable), "frozen until configure");
            keys[run] = b.download(model.encoder().layers().get(1).attention().attentionPrefix().keys().value());
        }
        assertArrayEquals(keys[0], keys[1], 0f, "same seed, same prefix");
        assertFalse(Arrays.equals(keys[0], keys[2]), "another seed draws other tokens");
    }

    @Test
    void registeredWithItsOptions() {
        TrainingMethod m = Methods.byName("prefix", dev.clm4j.finetune.clm.ClmOptions.defaults(), LoraOptions.defaults(),
                2, 7);
        assertEquals("prefix", m.name());
        assertEquals(7, ((PrefixTuning) m).length());
        assertTrue(Methods.NAMES.contains("prefix"));
        assertTrue(Arrays.asList(5e-3).contains(m.defaultEncoderLr()));
    }
}
