package dev.clm4j.experiment;

import dev.clm4j.io.AtomicFiles;
import dev.clm4j.io.InputError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** A named task: a training file and a test file. */
public record Dataset(String name, Path train, Path test) {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    /** The built-in demonstration set of `clm finetune`, usable by this name without files. */
    public static final String DEMO = "demo";

    /**
     * Parses {@code --datasets}: comma-separated items, each {@code NAME=TRAIN:TEST} (two files) or
     * a bare {@code NAME}, which is {@code ROOT/NAME/train.csv} and {@code ROOT/NAME/test.csv} under
     * {@code dataRoot}, or the built-in demo data for {@code demo} (copied into {@code dataDir}).
     * Every problem (bad syntax, a missing file, a name given twice) is an {@link InputError}.
     */
    public static List<Dataset> parseList(String spec, Path dataRoot, Path dataDir) {
        List<Dataset> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String raw : spec.split(",")) {
            String item = raw.strip();
            if (item.isEmpty()) {
                continue;
            }
            Dataset d = parse(item, dataRoot, dataDir);
            if (!seen.add(d.name())) {
                throw new InputError("--datasets: '" + d.name() + "' given twice");
            }
            out.add(d);
        }
        if (out.isEmpty()) {
            throw new InputError("--datasets: no dataset given");
        }
        return out;
    }

    private static Dataset parse(String item, Path dataRoot, Path dataDir) {
        int eq = item.indexOf('=');
        String name = eq < 0 ? item : item.substring(0, eq).strip();
        if (!NAME.matcher(name).matches()) {
            throw new InputError("--datasets: bad name '" + name + "' (letters, digits, _ and - only)");
        }
        Dataset d;
        if (eq >= 0) {
            String files = item.substring(eq + 1).strip();
            int colon = files.lastIndexOf(':');
            if (colon <= 0 || colon == files.length() - 1) {
                throw new InputError("--datasets: expected NAME=TRAIN:TEST, got '" + item + "'");
            }
            d = new Dataset(name, Path.of(files.substring(0, colon)), Path.of(files.substring(colon + 1)));
        } else if (dataRoot != null && Files.isDirectory(dataRoot.resolve(name))) {
            d = new Dataset(name, dataRoot.resolve(name).resolve("train.csv"), dataRoot.resolve(name).resolve("test.csv"));
        } else if (name.equals(DEMO)) {
            d = builtinDemo(dataDir);
        } else if (dataRoot == null) {
            throw new InputError("--datasets: '" + name + "' needs --data-root, or give it as " + name + "=TRAIN:TEST");
        } else {
            throw new InputError("--datasets: no folder " + dataRoot.resolve(name));
        }
        for (Path p : List.of(d.train(), d.test())) {
            if (!Files.isRegularFile(p)) {
                throw InputError.at(p, 0, "no such file (dataset " + name + ")");
            }
        }
        return d;
    }

    /** The built-in demo train and test files, copied under {@code dataDir/demo/}. */
    static Dataset builtinDemo(Path dataDir) {
        Path dir = dataDir.resolve(DEMO);
        try {
            for (String f : List.of("train.csv", "test.csv")) {
                byte[] bytes;
                try (InputStream in = Dataset.class.getResourceAsStream("/dev/clm4j/demo/" + f)) {
                    if (in == null) {
                        throw new IllegalStateException("the built-in demo data is missing from the classpath");
                    }
                    bytes = in.readAllBytes();
                }
                Path target = dir.resolve(f);
                if (!Files.isRegularFile(target) || !java.util.Arrays.equals(Files.readAllBytes(target), bytes)) {
                    AtomicFiles.write(target, bytes);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Dataset(DEMO, dir.resolve("train.csv"), dir.resolve("test.csv"));
    }
}
