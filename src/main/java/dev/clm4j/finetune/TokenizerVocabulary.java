package dev.clm4j.finetune;

import dev.clm4j.finetune.clm.ClmVocabulary;
import dev.clm4j.tokenize.BertTokenizer;
import java.util.List;

/** The method's view of a BERT tokenizer. */
public final class TokenizerVocabulary implements ClmVocabulary {
    private final BertTokenizer tokenizer;

    public TokenizerVocabulary(BertTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    @Override
    public List<String> words(String text) {
        return tokenizer.basicTokens(text);
    }

    @Override
    public List<String> pieces(String word) {
        return tokenizer.wordPieces(word);
    }

    @Override
    public String token(int id) {
        return tokenizer.token(id);
    }

    @Override
    public int id(String token) {
        return tokenizer.id(token);
    }
}
