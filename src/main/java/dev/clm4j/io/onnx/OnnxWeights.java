package dev.clm4j.io.onnx;

import dev.clm4j.io.BertDimensions;
import dev.clm4j.io.NamedArray;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Imports the weights of a BERT-family ONNX export under Hugging Face BertModel names (no "bert."
 * prefix) and layouts, ready for the model package. See {@link BertWeightNaming} for how the
 * anonymous MatMul weights get their names.
 */
public final class OnnxWeights {
    private OnnxWeights() {
    }

    /**
     * Reads the model from the stream (not closed here) and returns its tensors in canonical order:
     * embeddings, then each layer's 16 tensors, then extras such as the pooler.
     *
     * @throws IOException if the stream is truncated or malformed, or the tensors do not form a
     *                     complete BERT encoder; the message names sourceName
     */
    public static Map<String, NamedArray> readBertWeights(InputStream in, String sourceName) throws IOException {
        Map<String, NamedArray> weights = nameBertWeights(OnnxModelReader.read(in, sourceName), sourceName);
        try {
            BertDimensions.infer(weights);
        } catch (IllegalArgumentException e) {
            throw new IOException(sourceName + ": " + e.getMessage(), e);
        }
        return weights;
    }

    /** Reads a model stored as a classpath resource, e.g. "all-minilm-l6-v2.onnx" at a jar's root. */
    public static Map<String, NamedArray> readBertResource(String resource) throws IOException {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = OnnxWeights.class.getClassLoader();
        }
        try (InputStream raw = loader.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IOException("ONNX resource '" + resource + "' is not on the classpath");
            }
            return readBertWeights(new BufferedInputStream(raw, 1 << 20), resource);
        }
    }

    /** Names a parsed graph's tensors without checking that they form a complete encoder. */
    public static Map<String, NamedArray> nameBertWeights(OnnxGraph graph, String sourceName) throws IOException {
        return BertWeightNaming.name(graph, sourceName);
    }

    /** The architecture numbers implied by the weights (heads excepted: see {@link BertDimensions}). */
    public static BertDimensions dimensions(Map<String, NamedArray> weights) {
        return BertDimensions.infer(weights);
    }
}
