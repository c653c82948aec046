package dev.clm4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Tape;
import dev.clm4j.model.Classifier;
import dev.clm4j.tensor.cpu.CpuBackend;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Inference gives the memory of each layer's dead intermediates back to the backend, which hands it
 * out again unzeroed for the next outputs. Batch after batch, of other shapes and of the same shape
 * (so that recycled arrays are really reused), through one Ops as the evaluator uses it, the logits
 * must be bit-identical to a recording forward pass, which recycles nothing.
 */
class InferenceRecyclingTest {
    @Test
    void recycledBuffersChangeNothing() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            Classifier model = TinyModels.tinyClassifier(cpu, 3, 4, Pooling.MEAN, 11);
            // Frozen, so that the recording pass runs the same (fused) ops and differs only in keeping
            // everything.
            model.parameters().forEach(Parameter::freeze);
            SplittableRandom rng = new SplittableRandom(5);
            Ops inference = Ops.inference(cpu);
            for (int i = 0; i < 8; i++) {
                TinyModels.Batch batch = TinyModels.keywordBatch(cpu, i < 4 ? rng : new SplittableRandom(9), 5, 4, 12);
                float[] recycled = cpu.download(model.logits(inference, batch.ids(), batch.seq()).value());
                float[] encoder = cpu.download(model.encoder().forward(inference, batch.ids(), batch.seq()).value());
                float[] recorded = cpu.download(model.logits(new Ops(cpu, new Tape()), batch.ids(), batch.seq()).value());
                assertArrayEquals(recorded, recycled, "batch " + i);
                float[] recordedStates = cpu.download(
                        model.encoder().forward(new Ops(cpu, new Tape()), batch.ids(), batch.seq()).value());
                assertArrayEquals(recordedStates, encoder, "encoder states, batch " + i);
            }
        }
    }
}
