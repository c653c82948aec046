package dev.clm4j.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * config.json of a saved classifier: enough to rebuild the model, its tokenizer and its label set.
 * The weights file is named here with its SHA-256, so a truncated or altered file is refused.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CheckpointConfig(
        @JsonProperty("format") String format,
        @JsonProperty("model_card") String modelCard,
        @JsonProperty("architecture") BertConfig architecture,
        @JsonProperty("pooling") String pooling,
        @JsonProperty("labels") List<String> labels,
        @JsonProperty("max_len") int maxLen,
        @JsonProperty("added_words") List<String> addedWords,
        @JsonProperty("method") String method,
        @JsonProperty("weights_file") String weightsFile,
        @JsonProperty("weights_sha256") String weightsSha256,
        @JsonProperty("mask") Map<String, MaskSpec> mask,
        @JsonProperty("prefix_length") @JsonInclude(JsonInclude.Include.NON_NULL) Integer prefixLength) {

    public static final String FORMAT = "clm4j-classifier/1";

    /** A config without prefix-tuning vectors (the common case). */
    public CheckpointConfig(String format, String modelCard, BertConfig architecture, String pooling, List<String> labels,
                            int maxLen, List<String> addedWords, String method, String weightsFile, String weightsSha256,
                            Map<String, MaskSpec> mask) {
        this(format, modelCard, architecture, pooling, labels, maxLen, addedWords, method, weightsFile, weightsSha256,
                mask, null);
    }

    /**
     * Prefix vectors per attention layer; 0 for configs written before prefix tuning existed. Only a
     * prefix model writes the key, so other models' config.json is as it was before.
     */
    public int prefixVectors() {
        return prefixLength == null ? 0 : prefixLength;
    }

    /** Trainable entries of one tensor: whole rows, or single entries by flat index. */
    public record MaskSpec(@JsonProperty("rows") int[] rows, @JsonProperty("elements") int[] elements) {
    }
}
