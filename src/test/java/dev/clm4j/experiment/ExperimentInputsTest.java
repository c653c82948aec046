package dev.clm4j.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.io.InputError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --datasets, --per-class and --methods syntax. */
class ExperimentInputsTest {
    @Test
    void datasetsByFilesByRootOrBuiltIn(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("root/snips"));
        for (Path p : List.of(dir.resolve("a.csv"), dir.resolve("b.csv"), dir.resolve("root/snips/train.csv"),
                dir.resolve("root/snips/test.csv"))) {
            Files.writeString(p, "text,label\nx,y\n");
        }
        List<Dataset> ds = Dataset.parseList("mine=" + dir.resolve("a.csv") + ":" + dir.resolve("b.csv") + ", snips,demo",
                dir.resolve("root"), dir.resolve("data"));
        assertEquals(List.of("mine", "snips", "demo"), ds.stream().map(Dataset::name).toList());
        assertEquals(dir.resolve("b.csv"), ds.get(0).test());
        assertEquals(dir.resolve("root/snips/train.csv"), ds.get(1).train());
        assertTrue(Files.size(ds.get(2).train()) > 1000, "demo data copied out");

        InputError e = assertThrows(InputError.class, () -> Dataset.parseList("x=" + dir.resolve("a.csv") + ":"
                + dir.resolve("missing.csv"), null, dir));
        assertTrue(e.getMessage().contains("missing.csv: no such file"), e.getMessage());
        assertThrows(InputError.class, () -> Dataset.parseList("x=a.csv", null, dir));
        assertThrows(InputError.class, () -> Dataset.parseList("snips", null, dir));
        assertThrows(InputError.class, () -> Dataset.parseList("demo,demo", null, dir));
        assertThrows(InputError.class, () -> Dataset.parseList("bad.name=a:b", null, dir));
    }

    @Test
    void settings() {
        assertEquals(List.of(Setting.FULL, Setting.perClass(10), Setting.perClass(50)), Setting.parseList("full, 10,50,10"));
        assertEquals("k10", Setting.perClass(10).id());
        assertEquals(Setting.perClass(10), Setting.fromId("k10"));
        assertEquals(Setting.FULL, Setting.fromId("full"));
        assertThrows(InputError.class, () -> Setting.parseList("0"));
        assertThrows(InputError.class, () -> Setting.parseList("ten"));
    }

    @Test
    void methodsByNameUnknownOnesListTheKnown() {
        List<MethodSpec> ms = MethodSpec.parseList("full,head, clm-5e4=clm --lr 5e-4");
        assertEquals(List.of("full", "head", "clm-5e4"), ms.stream().map(MethodSpec::label).toList());
        assertEquals("clm", ms.get(2).method());
        assertEquals(List.of("--lr", "5e-4"), ms.get(2).args());
        InputError e = assertThrows(InputError.class, () -> MethodSpec.parseList("full,nosuch"));
        assertTrue(e.getMessage().contains("unknown method 'nosuch'") && e.getMessage().contains("known methods"), e.getMessage());
        assertThrows(InputError.class, () -> MethodSpec.parseList("clm --lr 5e-4"));
        assertThrows(InputError.class, () -> MethodSpec.parseList("head,head"));
    }
}
