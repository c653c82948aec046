package dev.clm4j.tokenize;

import java.util.ArrayList;
import java.util.List;

/**
 * BERT's basic tokenization: normalise, split on whitespace, and split every punctuation
 * character off as its own token (Hugging Face's BertNormalizer + BertPreTokenizer).
 */
public final class BasicTokenizer {
    private final BertNormalizer normalizer;

    BasicTokenizer(BertNormalizer normalizer) {
        this.normalizer = normalizer;
    }

    public List<String> tokenize(String text) {
        String s = normalizer.normalize(text);
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (CharClasses.isWhitespace(cp)) {
                flush(word, out);
            } else if (CharClasses.isPunctuation(cp)) {
                flush(word, out);
                out.add(new String(Character.toChars(cp)));
            } else {
                word.appendCodePoint(cp);
            }
        }
        flush(word, out);
        return out;
    }

    private static void flush(StringBuilder word, List<String> out) {
        if (word.length() > 0) {
            out.add(word.toString());
            word.setLength(0);
        }
    }
}
