package dev.clm4j.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clm4j.nn.Pooling;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * What the CLI knows about a named pretrained model: where its weights and tokenizer come from (a
 * Maven artifact's jar resources) and its architecture. Cards live in models/ of the project.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelCard(String name, String description, String artifact, String onnxResource,
                        String tokenizerResource, String pooling, boolean normalize, BertConfig architecture) {

    /** The models the CLI knows, by name; the first is the default. */
    public static final List<String> KNOWN = List.of("minilm-l6", "bge-small");

    public static final String DEFAULT = "minilm-l6";

    public Pooling defaultPooling() {
        return Pooling.parse(pooling);
    }

    /** The card of a known model; an unknown name is a user error listing the known ones. */
    public static ModelCard named(String name) {
        String resource = "/dev/clm4j/models/" + name + ".json";
        try (InputStream in = ModelCard.class.getResourceAsStream(resource)) {
            if (in == null || !name.matches("[a-z0-9][a-z0-9.-]*")) {
                throw new IllegalArgumentException("unknown model '" + name + "'; known models: " + String.join(", ", KNOWN));
            }
            return new ObjectMapper().readValue(in, ModelCard.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model card " + resource, e);
        }
    }
}
