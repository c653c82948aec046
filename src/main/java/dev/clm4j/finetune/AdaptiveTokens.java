package dev.clm4j.finetune;

import dev.clm4j.model.BertEncoder;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tokenize.BertTokenizer;
import java.util.List;

/**
 * Stage 2 of the method: each new whole-word token gets the mean of its WordPiece pieces' embedding
 * rows (Sachidananda et al. 2021), the word-embedding matrix grows by those rows, and the tokenizer
 * matches the whole word before WordPiece from now on.
 */
public final class AdaptiveTokens {
    private AdaptiveTokens() {
    }

    public static void add(Backend backend, BertTokenizer tokenizer, BertEncoder encoder, List<String> words) {
        int hidden = encoder.config().hidden();
        float[] table = backend.download(encoder.embeddings().words().weight().value());
        float[] rows = new float[words.size() * hidden];
        for (int w = 0; w < words.size(); w++) {
            List<String> pieces = tokenizer.wordPieces(words.get(w));
            for (String piece : pieces) {
                int id = tokenizer.id(piece);
                for (int j = 0; j < hidden; j++) {
                    rows[w * hidden + j] += table[id * hidden + j] / pieces.size();
                }
            }
        }
        int before = tokenizer.vocabSize();
        tokenizer.addWords(words);
        if (tokenizer.vocabSize() != before + words.size()) {
            throw new IllegalStateException("tokenizer added " + (tokenizer.vocabSize() - before) + " of " + words.size() + " words");
        }
        encoder.growVocabulary(backend, rows);
    }
}
