package dev.clm4j.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void accuracyMacroF1AndConfusions() {
        LabelSet labels = new LabelSet(List.of("a", "b", "c"));
        Metrics m = new Metrics(labels);
        int[][] pairs = {{0, 0}, {0, 0}, {0, 1}, {1, 1}, {1, 0}, {2, 2}, {-1, 2}};
        for (int[] p : pairs) {
            m.add(p[0], p[1]);
        }
        assertEquals(4.0 / 7, m.accuracy(), 1e-12);
        assertEquals(1, m.unseenGoldLabels());
        // a: P 2/3 R 2/3; b: P 1/2 R 1/2; c: P 1/2 (the unseen gold label predicted as c is a false
        // positive) R 1, F1 2/3 -> macro F1 = (2/3 + 1/2 + 2/3) / 3
        assertEquals((2.0 / 3 + 0.5 + 2.0 / 3) / 3, m.macroF1(), 1e-12);
        assertEquals(0.5, m.perClass().get(2).precision(), 1e-12);
        assertEquals(1, m.perClass().get(2).support());
        assertEquals(new Metrics.Confusion("a", "b", 1), m.mostConfused(1).get(0));
    }

    @Test
    void unseenGoldLabelIsAFalsePositiveOfThePredictedClass() {
        // The walkthrough's case: every known text right, one text with a label the model never saw.
        LabelSet labels = new LabelSet(List.of("a", "b"));
        Metrics m = new Metrics(labels);
        for (int i = 0; i < 20; i++) {
            m.add(0, 0);
            m.add(1, 1);
        }
        m.add(-1, 1);
        assertEquals(40.0 / 41, m.accuracy(), 1e-12);
        assertEquals(1.0, m.perClass().get(0).precision(), 1e-12);
        assertEquals(20.0 / 21, m.perClass().get(1).precision(), 1e-12);
        assertEquals(1.0, m.perClass().get(1).recall(), 1e-12);
        // The unseen label is not a class of its own (see Metrics): two classes, not three, and the
        // per-class scores list only the model's labels.
        double f1b = 2 * (20.0 / 21) / (20.0 / 21 + 1);
        assertEquals((1.0 + f1b) / 2, m.macroF1(), 1e-12);
        assertEquals(2, m.perClass().size());
        assertTrue(m.macroF1() < 1);
    }

    @Test
    void classPredictedOnlyForUnseenGoldLabelsStillCountsInMacroF1() {
        // b has no gold texts; its only prediction is for an unseen label. Averaging over the gold
        // classes alone would hide that error and give 1.0.
        LabelSet labels = new LabelSet(List.of("a", "b"));
        Metrics m = new Metrics(labels);
        m.add(0, 0);
        m.add(0, 0);
        m.add(-1, 1);
        assertEquals(0.0, m.perClass().get(1).f1(), 1e-12);
        assertEquals(0.5, m.macroF1(), 1e-12);
    }

    @Test
    void scheduleWarmsUpThenDecays() {
        assertEquals(0.5, Trainer.schedule(5, 10, 100), 1e-12);
        assertEquals(1.0, Trainer.schedule(10, 10, 100), 1e-12);
        assertEquals(1.0 / 90, Trainer.schedule(100, 10, 100), 1e-12);
    }
}
