package dev.clm4j.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.autograd.Ops;
import dev.clm4j.io.safetensors.SafeTensors;
import dev.clm4j.model.Checkpoint;
import dev.clm4j.model.Classifier;
import dev.clm4j.nn.EncoderLayer;
import dev.clm4j.nn.Linear;
import dev.clm4j.nn.LoraAdapter;
import dev.clm4j.nn.Parameter;
import dev.clm4j.nn.Pooling;
import dev.clm4j.nn.TinyModels;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.cpu.CpuBackend;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lora method through the real trainer on a tiny random encoder: base weights untouched while
 * training, adapters trained, merged at the end into a plain model that saves and loads with the
 * normal code and predicts what the adapted model predicted.
 */
class LoraMethodTest {
    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    @TempDir
    Path dir;

    private static Map<String, float[]> snapshot(Backend b, Classifier model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Parameter p : model.encoder().parameters()) {
            out.put(p.name(), b.download(p.value()));
        }
        return out;
    }

    /** Looks at the trained, still unmerged model from inside the trainer, then lets LoRA merge. */
    private static final class Inspecting implements TrainingMethod {
        final LoraMethod lora;
        final Map<String, float[]> before;
        final TinyModels.Batch batch;
        float[] adaptedLogits;
        float[] mergedLogits;
        long adapterParams;

        Inspecting(LoraMethod lora, Map<String, float[]> before, TinyModels.Batch batch) {
            this.lora = lora;
            this.before = before;
            this.batch = batch;
        }

        @Override
        public String name() {
            return lora.name();
        }

        @Override
        public double defaultEncoderLr() {
            return lora.defaultEncoderLr();
        }

        @Override
        public void configure(Classifier model, MethodContext context) {
            lora.configure(model, context);
            assertEquals(0, model.encoder().lowestTrainableLayer(), "layer 0's adapters train: nothing to cache");
        }

        @Override
        public void finish(Classifier model, MethodContext context) {
            Backend b = context.backend();
            for (Parameter p : model.encoder().parameters()) {
                if (p.name().contains(".lora_")) {
                    assertTrue(p.trainable());
                    adapterParams += p.value().size();
                    if (p.name().endsWith("lora_B.weight")) {
                        assertTrue(b.sumSquares(p.value()) > 0, p.name() + " did not train");
                    }
                } else {
                    assertFalse(p.trainable(), p.name());
                    assertNull(p.grad(), p.name() + ": a frozen base weight got a gradient");
                    assertArrayEquals(before.get(p.name()), b.download(p.value()), 0f, p.name() + " changed in training");
                }
            }
            adaptedLogits = b.download(model.logits(Ops.inference(b), batch.ids(), batch.seq()).value());
            lora.finish(model, context);
            mergedLogits = b.download(model.logits(Ops.inference(b), batch.ids(), batch.seq()).value());
        }
    }

    @Test
    void trainsAdaptersOnlyThenMergesIntoAPlainCheckpoint() throws Exception {
        try (CpuBackend cpu = new CpuBackend(2)) {
            Classifier model = TinyModels.tinyClassifier(cpu, 2, 3, Pooling.MEAN, 5);
            Map<String, float[]> before = snapshot(cpu, model);
            TinyModels.Batch batch = TinyModels.keywordBatch(cpu, new SplittableRandom(4), 10, 3, 9);
            LoraMethod lora = new LoraMethod(new LoraOptions(4, 16, LoraOptions.Targets.QV, 0.0));
            Inspecting method = new Inspecting(lora, before, batch);
            List<TokenizedExample> all = BaselineData.keywords(3, 60);
            TrainResult result = new Trainer(cpu, BaselineData.config(7), 0, QUIET)
                    .fit(model, method, all.subList(0, 48), all.subList(48, 60));

            // Adapters: 2 layers x (query, value) x (A [4, 12] + B [12, 4]).
            assertEquals(2 * 2 * (4 * 12 + 12 * 4), method.adapterParams);
            long head = model.head().parameters().stream().mapToLong(p -> p.value().size()).sum();
            assertEquals(method.adapterParams + head, result.trainableParams());

            assertNotNull(method.adaptedLogits);
            dev.clm4j.nn.LogitsAssert.close(method.adaptedLogits, method.mergedLogits, 1e-5);
            assertArrayEquals(dev.clm4j.nn.LogitsAssert.argmax(method.adaptedLogits, 3),
                    dev.clm4j.nn.LogitsAssert.argmax(method.mergedLogits, 3));

            // Merged: only query and value weights moved; biases, key, FFN, norms, embeddings did not.
            Set<String> changed = new HashSet<>();
            for (Parameter p : model.encoder().parameters()) {
                assertFalse(p.name().contains("lora"), p.name() + " left after merge");
                if (!java.util.Arrays.equals(before.get(p.name()), cpu.download(p.value()))) {
                    changed.add(p.name());
                }
            }
            assertEquals(Set.of("encoder.layer.0.attention.self.query.weight", "encoder.layer.0.attention.self.value.weight",
                    "encoder.layer.1.attention.self.query.weight", "encoder.layer.1.attention.self.value.weight"), changed);

            // The checkpoint is the plain architecture: loads with the normal code, same logits.
            Checkpoint.save(dir, cpu, model, "tiny", List.of("a", "b", "c"), 16, List.of(), "lora");
            Checkpoint.Loaded loaded = Checkpoint.load(dir, cpu);
            for (String name : SafeTensors.read(dir.resolve(loaded.config().weightsFile())).tensors().keySet()) {
                assertFalse(name.contains("lora"), name);
            }
            float[] reloaded = cpu.download(loaded.model().logits(Ops.inference(cpu), batch.ids(), batch.seq()).value());
            assertArrayEquals(method.mergedLogits, reloaded, 0f);
        }
    }

    @Test
    void allTargetsAdaptEveryLinear() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            Classifier model = TinyModels.tinyClassifier(cpu, 2, 3, Pooling.MEAN, 5);
            new LoraMethod(new LoraOptions(2, 4, LoraOptions.Targets.ALL, 0.0)).configure(model,
                    new MethodContext(cpu, List.of(), BaselineData.config(0), 0, QUIET));
            for (EncoderLayer layer : model.encoder().layers()) {
                for (Linear lin : layer.linears()) {
                    assertNotNull(lin.adapter(), lin.weight().name());
                }
            }
        }
    }

    @Test
    void adaptersOnlyHighUpLetTheTrainerCacheTheFrozenPrefix() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            Classifier model = TinyModels.tinyClassifier(cpu, 3, 3, Pooling.MEAN, 6);
            model.parameters().forEach(Parameter::freeze);
            LoraAdapter ad = model.encoder().layers().get(2).attention().value()
                    .attachAdapter(cpu, new SplittableRandom(1), 2, 4, 0.2);
            cpu.write(ad.b().value(), new dev.clm4j.tensor.Rand(2).floats(ad.b().value().size(), 0.5f));
            assertEquals(2, model.encoder().lowestTrainableLayer());
            List<TokenizedExample> data = BaselineData.keywords(1, 13);
            FrozenPrefixCache cache = FrozenPrefixCache.build(cpu, model, data, 2, 4, 0);
            TokenBatch batch = TokenBatch.of(cpu, data, new int[] {5, 0, 12, 7}, 0);
            Ops ops = Ops.inference(cpu);
            float[] full = cpu.download(model.logits(ops, batch.ids(), batch.seq()).value());
            float[] cached = cpu.download(model.logitsFrom(ops, cache.input(cpu, batch), batch.seq(), 2).value());
            assertArrayEquals(full, cached, 1e-5f);
        }
    }

    private static List<float[]> trainWithDropout(Backend b, double dropout) {
        Classifier model = TinyModels.tinyClassifier(b, 2, 3, Pooling.MEAN, 5);
        List<TokenizedExample> all = BaselineData.keywords(3, 60);
        new Trainer(b, BaselineData.config(7), 0, QUIET).fit(model,
                new LoraMethod(new LoraOptions(4, 16, LoraOptions.Targets.QV, dropout)), all.subList(0, 48), all.subList(48, 60));
        return model.parameters().stream().map(p -> b.download(p.value())).toList();
    }

    @Test
    void dropoutIsSeededAndChangesTraining() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            List<float[]> first = trainWithDropout(cpu, 0.1);
            List<float[]> second = trainWithDropout(cpu, 0.1);
            List<float[]> none = trainWithDropout(cpu, 0.0);
            boolean differs = false;
            for (int i = 0; i < first.size(); i++) {
                assertArrayEquals(first.get(i), second.get(i), 0f, "parameter " + i);
                differs |= !java.util.Arrays.equals(first.get(i), none.get(i));
            }
            assertTrue(differs, "dropout 0.1 trained the same weights as no dropout");
        }
    }

    @Test
    void registeredByName() {
        TrainingMethod m = Methods.byName("lora");
        assertEquals("lora", m.name());
        assertEquals(LoraOptions.defaults(), ((LoraMethod) m).options());
        assertEquals(8, LoraOptions.defaults().rank());
        assertEquals(16.0, LoraOptions.defaults().alpha());
        assertEquals(LoraOptions.Targets.QV, LoraOptions.defaults().targets());
        assertTrue(Methods.NAMES.contains("lora"));
        assertTrue(m.defaultEncoderLr() >= 1e-4 && m.defaultEncoderLr() <= 1e-3);
    }
}
