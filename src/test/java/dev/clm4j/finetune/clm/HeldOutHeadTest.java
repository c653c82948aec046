package dev.clm4j.finetune.clm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clm4j.finetune.LinearProbe;
import dev.clm4j.finetune.MethodContext;
import dev.clm4j.finetune.TokenizedExample;
import dev.clm4j.finetune.TrainConfig;
import dev.clm4j.model.Classifier;
import dev.clm4j.nn.Parameter;
import dev.clm4j.nn.Pooling;
import dev.clm4j.nn.TinyModels;
import dev.clm4j.tensor.ReferenceBackend;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The held-out scoring head is the probe fitted from zero to the features of the rows outside the
 * calibration set, and closing it restores the warm-started head bit for bit.
 */
class HeldOutHeadTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void fitsOnlyTheRowsOutsideTheCalibrationSetAndRestoresTheWarmStart() {
        ReferenceBackend cpu = new ReferenceBackend();
        Classifier model = TinyModels.tinyClassifier(cpu, 2, 3, Pooling.MEAN, 5);
        int hidden = model.encoder().config().hidden();
        SplittableRandom rng = new SplittableRandom(11);
        int n = 37;
        List<TokenizedExample> data = new ArrayList<>();
        float[] features = new float[n * hidden];
        for (int i = 0; i < n; i++) {
            data.add(new TokenizedExample(new int[] {1, 2}, rng.nextInt(3), false));
            for (int h = 0; h < hidden; h++) {
                features[i * hidden + h] = (float) rng.nextGaussian();
            }
        }
        TrainConfig config = TrainConfig.defaults();
        MethodContext context = new MethodContext(cpu, data, config, 0, QUIET).withProbeFeatures(features);
        List<Parameter> head = model.head().parameters();
        LinearProbe probe = new LinearProbe(cpu, Math.max(64, config.batchSize()), 0);
        probe.fit(model, features, labels(data, new boolean[n]), 5, 1e-2, 3); // the warm start
        List<float[]> warm = values(cpu, head);

        int[] calibration = {30, 2, 17, 9, 36};
        List<float[]> scoring;
        try (HeldOutHead unused = HeldOutHead.fit(model, context, calibration, 7)) {
            scoring = values(cpu, head);
        }
        for (int i = 0; i < head.size(); i++) {
            assertArrayEquals(warm.get(i), cpu.download(head.get(i).value()), head.get(i).name() + " restored");
        }

        // The same fit by hand: zero head, the 32 other rows in order, the same seed.
        boolean[] skip = new boolean[n];
        for (int r : calibration) {
            skip[r] = true;
        }
        float[] rest = new float[(n - calibration.length) * hidden];
        for (int row = 0, i = 0; row < n; row++) {
            if (!skip[row]) {
                System.arraycopy(features, row * hidden, rest, i++ * hidden, hidden);
            }
        }
        head.forEach(p -> p.set(cpu.zeros(p.value().shape())));
        probe.fit(model, rest, labels(data, skip), config.probeEpochs(), config.probeLr(), 7);
        for (int i = 0; i < head.size(); i++) {
            assertArrayEquals(cpu.download(head.get(i).value()), scoring.get(i), head.get(i).name() + " held-out fit");
            assertFalse(java.util.Arrays.equals(warm.get(i), scoring.get(i)), head.get(i).name() + " differs from the warm start");
        }

        MethodContext noProbe = new MethodContext(cpu, data, config, 0, QUIET);
        assertThrows(IllegalStateException.class, () -> HeldOutHead.fit(model, noProbe, calibration, 7));
    }

    private static int[] labels(List<TokenizedExample> data, boolean[] skip) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            if (!skip[i]) {
                out.add(data.get(i).label());
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static List<float[]> values(ReferenceBackend b, List<Parameter> params) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : params) {
            out.add(b.download(p.value()));
        }
        return out;
    }
}
