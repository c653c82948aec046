package dev.clm4j.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.finetune.clm.Sensitivity;
import dev.clm4j.model.Classifier;
import dev.clm4j.nn.Parameter;
import dev.clm4j.nn.Pooling;
import dev.clm4j.nn.TinyModels;
import dev.clm4j.tensor.cpu.CpuBackend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * clm's sensitivity pass starts from the trainer's frozen-prefix cache: the scores of the layers
 * above it are those of the whole forward pass, with and without the token restriction.
 */
class SensitivityFromCacheTest {
    @Test
    void cachedForwardGivesTheScoresOfTheWholeForward() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            Classifier model = TinyModels.tinyClassifier(cpu, 3, 4, Pooling.MEAN, 13);
            List<TokenizedExample> data = BaselineData.random(2, 29, 2, 11, 4);
            List<Parameter> linears = TinyModels.linearParameters(model, 1);
            // An odd calibration subset in shuffled order, micro-batches of 3 (the last one short).
            int[] calibration = {27, 4, 11, 0, 19, 8, 23, 15, 2, 12, 6};
            List<int[]> kept = BaselineData.firstAndLastPositions(data, calibration);
            FrozenPrefixCache cache = FrozenPrefixCache.build(cpu, model, data, 1, 8, 0);
            Sensitivity sensitivity = new Sensitivity(cpu, 3, 0);
            for (List<int[]> restriction : java.util.Arrays.asList(null, kept)) {
                Map<Parameter, float[]> whole = sensitivity.scores(model, BatchLogits.full(), data, calibration,
                        restriction, linears, new int[0]);
                Map<Parameter, float[]> cached = sensitivity.scores(model, cache.batchLogits(cpu), data, calibration,
                        restriction, linears, new int[0]);
                assertEquals(linears.size(), whole.size());
                for (Parameter p : linears) {
                    float[] a = whole.get(p);
                    float[] b = cached.get(p);
                    double max = 0;
                    for (float v : a) {
                        max = Math.max(max, v);
                    }
                    assertTrue(max > 0, p.name() + " has no score");
                    for (int i = 0; i < a.length; i++) {
                        assertEquals(a[i], b[i], 1e-4 * max, p.name() + "[" + i + "]");
                    }
                }
            }
            assertThrows(IllegalArgumentException.class, () -> sensitivity.scores(model, cache.batchLogits(cpu), data,
                    calibration, null, linears, new int[] {1, 2}));
        }
    }
}
