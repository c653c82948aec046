package dev.clm4j.experiment;

import dev.clm4j.io.AtomicFiles;
import dev.clm4j.io.data.Example;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Few-shot training sets: N examples per label, drawn with a seed. The draw for one label depends
 * only on the seed, the label and that label's examples (in file order), so it is the same on every
 * machine and does not change when other labels are added. Labels with N or fewer examples keep
 * all of theirs. The sample keeps the file order of the examples.
 */
public final class FewShot {
    private FewShot() {
    }

    public static List<Example> sample(List<Example> all, int perClass, long seed) {
        if (perClass < 1) {
            throw new IllegalArgumentException("perClass must be positive: " + perClass);
        }
        Map<String, List<Integer>> byLabel = new LinkedHashMap<>();
        for (int i = 0; i < all.size(); i++) {
            byLabel.computeIfAbsent(all.get(i).label(), k -> new ArrayList<>()).add(i);
        }
        boolean[] keep = new boolean[all.size()];
        for (Map.Entry<String, List<Integer>> e : byLabel.entrySet()) {
            List<Integer> idx = e.getValue();
            if (idx.size() > perClass) {
                Collections.shuffle(idx, new Random(mix(seed, e.getKey())));
            }
            for (int i : idx.subList(0, Math.min(perClass, idx.size()))) {
                keep[i] = true;
            }
        }
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (keep[i]) {
                out.add(all.get(i));
            }
        }
        return out;
    }

    /** A seed for one label: the run seed and the label's (specified, stable) String hash, mixed. */
    private static long mix(long seed, String label) {
        long z = seed * 0x9E3779B97F4A7C15L + label.hashCode();
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Writes examples as a CSV file (header: the two column names) atomically. */
    public static void writeCsv(Path file, List<Example> examples, String textColumn, String labelColumn) throws IOException {
        AtomicFiles.write(file, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            try (CSVPrinter p = new CSVPrinter(w, CSVFormat.RFC4180.builder().setRecordSeparator("\n").build())) {
                p.printRecord(textColumn, labelColumn);
                for (Example e : examples) {
                    p.printRecord(e.text(), e.label());
                }
                p.flush();
            }
        });
    }
}
