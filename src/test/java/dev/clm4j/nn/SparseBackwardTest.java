package dev.clm4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Tape;
import dev.clm4j.model.Classifier;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.ReferenceBackend;
import dev.clm4j.tensor.Tensor;
import dev.clm4j.tensor.cpu.CpuBackend;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Stage 5 of the method at model level: a masked backward (weight gradients only for the selected
 * rows, nothing below the lowest trainable layer) gives, on the selected rows, the same gradients as
 * a dense backward of the whole model; frozen matrices get no gradient at all.
 */
class SparseBackwardTest {

    @Test
    void selectedRowsGetTheDenseGradientOnReference() {
        check(new ReferenceBackend(), 0f);
    }

    @Test
    void selectedRowsGetTheDenseGradientOnCpu() {
        // The fast backend sums in a different order for the compact and the dense products.
        check(CpuBackend.create(2), 2e-5f);
    }

    private static void check(Backend b, float tolerance) {
        SplittableRandom rng = new SplittableRandom(5);
        TinyModels.Batch batch = TinyModels.keywordBatch(b, rng, 6, 3, 9);

        Classifier dense = TinyModels.tinyClassifier(b, 3, 3, Pooling.MEAN, 17);
        dense.parameters().forEach(Parameter::trainAll);
        backward(b, dense, batch);
        Map<String, float[]> denseGrads = new HashMap<>();
        for (Parameter p : dense.parameters()) {
            denseGrads.put(p.name(), p.grad().data().clone());
        }

        Classifier sparse = TinyModels.tinyClassifier(b, 3, 3, Pooling.MEAN, 17);
        sparse.parameters().forEach(Parameter::freeze);
        Map<String, int[]> selected = Map.of(
                "encoder.layer.1.attention.self.value.weight", new int[] {0, 4, 11},
                "encoder.layer.1.intermediate.dense.weight", new int[] {2, 3, 19},
                "encoder.layer.2.output.dense.weight", new int[] {7},
                "encoder.layer.2.attention.output.dense.weight", new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        for (Parameter p : sparse.parameters()) {
            int[] rows = selected.get(p.name());
            if (rows != null) {
                p.trainMasked(Mask.rows(rows, p.rowCount(), p.colCount()));
            }
        }
        sparse.head().parameters().forEach(Parameter::trainAll);
        assertEquals(1, sparse.encoder().lowestTrainableLayer());
        backward(b, sparse, batch);

        int checked = 0;
        for (Parameter p : sparse.parameters()) {
            int[] rows = selected.get(p.name());
            if (rows == null) {
                if (!p.trainable()) {
                    assertNull(p.grad(), p.name() + " is frozen and must get no gradient");
                }
                continue;
            }
            Tensor compact = p.grad();
            assertNotNull(compact, p.name());
            assertEquals(rows.length * p.colCount(), compact.size(), p.name() + ": the gradient is compact");
            float[] full = denseGrads.get(p.name());
            float[] got = compact.data();
            int cols = p.colCount();
            for (int i = 0; i < rows.length; i++) {
                for (int c = 0; c < cols; c++) {
                    float want = full[rows[i] * cols + c];
                    float have = got[i * cols + c];
                    assertTrue(Math.abs(want - have) <= tolerance * Math.max(1f, Math.abs(want)),
                            p.name() + " row " + rows[i] + " col " + c + ": dense " + want + ", sparse " + have);
                }
            }
            checked++;
        }
        assertEquals(selected.size(), checked);
    }

    private static void backward(Backend b, Classifier model, TinyModels.Batch batch) {
        List<Parameter> params = model.parameters();
        params.forEach(Parameter::clearGrad);
        Tape tape = new Tape();
        Ops ops = new Ops(b, tape);
        tape.backward(b, ops.crossEntropy(model.logits(ops, batch.ids(), batch.seq()), batch.labels()));
    }
}
