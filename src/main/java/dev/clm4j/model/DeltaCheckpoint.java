package dev.clm4j.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clm4j.io.AtomicFiles;
import dev.clm4j.io.InputError;
import dev.clm4j.io.NamedArray;
import dev.clm4j.io.safetensors.SafeTensors;
import dev.clm4j.nn.Parameter;
import dev.clm4j.tensor.Backend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A finetuned classifier stored as its difference from the pretrained base: delta.json (the
 * classifier's config, the base's fingerprint, and for each changed tensor its encoding and row or
 * entry indices) and a safetensors file with the changed values. Loading rebuilds the base from the
 * model card, checks it is the base the delta was made against, and applies the delta, which gives
 * the same weights, bit for bit, as the full checkpoint it was exported from. As with
 * {@link Checkpoint}, the values file is written and renamed before delta.json names it.
 */
public final class DeltaCheckpoint {
    public static final String CONFIG = "delta.json";
    public static final String FORMAT = "clm4j-delta/1";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The names write gives values files: "delta-" + hex time + "-" + hex random + ".safetensors". */
    private static final java.util.regex.Pattern VALUES_FILE =
            java.util.regex.Pattern.compile("delta-[0-9a-f]+-[0-9a-f]+\\.safetensors");

    /** One changed tensor: its full shape, how it is stored and, for rows or elements, which. */
    public record TensorSpec(@JsonProperty("shape") int[] shape, @JsonProperty("encoding") String encoding,
                             @JsonProperty("indices") int[] indices) {
    }

    /** delta.json. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeltaConfig(
            @JsonProperty("format") String format,
            @JsonProperty("base_sha256") String baseSha256,
            @JsonProperty("classifier") CheckpointConfig classifier,
            @JsonProperty("values_file") String valuesFile,
            @JsonProperty("values_sha256") String valuesSha256,
            @JsonProperty("tensors") Map<String, TensorSpec> tensors) {
    }

    /**
     * What an export wrote: {@code bytes} of delta, and for comparison {@code modelBytes}, the size
     * of the full model it was made from (see {@link Checkpoint#modelBytes}).
     */
    public record Summary(int tensors, int dense, int rows, int elements, long values, long bytes, long modelBytes) {
    }

    private DeltaCheckpoint() {
    }

    public static boolean isDelta(Path dir) {
        return Files.isRegularFile(dir.resolve(CONFIG));
    }

    /** Writes the difference between the full checkpoint in {@code modelDir} and {@code base} to {@code outDir}. */
    public static Summary export(Path modelDir, Path outDir, Map<String, NamedArray> base) throws IOException {
        CheckpointConfig full = Checkpoint.readConfig(modelDir);
        ModelDelta delta = ModelDelta.between(base, Checkpoint.readWeights(modelDir, full));
        // The model's own files only: outDir may be modelDir, and a directory total would count the delta too.
        long modelBytes = Checkpoint.modelBytes(modelDir, full);
        return write(outDir, full, delta, ModelDelta.fingerprint(base), modelBytes);
    }

    static Summary write(Path outDir, CheckpointConfig classifier, ModelDelta delta, String baseSha256, long modelBytes)
            throws IOException {
        AtomicFiles.createDirectories(outDir);
        Map<String, NamedArray> values = new LinkedHashMap<>();
        Map<String, TensorSpec> specs = new LinkedHashMap<>();
        int dense = 0;
        int rows = 0;
        int elements = 0;
        for (ModelDelta.Entry e : delta.entries()) {
            int[] valueShape = switch (e.encoding()) {
                case DENSE -> e.shape();
                case ROWS -> new int[] {e.indices().length, e.shape()[e.shape().length - 1]};
                case ELEMENTS -> new int[] {e.indices().length};
            };
            values.put(e.name(), new NamedArray(e.name(), valueShape, e.values()));
            specs.put(e.name(), new TensorSpec(e.shape(), e.encoding().name().toLowerCase(Locale.ROOT),
                    e.encoding() == ModelDelta.Encoding.DENSE ? null : e.indices()));
            switch (e.encoding()) {
                case DENSE -> dense++;
                case ROWS -> rows++;
                case ELEMENTS -> elements++;
            }
        }
        String valuesFile = "delta-" + Long.toHexString(System.currentTimeMillis()) + "-"
                + Integer.toHexString(new SplittableRandom().nextInt() & 0xffff) + ".safetensors";
        Path valuesPath = outDir.resolve(valuesFile);
        SafeTensors.write(valuesPath, values, Map.of("format", "pt", "producer", "clm4j", "kind", "delta"));
        CheckpointConfig stripped = new CheckpointConfig(classifier.format(), classifier.modelCard(),
                classifier.architecture(), classifier.pooling(), classifier.labels(), classifier.maxLen(),
                classifier.addedWords(), classifier.method(), null, null, null, classifier.prefixLength());
        DeltaConfig config = new DeltaConfig(FORMAT, baseSha256, stripped, valuesFile, Checkpoint.sha256(valuesPath), specs);
        byte[] json = JSON.writeValueAsBytes(config);
        AtomicFiles.write(outDir.resolve(CONFIG), json);
        try (var old = Files.newDirectoryStream(outDir, "delta-*.safetensors")) {
            for (Path f : old) {
                if (!f.getFileName().toString().equals(valuesFile)) {
                    Files.deleteIfExists(f);
                }
            }
        }
        // As Checkpoint.save: temporary files of a killed export, ours only (not a model's in the same directory).
        AtomicFiles.removeLeftovers(outDir, name -> name.equals(CONFIG) || VALUES_FILE.matcher(name).matches());
        return new Summary(specs.size(), dense, rows, elements, delta.valueCount(), Files.size(valuesPath) + json.length,
                modelBytes);
    }

    /** The delta.json of a delta directory; a malformed one is an InputError. */
    public static DeltaConfig readConfig(Path dir) {
        Path file = dir.resolve(CONFIG);
        DeltaConfig config;
        try {
            config = JSON.readValue(file.toFile(), DeltaConfig.class);
        } catch (JsonProcessingException e) {
            throw InputError.at(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "malformed delta config: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw InputError.at(file, 0, "cannot read: " + e.getMessage());
        }
        if (!FORMAT.equals(config.format()) || config.classifier() == null || config.classifier().architecture() == null
                || config.classifier().labels() == null || config.valuesFile() == null || config.tensors() == null) {
            throw InputError.at(file, 0, "not a " + FORMAT + " config (format, classifier, values_file, tensors)");
        }
        return config;
    }

    /** The classifier this delta makes of {@code base}, which must be the base it was exported against. */
    public static Checkpoint.Loaded load(Path dir, Backend backend, Map<String, NamedArray> base) {
        DeltaConfig config = readConfig(dir);
        Path configFile = dir.resolve(CONFIG);
        if (!ModelDelta.fingerprint(base).equals(config.baseSha256())) {
            throw InputError.at(configFile, 0, "this delta was made against a different base model than '"
                    + config.classifier().modelCard() + "' of this build");
        }
        Path valuesPath = dir.resolve(config.valuesFile()).normalize();
        if (!dir.toAbsolutePath().normalize().equals(valuesPath.toAbsolutePath().getParent())) {
            throw InputError.at(configFile, 0, "values_file must name a file in the delta directory");
        }
        Map<String, NamedArray> values = Checkpoint.readVerified(valuesPath, config.valuesSha256(), "the delta values file");
        CheckpointConfig classifier = config.classifier();
        Classifier model = Checkpoint.skeleton(backend, classifier.architecture(), classifier.labels().size(),
                classifier.pooling(), classifier.prefixVectors());
        Map<String, int[]> wanted = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            wanted.put(p.name(), p.value().shape());
        }
        try {
            ModelDelta delta = new ModelDelta(entries(config.tensors(), values));
            WeightLoader.load(backend, model.parameters(), delta.applyTo(base, wanted), valuesPath.toString());
        } catch (IllegalArgumentException e) {
            throw InputError.at(valuesPath, 0, e.getMessage());
        }
        return new Checkpoint.Loaded(model, classifier);
    }

    private static List<ModelDelta.Entry> entries(Map<String, TensorSpec> specs, Map<String, NamedArray> values) {
        List<ModelDelta.Entry> entries = new java.util.ArrayList<>();
        for (Map.Entry<String, TensorSpec> s : specs.entrySet()) {
            NamedArray v = values.get(s.getKey());
            if (v == null) {
                throw new IllegalArgumentException("no values for delta tensor '" + s.getKey() + "'");
            }
            ModelDelta.Encoding encoding;
            try {
                encoding = ModelDelta.Encoding.valueOf(s.getValue().encoding().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("delta tensor '" + s.getKey() + "': unknown encoding '"
                        + s.getValue().encoding() + "'");
            }
            int[] indices = s.getValue().indices() == null ? new int[0] : s.getValue().indices();
            entries.add(new ModelDelta.Entry(s.getKey(), s.getValue().shape(), encoding, indices, v.data()));
        }
        return entries;
    }
}
