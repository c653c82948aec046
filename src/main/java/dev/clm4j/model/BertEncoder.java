package dev.clm4j.model;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Var;
import dev.clm4j.nn.EncoderLayer;
import dev.clm4j.nn.Module;
import dev.clm4j.nn.Parameter;
import dev.clm4j.nn.Sequences;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Indices;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** A BERT-family encoder: embeddings and a stack of post-LN transformer layers (no pooler). */
public final class BertEncoder implements Module {
    private BertConfig config;
    private final BertEmbeddings embeddings;
    private final List<EncoderLayer> layers = new ArrayList<>();

    /** A randomly initialised encoder (BERT's initialisation), seeded. */
    public BertEncoder(Backend backend, BertConfig config, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        this.config = config;
        this.embeddings = new BertEmbeddings(backend, rng, config);
        for (int i = 0; i < config.layers(); i++) {
            layers.add(new EncoderLayer("encoder.layer." + i, backend, rng, config.hidden(), config.heads(),
                    config.intermediate(), config.layerNormEps()));
        }
    }

    /** Hidden states [batch * length, hidden] of a padded batch of token ids. */
    public Var forward(Ops ops, Indices tokenIds, Sequences seq) {
        return runLayers(ops, forwardUpTo(ops, tokenIds, seq, 0), seq, 0, layers.size(), true);
    }

    /** The input of layer {@code layer}: embeddings and the layers below it. */
    public Var forwardUpTo(Ops ops, Indices tokenIds, Sequences seq, int layer) {
        int mark = ops.mark();
        Var x = embeddings.forward(ops, tokenIds, seq);
        ops.recycleSince(mark, x);
        return runLayers(ops, x, seq, 0, layer, true);
    }

    /** Runs layers {@code layer} and up on the given input of that layer. */
    public Var forwardFrom(Ops ops, Var x, Sequences seq, int layer) {
        return runLayers(ops, x, seq, layer, layers.size(), false);
    }

    /**
     * Layers [from, to) on x. In inference a layer's intermediates are dead once it returns, and so
     * is its input when this encoder made it ({@code ownsInput}, or any layer after the first): their
     * memory goes back to the backend for the next layer's outputs. Recording keeps everything.
     */
    private Var runLayers(Ops ops, Var x, Sequences seq, int from, int to, boolean ownsInput) {
        for (int l = from; l < to; l++) {
            int mark = ops.mark();
            Var next = layers.get(l).forward(ops, x, seq);
            ops.recycleSince(mark, next);
            if (ownsInput || l > from) {
                ops.recycle(x);
            }
            x = next;
        }
        return x;
    }

    /**
     * The lowest layer holding a trainable parameter: 0 when the embeddings train, the number of
     * layers when nothing in the encoder trains.
     */
    public int lowestTrainableLayer() {
        for (Parameter p : embeddings.parameters()) {
            if (p.trainable()) {
                return 0;
            }
        }
        for (int l = 0; l < layers.size(); l++) {
            for (Parameter p : layers.get(l).parameters()) {
                if (p.trainable()) {
                    return l;
                }
            }
        }
        return layers.size();
    }

    /**
     * Appends vocabulary rows to the word embeddings (adaptive tokenization): {@code rows} holds
     * count * hidden values. Nothing else changes shape.
     */
    public void growVocabulary(Backend backend, float[] rows) {
        Parameter words = embeddings.words().weight();
        int hidden = config.hidden();
        if (rows.length % hidden != 0) {
            throw new IllegalArgumentException("new rows must be whole rows of " + hidden);
        }
        float[] old = backend.download(words.value());
        float[] grown = java.util.Arrays.copyOf(old, old.length + rows.length);
        System.arraycopy(rows, 0, grown, old.length, rows.length);
        int vocab = grown.length / hidden;
        words.resize(backend.upload(grown, vocab, hidden));
        config = config.withVocabSize(vocab);
    }

    /**
     * Prefix tuning: every layer's self-attention gets {@code length} trainable key and value
     * vectors (keys[l] and values[l] hold length x hidden values for layer l).
     */
    public void attachPrefix(int length, float[][] keys, float[][] values) {
        for (int l = 0; l < layers.size(); l++) {
            layers.get(l).attention().attachPrefix(keys[l], values[l], length);
        }
    }

    /** Prefix vectors per layer (0 without prefix tuning). */
    public int prefixLength() {
        return layers.isEmpty() || layers.get(0).attention().attentionPrefix() == null ? 0
                : layers.get(0).attention().attentionPrefix().length();
    }

    public BertConfig config() {
        return config;
    }

    public BertEmbeddings embeddings() {
        return embeddings;
    }

    public List<EncoderLayer> layers() {
        return layers;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(embeddings.parameters());
        for (EncoderLayer layer : layers) {
            all.addAll(layer.parameters());
        }
        return all;
    }

    /** Parameters by Hugging Face name. */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> byName = new LinkedHashMap<>();
        for (Parameter p : parameters()) {
            byName.put(p.name(), p);
        }
        return byName;
    }
}
