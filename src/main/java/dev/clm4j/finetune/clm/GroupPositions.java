package dev.clm4j.finetune.clm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds, in a token-id sequence, the positions that belong to a token group: a word (a word-start
 * id and its "##" continuations, or one added whole-word id) whose pieces match a group word, or two
 * adjacent words matching a group pair. Position 0 ([CLS], the pooled position for CLS pooling and
 * the sequence summary) is always kept.
 */
public final class GroupPositions {
    private final ClmVocabulary vocabulary;
    private final Set<String> groupWords = new HashSet<>();
    private final Set<String> groupPairs = new HashSet<>();

    public GroupPositions(ClmVocabulary vocabulary, List<TokenGroup> groups) {
        this.vocabulary = vocabulary;
        for (TokenGroup g : groups) {
            (g.pair() ? groupPairs : groupWords).add(g.text());
        }
    }

    /** Sorted kept positions of one sequence ([CLS] ... [SEP]). */
    public int[] kept(int[] ids) {
        List<int[]> spans = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int start = -1;
        for (int p = 1; p < ids.length; p++) {
            String tok = vocabulary.token(ids[p]);
            boolean continuation = tok.startsWith("##");
            boolean special = tok.startsWith("[") && tok.endsWith("]");
            if (!continuation || special) {
                if (start >= 0) {
                    spans.add(new int[] {start, p});
                    words.add(word.toString());
                }
                word.setLength(0);
                start = special ? -1 : p;
                if (!special) {
                    word.append(tok);
                }
            } else if (start >= 0) {
                word.append(tok, 2, tok.length());
            }
        }
        if (start >= 0) {
            spans.add(new int[] {start, ids.length});
            words.add(word.toString());
        }
        boolean[] keep = new boolean[ids.length];
        keep[0] = true;
        for (int w = 0; w < words.size(); w++) {
            if (groupWords.contains(words.get(w))) {
                mark(keep, spans.get(w));
            }
            if (w + 1 < words.size() && groupPairs.contains(words.get(w) + " " + words.get(w + 1))) {
                mark(keep, spans.get(w));
                mark(keep, spans.get(w + 1));
            }
        }
        int n = 0;
        for (boolean k : keep) {
            n += k ? 1 : 0;
        }
        int[] out = new int[n];
        int i = 0;
        for (int p = 0; p < keep.length; p++) {
            if (keep[p]) {
                out[i++] = p;
            }
        }
        return out;
    }

    private static void mark(boolean[] keep, int[] span) {
        Arrays.fill(keep, span[0], span[1], true);
    }
}
