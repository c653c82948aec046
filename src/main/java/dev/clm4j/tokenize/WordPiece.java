package dev.clm4j.tokenize;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Greedy longest-match-first WordPiece: a word becomes the longest vocabulary prefix, then the
 * longest "##"-prefixed continuation, and so on; if some remainder matches nothing, the whole word
 * is the unknown token, as is a word longer than {@code maxCharsPerWord} characters.
 */
final class WordPiece {
    private final Map<String, Integer> vocab;
    private final String continuationPrefix;
    private final String unknown;
    private final int maxCharsPerWord;

    WordPiece(Map<String, Integer> vocab, String continuationPrefix, String unknown, int maxCharsPerWord) {
        this.vocab = vocab;
        this.continuationPrefix = continuationPrefix;
        this.unknown = unknown;
        this.maxCharsPerWord = maxCharsPerWord;
    }

    List<String> split(String word) {
        // Work on code points: a piece never ends inside a surrogate pair.
        int[] cps = word.codePoints().toArray();
        if (cps.length > maxCharsPerWord) {
            return List.of(unknown);
        }
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < cps.length) {
            String match = null;
            for (int end = cps.length; end > start; end--) {
                String candidate = new String(cps, start, end - start);
                if (start > 0) {
                    candidate = continuationPrefix + candidate;
                }
                if (vocab.containsKey(candidate)) {
                    match = candidate;
                    start = end;
                    break;
                }
            }
            if (match == null) {
                return List.of(unknown);
            }
            pieces.add(match);
        }
        return pieces;
    }
}
