package dev.clm4j.experiment;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.clm4j.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The result files of an experiment, one per run, in {@code OUT/results/RUN-ID.json}. A file is
 * written whole (temporary file, then rename), so a run killed mid-way leaves none and is done
 * again. Reading skips hidden and temporary files (the atomic writer's {@code .NAME.*.tmp}) and
 * anything that is not a complete result (a truncated file, foreign JSON).
 */
public final class ResultStore {
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public ResultStore(Path outDir) {
        this.dir = outDir.resolve("results");
    }

    public Path dir() {
        return dir;
    }

    public Path fileFor(String runId) {
        return dir.resolve(runId + ".json");
    }

    /** The complete result of that run, if there is one. */
    public Optional<RunResult> find(String runId) {
        return read(fileFor(runId));
    }

    public void write(RunResult r) throws IOException {
        AtomicFiles.write(fileFor(r.id()), JSON.writeValueAsBytes(r));
    }

    /** Every complete result in the folder, by file name. */
    public List<RunResult> all() {
        List<RunResult> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            ds.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.sort(null);
        for (Path f : files) {
            read(f).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<RunResult> read(Path f) {
        if (f.getFileName().toString().startsWith(".") || !Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(f.toFile());
            if (node == null || !node.isObject() || !node.hasNonNull("status") || !node.hasNonNull("dataset")
                    || !node.hasNonNull("method") || !node.hasNonNull("setting") || !node.has("seed")) {
                return Optional.empty();
            }
            RunResult r = JSON.treeToValue(node, RunResult.class);
            if (r.ok() && (r.accuracy() == null || r.trainSeconds() == null)) {
                return Optional.empty();
            }
            return Optional.of(r);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
