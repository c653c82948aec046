package dev.clm4j.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.model.Classifier;
import dev.clm4j.nn.EncoderLayer;
import dev.clm4j.nn.Parameter;
import dev.clm4j.nn.Pooling;
import dev.clm4j.nn.TinyModels;
import dev.clm4j.tensor.cpu.CpuBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Layer selection through the real trainer: the frozen bottom stays bit-identical, the top moves. */
class LayerSelectionTest {

    @Test
    void onlyTheTopLayersTrainAndTheFrozenPrefixIsCached() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            Classifier model = TinyModels.tinyClassifier(cpu, 4, 3, Pooling.MEAN, 5);
            List<float[]> before = model.encoder().parameters().stream().map(p -> cpu.download(p.value())).toList();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            List<TokenizedExample> all = BaselineData.keywords(3, 60);
            TrainResult result = new Trainer(cpu, BaselineData.config(7), 0, new PrintStream(log, true, StandardCharsets.UTF_8))
                    .fit(model, new LayerSelection(2), all.subList(0, 48), all.subList(48, 60));
            assertTrue(log.toString(StandardCharsets.UTF_8).contains("layers below 2 are frozen"),
                    "the trainer should cache the frozen prefix: " + log.toString(StandardCharsets.UTF_8));

            List<Parameter> params = model.encoder().parameters();
            int frozen = model.encoder().embeddings().parameters().size();
            for (int l = 0; l < 2; l++) {
                frozen += model.encoder().layers().get(l).parameters().size();
            }
            for (int i = 0; i < frozen; i++) {
                assertArrayEquals(before.get(i), cpu.download(params.get(i).value()), 0f, params.get(i).name() + " changed");
            }
            long top = 0;
            for (int l = 2; l < 4; l++) {
                EncoderLayer layer = model.encoder().layers().get(l);
                for (Parameter p : layer.parameters()) {
                    top += p.value().size();
                    assertTrue(p.trainable(), p.name());
                }
                for (var lin : layer.linears()) {
                    int i = params.indexOf(lin.weight());
                    assertFalse(java.util.Arrays.equals(before.get(i), cpu.download(lin.weight().value())),
                            lin.weight().name() + " did not train");
                }
            }
            long head = model.head().parameters().stream().mapToLong(p -> p.value().size()).sum();
            assertEquals(top + head, result.trainableParams());
        }
    }

    @Test
    void moreLayersThanTheEncoderHasTrainsThemAll() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            Classifier model = TinyModels.tinyClassifier(cpu, 2, 3, Pooling.MEAN, 5);
            model.parameters().forEach(Parameter::freeze);
            PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
            new LayerSelection(5).configure(model, new MethodContext(cpu, List.of(), BaselineData.config(0), 0, quiet));
            assertEquals(0, model.encoder().lowestTrainableLayer());
            model.encoder().embeddings().parameters().forEach(p -> assertFalse(p.trainable(), p.name()));
        }
    }

    @Test
    void registeredByName() {
        TrainingMethod m = Methods.byName("layers");
        assertEquals("layers", m.name());
        assertEquals(2, ((LayerSelection) m).top());
        assertTrue(Methods.NAMES.contains("layers"));
        assertThrows(IllegalArgumentException.class, () -> new LayerSelection(0));
    }
}
