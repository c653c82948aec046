package dev.clm4j.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Tape;
import dev.clm4j.autograd.Var;
import dev.clm4j.model.Classifier;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.ReferenceBackend;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A tiny 2-layer random encoder learns a synthetic keyword task far above chance. */
class TinyEncoderLearnsTest {
    private final Backend b = new ReferenceBackend();

    @Test
    void learnsKeywordClassification() {
        int classes = 4;
        Classifier model = TinyModels.tinyClassifier(b, 2, classes, Pooling.CLS, 31);
        List<Parameter> params = model.parameters();
        params.forEach(Parameter::trainAll);
        AdamW opt = AdamW.standard(b, 0.0f);
        SplittableRandom rng = new SplittableRandom(32);
        for (int step = 0; step < 300; step++) {
            TinyModels.Batch batch = TinyModels.keywordBatch(b, rng, 16, classes, 8);
            Tape tape = new Tape();
            Ops ops = new Ops(b, tape);
            tape.backward(b, ops.crossEntropy(model.logits(ops, batch.ids(), batch.seq()), batch.labels()));
            opt.step(params, p -> 3e-3);
        }
        TinyModels.Batch test = TinyModels.keywordBatch(b, new SplittableRandom(99), 200, classes, 8);
        Var logits = model.logits(Ops.inference(b), test.ids(), test.seq());
        float[] l = logits.value().data();
        int correct = 0;
        for (int i = 0; i < 200; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (l[i * classes + c] > l[i * classes + best]) {
                    best = c;
                }
            }
            correct += best == test.labels().get(i) ? 1 : 0;
        }
        double accuracy = correct / 200.0;
        assertTrue(accuracy >= 0.9, "accuracy " + accuracy + " (chance is 0.25)");
    }
}
