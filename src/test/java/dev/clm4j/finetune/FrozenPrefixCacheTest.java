package dev.clm4j.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.clm4j.autograd.Ops;
import dev.clm4j.model.Classifier;
import dev.clm4j.nn.Pooling;
import dev.clm4j.nn.TinyModels;
import dev.clm4j.tensor.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Starting from the cached input of a frozen prefix gives exactly the logits of the full forward. */
class FrozenPrefixCacheTest {
    @Test
    void cachedPrefixGivesTheSameLogits() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            Classifier model = TinyModels.tinyClassifier(cpu, 3, 4, Pooling.MEAN, 9);
            List<TokenizedExample> data = BaselineData.random(1, 23, 3, 9, 4);
            // Cache built in length-sorted batches of 5; compared in a differently composed batch.
            FrozenPrefixCache cache = FrozenPrefixCache.build(cpu, model, data, 2, 5, 0);
            int[] rows = {3, 17, 0, 22, 9, 11};
            TokenBatch batch = TokenBatch.of(cpu, data, rows, 0);
            Ops ops = Ops.inference(cpu);
            float[] full = cpu.download(model.logits(ops, batch.ids(), batch.seq()).value());
            float[] cached = cpu.download(model.logitsFrom(ops, cache.input(cpu, batch), batch.seq(), 2).value());
            assertArrayEquals(full, cached, 1e-5f);

            // The trainer's validation passes start from such a cache: the same predictions.
            Evaluator evaluator = new Evaluator(cpu, 7, 0);
            Predictions plain = evaluator.predict(model, data);
            Predictions fromCache = evaluator.predict(model, data, cache);
            assertArrayEquals(plain.labels(), fromCache.labels());
            assertArrayEquals(plain.scores(), fromCache.scores(), 1e-5f);
        }
    }

    /**
     * A method's frozen-layers hint lets the trainer compute the frozen layers once for the probe
     * and the training steps; the trained model is the one the trainer makes without the hint.
     */
    @Test
    void hintedCacheTrainsTheSameModel() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            SplittableRandom rng = new SplittableRandom(4);
            List<TokenizedExample> data = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int label = rng.nextInt(3);
                int[] ids = new int[4 + rng.nextInt(6)];
                for (int p = 0; p < ids.length; p++) {
                    ids[p] = 10 + rng.nextInt(13);
                }
                ids[rng.nextInt(ids.length)] = 3 + label;
                data.add(new TokenizedExample(ids, label, false));
            }
            TrainConfig config = new TrainConfig(2, 8, 1e-3, 1e-3, 16, 0, 0.1, 1.0, 0.01, 0, true, 5, 1e-2, 0.0);
            float[][] results = new float[2][];
            for (int run = 0; run < 2; run++) {
                Classifier model = TinyModels.tinyClassifier(cpu, 3, 3, Pooling.MEAN, 5);
                LayerSelection top = new LayerSelection(1);
                TrainingMethod method = run == 0 ? top : new TrainingMethod() {
                    public String name() {
                        return "layers-unhinted";
                    }

                    public double defaultEncoderLr() {
                        return top.defaultEncoderLr();
                    }

                    public void configure(Classifier m, MethodContext context) {
                        top.configure(m, context);
                    }
                };
                new Trainer(cpu, config, 0, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                        .fit(model, method, data, List.of());
                TinyModels.Batch batch = TinyModels.keywordBatch(cpu, new SplittableRandom(8), 6, 3, 8);
                results[run] = cpu.download(model.logits(Ops.inference(cpu), batch.ids(), batch.seq()).value());
            }
            assertArrayEquals(results[1], results[0], 0f);
        }
    }
}
