package dev.clm4j.model;

/** The architecture numbers of a BERT-family encoder. */
public record BertConfig(int vocabSize, int hidden, int layers, int heads, int intermediate,
                         int maxPositions, int typeVocabSize, float layerNormEps) {

    public BertConfig {
        if (vocabSize <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || intermediate <= 0 || maxPositions <= 0
                || typeVocabSize <= 0) {
            throw new IllegalArgumentException("architecture numbers must be positive: " + this);
        }
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden " + hidden + " is not a multiple of heads " + heads);
        }
    }

    /** all-MiniLM-L6-v2. */
    public static BertConfig miniLmL6() {
        return new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f);
    }

    public BertConfig withVocabSize(int newVocab) {
        return new BertConfig(newVocab, hidden, layers, heads, intermediate, maxPositions, typeVocabSize, layerNormEps);
    }
}
