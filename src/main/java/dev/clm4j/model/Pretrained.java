package dev.clm4j.model;

import dev.clm4j.io.InputError;

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
        requireOnClassPath(card, card.tokenizerResource());
        return BertTokenizer.fromResource(card.tokenizerResource());
    }

    /** The encoder with the card's pretrained weights, on the given backend. */
    public static BertEncoder encoder(Backend backend, ModelCard card) {
        Map<String, NamedArray> weights = weights(card);
        BertEncoder encoder = new BertEncoder(backend, card.architecture(), 0);
        WeightLoader.load(backend, encoder.parameters(), weights, card.onnxResource());
        return encoder;
    }

    /**
     * A model whose weights jar is missing (the self-contained image ships without weights) is the
     * user's to fix: one line naming the jar, exit status 2.
     */
    private static void requireOnClassPath(ModelCard card, String resource) {
        if (Pretrained.class.getResource("/" + resource) == null) {
            throw new InputError("model '" + card.name() + "': its weights are not on the class path; add the jar "
                    + card.artifact() + " (in the self-contained image: put it in models/)");
        }
    }

    public static Map<String, NamedArray> weights(ModelCard card) {
        requireOnClassPath(card, card.onnxResource());
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
