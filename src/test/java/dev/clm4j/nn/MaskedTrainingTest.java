package dev.clm4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Tape;
import dev.clm4j.model.Classifier;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.ReferenceBackend;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A masked parameter trains only on its mask; everything else stays bit-identical. */
class MaskedTrainingTest {
    private final Backend b = new ReferenceBackend();

    @Test
    void onlyMaskedEntriesChangeAndStateMatchesMask() {
        Classifier model = TinyModels.tinyClassifier(b, 2, 3, Pooling.MEAN, 21);
        Map<String, float[]> before = new HashMap<>();
        for (Parameter p : model.parameters()) {
            before.put(p.name(), p.value().data().clone());
            p.freeze();
        }
        Parameter query = model.encoder().layers().get(1).attention().query().weight();
        Parameter up = model.encoder().layers().get(0).feedForward().up().weight();
        Parameter words = model.encoder().embeddings().words().weight();
        int[] queryRows = {0, 3, 11};
        int[] upElements = {5, 17, 40, 41, 200};
        int[] wordRows = {3, 4, 5};
        query.trainMasked(Mask.rows(queryRows, query.rowCount(), query.colCount()));
        up.trainMasked(Mask.elements(upElements, up.rowCount(), up.colCount()));
        words.trainMasked(Mask.rows(wordRows, words.rowCount(), words.colCount()));
        model.head().linear().weight().trainAll();
        model.head().linear().bias().trainAll();

        AdamW opt = AdamW.standard(b, 0.01f);
        SplittableRandom rng = new SplittableRandom(22);
        List<Parameter> params = model.parameters();
        for (int step = 0; step < 30; step++) {
            TinyModels.Batch batch = TinyModels.keywordBatch(b, rng, 8, 3, 8);
            Tape tape = new Tape();
            Ops ops = new Ops(b, tape);
            tape.backward(b, ops.crossEntropy(model.logits(ops, batch.ids(), batch.seq()), batch.labels()));
            opt.step(params, p -> 1e-2);
        }

        long trainable = 0;
        for (Parameter p : params) {
            float[] old = before.get(p.name());
            float[] now = p.value().data();
            Set<Integer> allowed = new HashSet<>();
            if (p.trainable()) {
                for (int i : p.mask() == null ? allIndices(now.length) : p.mask().flatIndices()) {
                    allowed.add(i);
                }
            }
            trainable += p.trainableCount();
            int changed = 0;
            for (int i = 0; i < now.length; i++) {
                if (allowed.contains(i)) {
                    if (Float.floatToRawIntBits(old[i]) != Float.floatToRawIntBits(now[i])) {
                        changed++;
                    }
                } else {
                    assertEquals(Float.floatToRawIntBits(old[i]), Float.floatToRawIntBits(now[i]),
                            p.name() + " entry " + i + " is outside the mask but changed");
                }
            }
            if (!allowed.isEmpty()) {
                assertTrue(changed > allowed.size() / 2, p.name() + ": only " + changed + " of " + allowed.size() + " masked entries changed");
            }
        }
        assertEquals(2 * trainable, opt.stateSize(), "optimizer state must be two moments per masked entry");
        assertEquals(queryRows.length * query.colCount() + upElements.length + wordRows.length * words.colCount()
                + model.head().linear().weight().value().size() + model.head().classes(), trainable);
        assertNotEquals(0, trainable);
    }

    private static int[] allIndices(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return all;
    }
}
