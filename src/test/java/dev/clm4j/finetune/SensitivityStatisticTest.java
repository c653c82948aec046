package dev.clm4j.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * The gradient statistic is the squared gradient of the mean loss over all calibration examples:
 * accumulated over short micro-batches (the last one shorter) it equals the Fisher statistic of a
 * single micro-batch holding every example, and it differs from the Fisher sum of short ones.
 */
class SensitivityStatisticTest {
    @Test
    void gradientStatisticIsTheSquaredWholeBatchGradient() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            Classifier model = TinyModels.tinyClassifier(cpu, 3, 4, Pooling.MEAN, 17);
            List<TokenizedExample> data = BaselineData.random(2, 23, 3, 9, 4);
            List<Parameter> linears = TinyModels.linearParameters(model, 0);
            int[] calibration = {21, 3, 10, 0, 17, 8, 5, 14, 1, 12, 6};
            List<int[]> kept = BaselineData.firstAndLastPositions(data, calibration);
            for (List<int[]> restriction : java.util.Arrays.asList(null, kept)) {
                Map<Parameter, float[]> accumulated = new Sensitivity(cpu, 3, 0, Sensitivity.Statistic.GRADIENT)
                        .scores(model, BatchLogits.full(), data, calibration, restriction, linears, new int[0]);
                Map<Parameter, float[]> oneBatch = new Sensitivity(cpu, calibration.length, 0, Sensitivity.Statistic.FISHER)
                        .scores(model, BatchLogits.full(), data, calibration, restriction, linears, new int[0]);
                Map<Parameter, float[]> fisher = new Sensitivity(cpu, 3, 0, Sensitivity.Statistic.FISHER)
                        .scores(model, BatchLogits.full(), data, calibration, restriction, linears, new int[0]);
                // The key bias has no gradient in exact arithmetic (softmax ignores a shift shared by
                // all keys), so its rounding noise is measured against the largest score of all.
                double largest = 0;
                for (float[] b : oneBatch.values()) {
                    for (float v : b) {
                        largest = Math.max(largest, v);
                    }
                }
                assertTrue(largest > 0, "no scores");
                double fisherGap = 0;
                for (Parameter p : linears) {
                    float[] a = accumulated.get(p);
                    float[] b = oneBatch.get(p);
                    float[] f = fisher.get(p);
                    double max = 0; // this tensor's largest score
                    for (float v : b) {
                        max = Math.max(max, v);
                    }
                    for (int i = 0; i < a.length; i++) {
                        assertEquals(b[i], a[i], 1e-4 * max + 1e-7 * largest, p.name() + "[" + i + "]");
                        fisherGap = Math.max(fisherGap, Math.abs(f[i] - b[i]) / largest);
                    }
                }
                assertTrue(fisherGap > 1e-2, "short micro-batches' Fisher sum should differ from the whole-batch square");
            }
        }
    }
}
