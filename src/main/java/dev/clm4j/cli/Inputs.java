package dev.clm4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The training and test files, or the built-in demonstration set when none are given. */
record Inputs(Path train, Path test, String trainName, String testName) {

    static Inputs resolve(Path train, Path test) {
        if ((train == null) != (test == null)) {
            throw new UserError("give both --train and --test, or neither for the built-in demo data");
        }
        if (train != null) {
            return new Inputs(train, test, train.toString(), test.toString());
        }
        try {
            Path dir = Files.createTempDirectory("clm4j-demo");
            dir.toFile().deleteOnExit();
            return new Inputs(extract("train.csv", dir), extract("test.csv", dir), "builtin:demo/train.csv",
                    "builtin:demo/test.csv");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path extract(String name, Path dir) throws IOException {
        Path out = dir.resolve("demo-" + name);
        try (InputStream in = Inputs.class.getResourceAsStream("/dev/clm4j/demo/" + name)) {
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
        }
        out.toFile().deleteOnExit();
        return out;
    }
}
