package dev.clm4j.finetune.clm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A tiny stand-in tokenizer for tests: words split on spaces, lowercased; a word listed in
 * {@code splits} breaks into the given pieces, any other word is one piece.
 */
final class FakeVocabulary implements ClmVocabulary {
    private final Map<String, List<String>> splits = new HashMap<>();
    private final List<String> tokens = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]"));
    private final Map<String, Integer> ids = new HashMap<>();

    FakeVocabulary(String... splitSpecs) {
        for (String t : tokens) {
            ids.put(t, ids.size());
        }
        for (String spec : splitSpecs) {
            List<String> pieces = Arrays.asList(spec.split(" "));
            splits.put(String.join("", pieces).replace("##", ""), pieces);
        }
    }

    @Override
    public List<String> words(String text) {
        return Arrays.asList(text.toLowerCase(Locale.ROOT).trim().split("\\s+"));
    }

    @Override
    public List<String> pieces(String word) {
        return splits.getOrDefault(word, List.of(word));
    }

    @Override
    public String token(int id) {
        return tokens.get(id);
    }

    @Override
    public int id(String token) {
        return ids.computeIfAbsent(token, t -> {
            tokens.add(t);
            return tokens.size() - 1;
        });
    }

    /** [CLS] pieces... [SEP] as ids, adding pieces as needed; words in {@code whole} stay one id. */
    int[] encode(String text, List<String> whole) {
        List<Integer> out = new ArrayList<>();
        out.add(2);
        for (String w : words(text)) {
            if (whole.contains(w)) {
                out.add(id(w));
            } else {
                for (String p : pieces(w)) {
                    out.add(id(p));
                }
            }
        }
        out.add(3);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
