package dev.clm4j.io;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hugging Face BertModel tensor names (without the "bert." prefix) that checkpoints and weight
 * imports use, and the normalisation of the variants exporters produce ("bert.embeddings...",
 * "0.auto_model.encoder...", a bare "word_embeddings.weight").
 */
public final class BertTensorNames {
    public static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
    public static final String POSITION_EMBEDDINGS = "embeddings.position_embeddings.weight";
    public static final String TOKEN_TYPE_EMBEDDINGS = "embeddings.token_type_embeddings.weight";
    public static final String EMBEDDINGS_LN_WEIGHT = "embeddings.LayerNorm.weight";
    public static final String EMBEDDINGS_LN_BIAS = "embeddings.LayerNorm.bias";

    /** Per-layer tensors, in the order Hugging Face lists them; prefix with {@link #layerPrefix}. */
    public static final List<String> LAYER_SUFFIXES = List.of(
            "attention.self.query.weight", "attention.self.query.bias",
            "attention.self.key.weight", "attention.self.key.bias",
            "attention.self.value.weight", "attention.self.value.bias",
            "attention.output.dense.weight", "attention.output.dense.bias",
            "attention.output.LayerNorm.weight", "attention.output.LayerNorm.bias",
            "intermediate.dense.weight", "intermediate.dense.bias",
            "output.dense.weight", "output.dense.bias",
            "output.LayerNorm.weight", "output.LayerNorm.bias");

    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");
    private static final List<String> ROOTS = List.of("embeddings.", "encoder.", "pooler.");
    private static final List<String> EMBEDDING_CHILDREN = List.of(
            "word_embeddings.", "position_embeddings.", "token_type_embeddings.", "LayerNorm.");

    private BertTensorNames() {
    }

    public static String layerPrefix(int layer) {
        return "encoder.layer." + layer + ".";
    }

    /** All names a BertModel with this many layers must have (no pooler), in canonical order. */
    public static List<String> required(int layers) {
        List<String> names = new ArrayList<>(List.of(WORD_EMBEDDINGS, POSITION_EMBEDDINGS, TOKEN_TYPE_EMBEDDINGS,
                EMBEDDINGS_LN_WEIGHT, EMBEDDINGS_LN_BIAS));
        for (int i = 0; i < layers; i++) {
            for (String suffix : LAYER_SUFFIXES) {
                names.add(layerPrefix(i) + suffix);
            }
        }
        return names;
    }

    /** The layer index of an "encoder.layer.N." name, or -1. */
    public static int layerOf(String name) {
        Matcher m = LAYER.matcher(name);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /**
     * Maps an exporter's name to the BertModel name: drops any prefix before the first
     * "embeddings." / "encoder." / "pooler." segment (e.g. "bert.", "0.auto_model."), and puts a
     * bare embeddings child ("word_embeddings.weight") or "layer.N..." under its parent.
     * Returns null for names that are not BERT parameters at all (e.g. "onnx::MatMul_12").
     */
    public static String normalise(String name) {
        if (name.indexOf('/') >= 0 || name.indexOf(':') >= 0) {
            return null; // a node output ("/embeddings/Constant_output_0") or an anonymous tensor ("onnx::MatMul_1")
        }
        for (String child : EMBEDDING_CHILDREN) {
            if (name.startsWith(child)) {
                return "embeddings." + name;
            }
        }
        if (name.startsWith("layer.")) {
            return "encoder." + name;
        }
        int best = -1;
        for (String root : ROOTS) {
            int at = segmentIndex(name, root);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best < 0 ? null : name.substring(best);
    }

    /** Index where root starts at a segment boundary (start of name or after a '.'), or -1. */
    private static int segmentIndex(String name, String root) {
        int from = 0;
        while (true) {
            int at = name.indexOf(root, from);
            if (at < 0) {
                return -1;
            }
            if (at == 0 || name.charAt(at - 1) == '.') {
                return at;
            }
            from = at + 1;
        }
    }
}
