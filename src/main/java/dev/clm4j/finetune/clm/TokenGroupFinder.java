package dev.clm4j.finetune.clm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stage 1 of the method (METHOD.md): candidates are words and adjacent word pairs found in at
 * least {@code minCount} training examples; each is scored by the chi-square statistic of
 * (candidate present) against the label, times log(1 + document frequency), which favours words
 * that are both telling and common; the top {@code groups} are the task's token groups.
 */
public final class TokenGroupFinder {
    private final WordSplitter splitter;
    private final int minCount;
    private final int groups;

    public TokenGroupFinder(WordSplitter splitter, int minCount, int groups) {
        this.splitter = splitter;
        this.minCount = minCount;
        this.groups = groups;
    }

    /** Token groups of texts with label ids in [0, labels.size()), best first. */
    public List<TokenGroup> find(List<String> texts, int[] labelIds, List<String> labels) {
        int k = labels.size();
        int n = texts.size();
        int[] classTotals = new int[k];
        Map<String, int[]> presentByClass = new HashMap<>();
        Map<String, List<String>> piecesOf = new HashMap<>();
        for (int i = 0; i < n; i++) {
            classTotals[labelIds[i]]++;
            Set<String> seen = new LinkedHashSet<>();
            List<String> words = splitter.words(texts.get(i));
            String previous = null;
            for (String w : words) {
                if (!candidateWord(w)) {
                    previous = null;
                    continue;
                }
                piecesOf.computeIfAbsent(w, splitter::pieces);
                if (piecesOf.get(w).contains(splitter.unknownPiece())) {
                    previous = null;
                    continue;
                }
                seen.add(w);
                if (previous != null) {
                    seen.add(previous + " " + w);
                }
                previous = w;
            }
            for (String c : seen) {
                presentByClass.computeIfAbsent(c, x -> new int[k])[labelIds[i]]++;
            }
        }
        List<TokenGroup> scored = new ArrayList<>();
        for (Map.Entry<String, int[]> e : presentByClass.entrySet()) {
            int[] present = e.getValue();
            int df = 0;
            for (int a : present) {
                df += a;
            }
            if (df < minCount) {
                continue;
            }
            double chi = chiSquare(present, classTotals, n, df);
            int best = 0;
            for (int c = 1; c < k; c++) {
                if ((double) present[c] / Math.max(1, classTotals[c]) > (double) present[best] / Math.max(1, classTotals[best])) {
                    best = c;
                }
            }
            String text = e.getKey();
            boolean pair = text.indexOf(' ') >= 0;
            List<String> pieces = new ArrayList<>();
            for (String w : text.split(" ")) {
                pieces.addAll(piecesOf.get(w));
            }
            scored.add(new TokenGroup(text, List.copyOf(pieces), pair, df, chi, chi * Math.log1p(df), labels.get(best)));
        }
        scored.sort(Comparator.comparingDouble(TokenGroup::score).reversed().thenComparing(TokenGroup::text));
        return List.copyOf(scored.subList(0, Math.min(groups, scored.size())));
    }

    /** Pearson's chi-square of the 2 x k table (present / absent by class). */
    static double chiSquare(int[] present, int[] classTotals, int n, int df) {
        double chi = 0;
        for (int c = 0; c < present.length; c++) {
            if (classTotals[c] == 0) {
                continue;
            }
            double expectedPresent = (double) df * classTotals[c] / n;
            double expectedAbsent = (double) (n - df) * classTotals[c] / n;
            double absent = classTotals[c] - present[c];
            if (expectedPresent > 0) {
                chi += sq(present[c] - expectedPresent) / expectedPresent;
            }
            if (expectedAbsent > 0) {
                chi += sq(absent - expectedAbsent) / expectedAbsent;
            }
        }
        return chi;
    }

    private static double sq(double x) {
        return x * x;
    }

    /** A word with at least one letter or digit (punctuation is never a group). */
    static boolean candidateWord(String w) {
        for (int i = 0; i < w.length(); ) {
            int cp = w.codePointAt(i);
            if (Character.isLetterOrDigit(cp)) {
                return true;
            }
            i += Character.charCount(cp);
        }
        return false;
    }

    /** The set of words that appear in any group (single words and members of pairs). */
    public static Set<String> groupWords(List<TokenGroup> groups) {
        Set<String> words = new HashSet<>();
        for (TokenGroup g : groups) {
            for (String w : g.text().split(" ")) {
                words.add(w);
            }
        }
        return words;
    }
}
