package dev.clm4j.model;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Var;
import dev.clm4j.nn.Embedding;
import dev.clm4j.nn.LayerNorm;
import dev.clm4j.nn.Module;
import dev.clm4j.nn.Parameter;
import dev.clm4j.nn.Sequences;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Indices;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Word + position + token-type embeddings, then LayerNorm (all sequences use token type 0). */
public final class BertEmbeddings implements Module {
    private final Embedding words;
    private final Embedding positions;
    private final Embedding tokenTypes;
    private final LayerNorm norm;

    public BertEmbeddings(Backend backend, SplittableRandom rng, BertConfig c) {
        this.words = new Embedding("embeddings.word_embeddings", backend, rng, c.vocabSize(), c.hidden());
        this.positions = new Embedding("embeddings.position_embeddings", backend, rng, c.maxPositions(), c.hidden());
        this.tokenTypes = new Embedding("embeddings.token_type_embeddings", backend, rng, c.typeVocabSize(), c.hidden());
        this.norm = new LayerNorm("embeddings.LayerNorm", backend, c.hidden(), c.layerNormEps());
    }

    public Var forward(Ops ops, Indices tokenIds, Sequences seq) {
        int n = seq.batch() * seq.length();
        int[] pos = new int[n];
        for (int i = 0; i < n; i++) {
            pos[i] = i % seq.length();
        }
        Var x = ops.add(words.forward(ops, tokenIds), positions.forward(ops, new Indices(pos)));
        x = ops.add(x, tokenTypes.forward(ops, new Indices(new int[n])));
        return norm.forward(ops, x);
    }

    public Embedding words() {
        return words;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(words.parameters());
        all.addAll(positions.parameters());
        all.addAll(tokenTypes.parameters());
        all.addAll(norm.parameters());
        return all;
    }
}
