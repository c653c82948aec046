package dev.clm4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Tape;
import dev.clm4j.model.Classifier;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.ReferenceBackend;
import dev.clm4j.tensor.Tensor;
import dev.clm4j.tensor.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * A training step with {@link Ops#recycling} gives each array back as soon as backward has consumed
 * it, and the rest after the update; the cpu backend hands them out again unzeroed. Training with it
 * must give bit-identical weights to training without it, over batches of changing and repeated
 * lengths (so that recycled arrays are really reused), for every way a method trains: all weights,
 * masked rows above frozen layers, LoRA adapters. On a backend that fills every array it is given
 * back with NaN, a single read of a released array would show in the weights.
 */
class TrainingRecyclingTest {

    /** Poisons what it is given back: a use after release turns the result into NaN. */
    private static final class PoisoningBackend extends ReferenceBackend {
        int recycled;

        @Override
        public void recycle(Tensor dead) {
            java.util.Arrays.fill(dead.data(), Float.NaN);
            recycled++;
        }
    }

    private static List<float[]> train(Backend b, BiConsumer<Backend, Classifier> setUp, boolean recycling) {
        Classifier model = TinyModels.tinyClassifier(b, 3, 4, Pooling.MEAN, 31);
        model.parameters().forEach(Parameter::freeze);
        setUp.accept(b, model);
        model.head().parameters().forEach(Parameter::trainAll);
        List<Parameter> params = model.parameters();
        AdamW opt = AdamW.standard(b, 0.01f);
        SplittableRandom rng = new SplittableRandom(32);
        for (int step = 0; step < 10; step++) {
            // Steps 5-9 repeat the lengths of steps 0-4: the second time, outputs come from the pool.
            SplittableRandom data = step == 5 ? (rng = new SplittableRandom(32)) : rng;
            TinyModels.Batch batch = TinyModels.keywordBatch(b, data, 6, 4, 9);
            Tape tape = new Tape();
            Ops ops = new Ops(b, tape);
            if (recycling) {
                ops.recycling();
            }
            tape.backward(b, ops.crossEntropy(model.logits(ops, batch.ids(), batch.seq()), batch.labels()));
            opt.step(params, p -> 1e-2);
            ops.releaseAll();
        }
        List<float[]> weights = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            weights.add(b.download(p.value()));
        }
        return weights;
    }

    private static void assertSame(List<float[]> expected, List<float[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), 0f, "parameter " + i);
        }
    }

    private static final BiConsumer<Backend, Classifier> ALL = (b, m) -> m.parameters().forEach(Parameter::trainAll);

    /** Rows of layers 1 and 2 only (layer 0 frozen: backward stops above it), as clm trains. */
    private static final BiConsumer<Backend, Classifier> MASKED_ROWS = (b, m) -> {
        for (int l = 1; l < 3; l++) {
            for (Parameter p : m.encoder().layers().get(l).parameters()) {
                if (p.value().rank() == 2) {
                    int[] rows = {0, 2, p.rowCount() - 1};
                    p.trainMasked(Mask.rows(rows, p.rowCount(), p.colCount()));
                }
            }
        }
    };

    private static final BiConsumer<Backend, Classifier> LORA = (b, m) -> {
        SplittableRandom rng = new SplittableRandom(33);
        for (EncoderLayer layer : m.encoder().layers()) {
            layer.attention().query().attachAdapter(b, rng, 2, 4, 0);
            layer.attention().value().attachAdapter(b, rng, 2, 4, 0);
        }
    };

    @Test
    void recycledArraysChangeNothingOnTheCpuBackend() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            for (BiConsumer<Backend, Classifier> setUp : List.of(ALL, MASKED_ROWS, LORA)) {
                assertSame(train(cpu, setUp, false), train(cpu, setUp, true));
            }
        }
    }

    @Test
    void nothingIsReadAfterItIsGivenBack() {
        for (BiConsumer<Backend, Classifier> setUp : List.of(ALL, MASKED_ROWS, LORA)) {
            List<float[]> plain = train(new ReferenceBackend(), setUp, false);
            PoisoningBackend poisoning = new PoisoningBackend();
            List<float[]> poisoned = train(poisoning, setUp, true);
            assertSame(plain, poisoned);
            org.junit.jupiter.api.Assertions.assertTrue(poisoning.recycled > 100,
                    "only " + poisoning.recycled + " arrays given back");
        }
    }
}
