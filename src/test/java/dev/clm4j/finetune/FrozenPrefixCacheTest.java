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
            SplittableRandom rng = new SplittableRandom(1);
            List<TokenizedExample> data = new ArrayList<>();
            for (int i = 0; i < 23; i++) {
                int[] ids = new int[3 + rng.nextInt(9)];
                for (int p = 0; p < ids.length; p++) {
                    ids[p] = 1 + rng.nextInt(20);
                }
                data.add(new TokenizedExample(ids, rng.nextInt(4), false));
            }
            // Cache built in length-sorted batches of 5; compared in a differently composed batch.
            FrozenPrefixCache cache = FrozenPrefixCache.build(cpu, model, data, 2, 5, 0);
            int[] rows = {3, 17, 0, 22, 9, 11};
            TokenBatch batch = TokenBatch.of(cpu, data, rows, 0);
            Ops ops = Ops.inference(cpu);
            float[] full = cpu.download(model.logits(ops, batch.ids(), batch.seq()).value());
            float[] cached = cpu.download(model.logitsFrom(ops, cache.input(cpu, batch), batch.seq(), 2).value());
            assertArrayEquals(full, cached, 1e-5f);
        }
    }
}
