package dev.clm4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.autograd.GradCheck;
import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Tape;
import dev.clm4j.autograd.Var;
import dev.clm4j.model.Classifier;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Rand;
import dev.clm4j.tensor.ReferenceBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * LoRA adapters and dropout: finite-difference gradients of the adapter path and of dropout
 * (same tolerances as the other gradient tests), the frozen base weight getting no gradient, and
 * merging giving the same predictions.
 */
class LoraAdapterTest {
    private final Backend b = new ReferenceBackend();
    private final Rand r = new Rand(31);

    private GradCheck checker() {
        return new GradCheck(b, 1e-2, 2e-3, 2e-2, 40, 5);
    }

    /** B starts at zero (and then the gradient of A is zero): give both non-trivial values. */
    private void randomize(LoraAdapter adapter, float scale) {
        for (Parameter p : adapter.parameters()) {
            float[] v = p.value().data();
            float[] noise = r.floats(v.length, scale);
            System.arraycopy(noise, 0, v, 0, v.length);
        }
    }

    @Test
    void freshAdapterIsZeroAndKaimingUniform() {
        Linear lin = new Linear("enc.q", b, new SplittableRandom(1), 10, 6);
        LoraAdapter ad = lin.attachAdapter(b, new SplittableRandom(2), 4, 16, 0);
        assertEquals("enc.q.lora_A.weight", ad.a().name());
        assertEquals("enc.q.lora_B.weight", ad.b().name());
        assertArrayEquals(new int[] {4, 10}, ad.a().value().shape());
        assertArrayEquals(new int[] {6, 4}, ad.b().value().shape());
        assertEquals(4f, ad.scale());
        for (float v : ad.b().value().data()) {
            assertEquals(0f, v);
        }
        double bound = 1 / Math.sqrt(10);
        for (float v : ad.a().value().data()) {
            assertTrue(Math.abs(v) <= bound, "A entry " + v + " outside the Kaiming-uniform bound " + bound);
        }
        assertEquals(List.of(lin.weight(), lin.bias(), ad.a(), ad.b()), lin.parameters());
        // A fresh adapter changes nothing.
        Var x = Var.constant(r.uniform(b, 1f, 3, 10));
        float[] with = lin.forward(Ops.inference(b), x).value().data();
        float[] without = Ops.inference(b).linear(x, lin.weight(), lin.bias()).value().data();
        assertArrayEquals(without, with, 0f);
    }

    @Test
    void adapterPathGradientsMatchFiniteDifferencesAndTheBaseGetsNone() {
        Linear lin = new Linear("l", b, new SplittableRandom(3), 7, 5);
        LoraAdapter ad = lin.attachAdapter(b, new SplittableRandom(4), 3, 6, 0);
        randomize(ad, 0.8f);
        Var x = new Var(r.uniform(b, 1f, 4, 7), true);
        // W and b are frozen (never made trainable); the adapter and the input get gradients.
        GradCheck.Result res = checker().check(ops -> lin.forward(ops, x), List.of(ad.a(), ad.b(), x));
        assertTrue(res.checked() > 0);
        assertNull(lin.weight().grad(), "a frozen base weight must get no gradient");
        assertNull(lin.bias().grad());
    }

    @Test
    void adaptersInATinyClassifierMatchFiniteDifferences() {
        Classifier model = TinyModels.tinyClassifier(b, 2, 3, Pooling.MEAN, 7);
        List<Var> inputs = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(8);
        for (EncoderLayer layer : model.encoder().layers()) {
            for (Linear lin : layer.linears()) {
                LoraAdapter ad = lin.attachAdapter(b, rng, 2, 4, 0);
                randomize(ad, 0.3f);
                inputs.addAll(ad.parameters());
            }
        }
        TinyModels.Batch batch = TinyModels.keywordBatch(b, new SplittableRandom(9), 3, 3, 6);
        new GradCheck(b, 1e-2, 2e-3, 2e-2, 12, 6).check(ops -> model.logits(ops, batch.ids(), batch.seq()), inputs);
        for (Parameter p : model.encoder().parameters()) {
            if (!p.name().contains(".lora_")) {
                assertNull(p.grad(), p.name() + " is frozen and must get no gradient");
            }
        }
    }

    @Test
    void dropoutGradientMatchesFiniteDifferences() {
        Var x = new Var(r.uniform(b, 1f, 5, 9), true);
        checker().check(ops -> ops.gelu(ops.dropout(x, 0.3f, 42L)), List.of(x));
    }

    @Test
    void dropoutKeepsAboutOneMinusPAndScalesThem() {
        float[] ones = new float[20000];
        java.util.Arrays.fill(ones, 1f);
        Var x = Var.constant(b.upload(ones, 100, 200));
        float[] y = Ops.inference(b).dropout(x, 0.25f, 7L).value().data();
        int kept = 0;
        for (float v : y) {
            if (v != 0f) {
                assertEquals(1f / 0.75f, v, 1e-6f);
                kept++;
            }
        }
        assertEquals(0.75, kept / 20000.0, 0.015);
        // Same seed, same mask; another seed, another mask; p = 0 is the identity.
        assertArrayEquals(y, Ops.inference(b).dropout(x, 0.25f, 7L).value().data(), 0f);
        assertFalse(java.util.Arrays.equals(y, Ops.inference(b).dropout(x, 0.25f, 8L).value().data()));
        assertTrue(Ops.inference(b).dropout(x, 0f, 7L) == x);
    }

    @Test
    void adapterDropoutOnlyWhileTraining() {
        Linear lin = new Linear("l", b, new SplittableRandom(3), 8, 4);
        LoraAdapter ad = lin.attachAdapter(b, new SplittableRandom(4), 2, 4, 0.5);
        randomize(ad, 1f);
        Var x = Var.constant(r.uniform(b, 1f, 6, 8));
        float[] eval1 = lin.forward(Ops.inference(b), x).value().data();
        float[] eval2 = lin.forward(Ops.inference(b), x).value().data();
        assertArrayEquals(eval1, eval2, 0f);
        float[] train = lin.forward(new Ops(b, new Tape()), x).value().data();
        assertFalse(java.util.Arrays.equals(eval1, train), "a training forward drops adapter inputs");
    }

    @Test
    void mergeGivesTheSamePredictions() {
        Classifier model = TinyModels.tinyClassifier(b, 2, 4, Pooling.MEAN, 11);
        TinyModels.Batch batch = TinyModels.keywordBatch(b, new SplittableRandom(12), 6, 4, 8);
        float[] base = model.logits(Ops.inference(b), batch.ids(), batch.seq()).value().data();
        SplittableRandom rng = new SplittableRandom(13);
        for (EncoderLayer layer : model.encoder().layers()) {
            for (Linear lin : layer.linears()) {
                randomize(lin.attachAdapter(b, rng, 4, 16, 0.1), 0.3f);
            }
        }
        float[] adapted = model.logits(Ops.inference(b), batch.ids(), batch.seq()).value().data();
        assertNotEquals(0.0, maxAbsDiff(base, adapted), "the adapters must matter for the test to mean anything");
        for (EncoderLayer layer : model.encoder().layers()) {
            for (Linear lin : layer.linears()) {
                lin.mergeAdapter(b);
                assertNull(lin.adapter());
                assertEquals(2, lin.parameters().size());
            }
        }
        float[] merged = model.logits(Ops.inference(b), batch.ids(), batch.seq()).value().data();
        LogitsAssert.close(adapted, merged, 1e-5);
        assertArrayEquals(LogitsAssert.argmax(adapted, 4), LogitsAssert.argmax(merged, 4));
        for (Parameter p : model.parameters()) {
            assertFalse(p.name().contains("lora"), p.name());
        }
    }

    private static double maxAbsDiff(float[] a, float[] c) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - c[i]));
        }
        return m;
    }
}
