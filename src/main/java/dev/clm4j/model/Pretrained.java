package dev.clm4j.model;

import dev.clm4j.io.NamedArray;
import dev.clm4j.io.onnx.OnnxWeights;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tokenize.BertTokenizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Pretrained encoders and their tokenizers, read from the model card's jar resources (the weights
 * came from Maven Central at build time; nothing is downloaded at run time).
 */
public final class Pretrained {
    private Pretrained() {
    }

    public static BertTokenizer tokenizer(ModelCard card) {
        return BertTokenizer.fromResource(card.tokenizerResource());
    }

    /** The encoder with the card's pretrained weights, on the given backend. */
    public static BertEncoder encoder(Backend backend, ModelCard card) {
        Map<String, NamedArray> weights = weights(card);
        BertEncoder encoder = new BertEncoder(backend, card.architecture(), 0);
        WeightLoader.load(backend, encoder.parameters(), weights, card.onnxResource());
        return encoder;
    }

    public static Map<String, NamedArray> weights(ModelCard card) {
        String resource = "/" + card.onnxResource();
        try (InputStream raw = Pretrained.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalStateException("model '" + card.name() + "': resource " + resource
                        + " is not on the classpath; the build should have brought " + card.artifact());
            }
            return OnnxWeights.readBertWeights(new BufferedInputStream(raw, 1 << 20), card.onnxResource());
        } catch (IOException e) {
            throw new UncheckedIOException("model '" + card.name() + "': cannot read " + resource + ": " + e.getMessage(), e);
        }
    }
}
