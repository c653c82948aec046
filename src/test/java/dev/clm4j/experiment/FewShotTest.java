package dev.clm4j.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.io.data.DatasetReader;
import dev.clm4j.io.data.Example;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FewShotTest {
    static List<Example> data() {
        List<Example> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            all.add(new Example("a" + i, "a", all.size() + 2));
            all.add(new Example("b" + i, "b", all.size() + 2));
            if (i < 3) {
                all.add(new Example("rare" + i, "rare", all.size() + 2));
            }
        }
        return all;
    }

    @Test
    void nPerLabelLabelsWithFewerKeepAll() {
        List<Example> s = FewShot.sample(data(), 5, 0);
        Map<String, Long> counts = s.stream().collect(Collectors.groupingBy(Example::label, Collectors.counting()));
        assertEquals(Map.of("a", 5L, "b", 5L, "rare", 3L), counts);
    }

    @Test
    void deterministicPerSeedDifferentAcrossSeedsInFileOrder() {
        List<Example> s0 = FewShot.sample(data(), 5, 0);
        assertEquals(s0, FewShot.sample(data(), 5, 0));
        assertNotEquals(s0, FewShot.sample(data(), 5, 1));
        for (int i = 1; i < s0.size(); i++) {
            assertTrue(s0.get(i - 1).line() < s0.get(i).line(), "file order kept");
        }
    }

    @Test
    void aLabelsDrawDoesNotDependOnOtherLabels() {
        List<Example> onlyA = data().stream().filter(e -> e.label().equals("a")).toList();
        List<String> fromAll = FewShot.sample(data(), 7, 3).stream().filter(e -> e.label().equals("a"))
                .map(Example::text).toList();
        List<String> fromA = FewShot.sample(onlyA, 7, 3).stream().map(Example::text).toList();
        assertEquals(fromAll, fromA);
    }

    @Test
    void writtenSampleReadsBack(@TempDir Path dir) throws Exception {
        List<Example> s = new ArrayList<>(FewShot.sample(data(), 2, 0));
        s.add(new Example("a \"quoted\", text", "a", 99));
        Path f = dir.resolve("k2.csv");
        FewShot.writeCsv(f, s, "text", "label");
        List<Example> back = DatasetReader.standard().read(f);
        assertEquals(s.stream().map(e -> e.text() + "|" + e.label()).toList(),
                back.stream().map(e -> e.text() + "|" + e.label()).toList());
    }
}
