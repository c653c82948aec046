package dev.clm4j.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.clm4j.io.AtomicFiles;
import dev.clm4j.io.InputError;
import dev.clm4j.io.NamedArray;
import dev.clm4j.io.safetensors.SafeTensors;
import dev.clm4j.nn.ClassifierHead;
import dev.clm4j.nn.Mask;
import dev.clm4j.nn.Parameter;
import dev.clm4j.nn.Pooling;
import dev.clm4j.tensor.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A saved classifier: a directory with config.json and a safetensors weights file with Hugging Face
 * tensor names. Saving never leaves a half-written model: the weights go to a new file (written to a
 * temporary file and renamed), then config.json is replaced atomically to point at it, then the old
 * weights file is deleted. A crash at any point leaves a config.json that names a complete file.
 */
public final class Checkpoint {
    public static final String CONFIG = "config.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The names save gives weights files: "weights-" + hex time + "-" + hex random + ".safetensors". */
    private static final java.util.regex.Pattern WEIGHTS_FILE =
            java.util.regex.Pattern.compile("weights-[0-9a-f]+-[0-9a-f]+\\.safetensors");

    /** A loaded classifier and its configuration. */
    public record Loaded(Classifier model, CheckpointConfig config) {
    }

    private Checkpoint() {
    }

    public static void save(Path dir, Backend backend, Classifier model, String cardName, List<String> labels, int maxLen,
                            List<String> addedWords, String method) throws IOException {
        AtomicFiles.createDirectories(dir);
        Map<String, NamedArray> tensors = new LinkedHashMap<>();
        Map<String, CheckpointConfig.MaskSpec> masks = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            tensors.put(p.name(), new NamedArray(p.name(), p.value().shape(), backend.download(p.value())));
            Mask m = p.mask();
            if (m != null) {
                masks.put(p.name(), m.wholeRows() ? new CheckpointConfig.MaskSpec(m.selectedRows(), null)
                        : new CheckpointConfig.MaskSpec(null, m.flatIndices()));
            }
        }
        String weightsFile = "weights-" + Long.toHexString(System.currentTimeMillis())
                + "-" + Integer.toHexString(new SplittableRandom().nextInt() & 0xffff) + ".safetensors";
        Path weights = dir.resolve(weightsFile);
        SafeTensors.write(weights, tensors, Map.of("format", "pt", "producer", "clm4j"));
        CheckpointConfig config = new CheckpointConfig(CheckpointConfig.FORMAT, cardName, model.encoder().config(),
                model.head().pooling().name().toLowerCase(java.util.Locale.ROOT), labels, maxLen, addedWords, method,
                weightsFile, sha256(weights), masks.isEmpty() ? null : masks,
                model.encoder().prefixLength() == 0 ? null : model.encoder().prefixLength());
        AtomicFiles.write(dir.resolve(CONFIG), JSON.writeValueAsBytes(config));
        removeOtherWeights(dir, weightsFile);
        // A save killed before its renames leaves temporary files (one as big as the weights) that
        // no config names; remove ours, for the files a save writes, and nothing else.
        AtomicFiles.removeLeftovers(dir, name -> name.equals(CONFIG) || WEIGHTS_FILE.matcher(name).matches());
    }

    /**
     * The bytes of the model itself: config.json and the weights file it names. Not the directory's
     * total, which counts whatever else is there, such as a delta exported into the same directory.
     */
    public static long modelBytes(Path dir, CheckpointConfig config) throws IOException {
        return Files.size(dir.resolve(CONFIG)) + Files.size(dir.resolve(config.weightsFile()));
    }

    /** Reads the config of a model directory; a missing or malformed one is an InputError. */
    public static CheckpointConfig readConfig(Path dir) {
        Path configFile = dir.resolve(CONFIG);
        if (!Files.isDirectory(dir)) {
            throw InputError.at(dir, 0, Files.isRegularFile(dir) ? "is a file, not a model directory"
                    : Files.exists(dir) ? "not a directory" : "no such model directory");
        }
        CheckpointConfig config;
        try {
            config = JSON.readValue(configFile.toFile(), CheckpointConfig.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw InputError.at(dir, 0, "not a clm4j model directory (no " + CONFIG + ")");
        } catch (JsonProcessingException e) {
            throw InputError.at(configFile, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "malformed config: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw InputError.at(configFile, 0, "cannot read: " + e.getMessage());
        }
        if (!CheckpointConfig.FORMAT.equals(config.format()) || config.architecture() == null || config.labels() == null
                || config.weightsFile() == null || config.labels().size() < 2) {
            throw InputError.at(configFile, 0, "not a " + CheckpointConfig.FORMAT + " config (format, architecture, labels, weights_file)");
        }
        return config;
    }

    public static Loaded load(Path dir, Backend backend) {
        CheckpointConfig config = readConfig(dir);
        Map<String, NamedArray> tensors = readWeights(dir, config);
        Classifier model = skeleton(backend, config.architecture(), config.labels().size(), config.pooling(),
                config.prefixVectors());
        try {
            WeightLoader.load(backend, model.parameters(), tensors, dir.resolve(config.weightsFile()).toString());
        } catch (IllegalArgumentException e) {
            throw new InputError(e.getMessage(), e);
        }
        if (config.mask() != null) {
            for (Parameter p : model.parameters()) {
                CheckpointConfig.MaskSpec spec = config.mask().get(p.name());
                if (spec != null) {
                    p.trainMasked(spec.rows() != null ? Mask.rows(spec.rows(), p.rowCount(), p.colCount())
                            : Mask.elements(spec.elements(), p.rowCount(), p.colCount()));
                }
            }
        }
        return new Loaded(model, config);
    }

    /** The weights a config names, checked against its SHA-256: a missing, truncated or altered file is an InputError. */
    public static Map<String, NamedArray> readWeights(Path dir, CheckpointConfig config) {
        Path weights = dir.resolve(config.weightsFile()).normalize();
        if (!weights.getParent().equals(dir.normalize()) && !weights.getParent().equals(dir.toAbsolutePath().normalize())) {
            throw InputError.at(dir.resolve(CONFIG), 0, "weights_file must name a file in the model directory");
        }
        return readVerified(weights, config.weightsSha256(), "the weights file");
    }

    /** A safetensors file whose SHA-256 must be {@code sha256}. */
    static Map<String, NamedArray> readVerified(Path file, String sha256, String what) {
        String actual;
        try {
            actual = sha256(file);
        } catch (NoSuchFileException e) {
            throw InputError.at(file, 0, "missing " + what + " named by the config");
        } catch (IOException e) {
            throw InputError.at(file, 0, "cannot read: " + e.getMessage());
        }
        if (!actual.equals(sha256)) {
            throw InputError.at(file, 0, "checksum mismatch: " + what + " is truncated or was altered");
        }
        try {
            return SafeTensors.read(file).tensors();
        } catch (IOException e) {
            throw InputError.at(file, 0, e.getMessage());
        }
    }

    /** A classifier of this shape with placeholder weights, to load saved weights into. */
    static Classifier skeleton(Backend backend, BertConfig architecture, int classes, String pooling, int prefixLength) {
        BertEncoder encoder = new BertEncoder(backend, architecture, 0);
        if (prefixLength > 0) {
            float[][] zeros = new float[architecture.layers()][prefixLength * architecture.hidden()];
            encoder.attachPrefix(prefixLength, zeros, zeros);
        }
        ClassifierHead head = new ClassifierHead(backend, new SplittableRandom(0), architecture.hidden(), classes,
                Pooling.parse(pooling));
        return new Classifier(encoder, head);
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buf = new byte[1 << 20];
            while (in.read(buf) >= 0) {
                // reading feeds the digest
            }
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void removeOtherWeights(Path dir, String keep) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "weights-*.safetensors")) {
            for (Path f : files) {
                if (!f.getFileName().toString().equals(keep)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
