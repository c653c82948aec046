package dev.clm4j.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccuracyTimePlotTest {
    @Test
    void writesAPngThatImageIoReads(@TempDir Path dir) throws Exception {
        List<RunResult> rs = new ArrayList<>();
        for (long seed = 0; seed < 3; seed++) {
            for (String setting : List.of("full", "k10")) {
                rs.add(ResultsTableTest.ok("snips", setting, "full", seed, 0.95 + 0.004 * seed, 0.95, 22_000_000, 300 + seed, 1L << 30));
                rs.add(ResultsTableTest.ok("snips", setting, "head", seed, 0.93, 0.93, 3_000, 60 + seed, 1L << 29));
                rs.add(ResultsTableTest.ok("snips", setting, "clm", seed, 0.955 - 0.002 * seed, 0.95, 1_000_000, 140, 1L << 29));
            }
        }
        rs.add(ResultsTableTest.failed("snips", "full", "clm", 9));
        Path png = dir.resolve("accuracy-vs-time.png");
        assertTrue(AccuracyTimePlot.write(rs, List.of("full", "head", "clm"), png));
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img);
        assertEquals(2 * 560, img.getWidth(), "two panels side by side");
        assertTrue(img.getHeight() > 400);
        // something is drawn in the first method's colour (blue)
        boolean blue = false;
        for (int y = 0; y < img.getHeight() && !blue; y++) {
            for (int x = 0; x < img.getWidth() && !blue; x++) {
                blue = (img.getRGB(x, y) & 0xFFFFFF) == 0x1f77b4;
            }
        }
        assertTrue(blue);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void nothingWithoutSuccessfulRuns(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("p.png");
        assertFalse(AccuracyTimePlot.write(List.of(ResultsTableTest.failed("x", "full", "head", 0)), List.of(), png));
        assertFalse(Files.exists(png));
    }

    @Test
    void roundTicks() {
        assertArrayEquals(new double[] {0, 50, 100, 150, 200, 250}, AccuracyTimePlot.ticks(0, 230, 6), 1e-9);
        assertArrayEquals(new double[] {91.5, 92, 92.5, 93, 93.5}, AccuracyTimePlot.ticks(91.6, 93.4, 6), 1e-9);
    }
}
