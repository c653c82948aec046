package dev.clm4j.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clm4j.model.Classifier;
import dev.clm4j.nn.Parameter;
import dev.clm4j.nn.Pooling;
import dev.clm4j.nn.TinyModels;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.cpu.CpuBackend;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Same seed, same backend: the same trained weights, bit for bit (threads included). */
class TrainerDeterminismTest {

    private static List<float[]> train(Backend b) {
        Classifier model = TinyModels.tinyClassifier(b, 2, 3, Pooling.MEAN, 5);
        TrainConfig config = new TrainConfig(2, 8, 1e-3, 1e-3, 16, 7, 0.1, 1.0, 0.01, 0, true, 3, 1e-2, 0.2);
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        List<TokenizedExample> all = BaselineData.keywords(3, 60);
        new Trainer(b, config, 0, quiet).fit(model, new FullFinetuning(), all.subList(0, 48), all.subList(48, 60));
        List<float[]> weights = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            weights.add(b.download(p.value()));
        }
        return weights;
    }

    @Test
    void sameSeedSameWeights() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            List<float[]> first = train(cpu);
            List<float[]> second = train(cpu);
            assertEquals(first.size(), second.size());
            for (int i = 0; i < first.size(); i++) {
                assertArrayEquals(first.get(i), second.get(i), 0f, "parameter " + i);
            }
        }
    }
}
