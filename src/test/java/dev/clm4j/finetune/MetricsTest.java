package dev.clm4j.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        // a: P 2/3 R 2/3; b: P 1/2 R 1/2; c: P 1 R 1 -> macro F1 = (2/3 + 1/2 + 1) / 3
        assertEquals((2.0 / 3 + 0.5 + 1.0) / 3, m.macroF1(), 1e-12);
        assertEquals(new Metrics.Confusion("a", "b", 1), m.mostConfused(1).get(0));
    }

    @Test
    void scheduleWarmsUpThenDecays() {
        assertEquals(0.5, Trainer.schedule(5, 10, 100), 1e-12);
        assertEquals(1.0, Trainer.schedule(10, 10, 100), 1e-12);
        assertEquals(1.0 / 90, Trainer.schedule(100, 10, 100), 1e-12);
    }
}
