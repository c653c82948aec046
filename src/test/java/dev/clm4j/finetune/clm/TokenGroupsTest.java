package dev.clm4j.finetune.clm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenGroupsTest {
    private final FakeVocabulary vocab = new FakeVocabulary("over ##dra ##ft", "top");

    /** Class 0 texts mention "overdraft" or "top up", class 1 texts mention "refund"; all share filler. */
    private List<String> texts(int[] labels, SplittableRandom rng) {
        String[] filler = {"the", "my", "please", "i", "want", "a", "to", "is", "why"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < 6; w++) {
                sb.append(filler[rng.nextInt(filler.length)]).append(' ');
            }
            if (labels[i] == 0) {
                sb.append(i % 2 == 0 ? "overdraft fee" : "top up now");
            } else {
                sb.append("refund , ! please");
            }
            out.add(sb.toString());
        }
        return out;
    }

    @Test
    void findsTellingWordsAndPairsNotFillerOrPunctuation() {
        SplittableRandom rng = new SplittableRandom(1);
        int[] labels = new int[200];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 3 == 0 ? 1 : 0;
        }
        List<TokenGroup> groups = new TokenGroupFinder(vocab, 3, 20).find(texts(labels, rng), labels, List.of("a", "b"));
        List<String> names = groups.stream().map(TokenGroup::text).toList();
        assertTrue(names.contains("refund"), names.toString());
        assertTrue(names.contains("overdraft"), names.toString());
        assertTrue(names.contains("top up"), names.toString());
        assertFalse(names.contains(","), names.toString());
        assertFalse(names.contains("the"), names.toString());
        TokenGroup overdraft = groups.stream().filter(g -> g.text().equals("overdraft")).findFirst().orElseThrow();
        assertTrue(overdraft.multiPieceWord());
        assertEquals(List.of("over", "##dra", "##ft"), overdraft.pieces());
        assertEquals("a", overdraft.bestLabel());
    }

    @Test
    void chiSquareOfIndependentFeatureIsZero() {
        assertEquals(0.0, TokenGroupFinder.chiSquare(new int[] {5, 5}, new int[] {10, 10}, 20, 10), 1e-12);
        assertTrue(TokenGroupFinder.chiSquare(new int[] {10, 0}, new int[] {10, 10}, 20, 10) > 19.9);
    }

    @Test
    void marksPositionsOfGroupWordsPairsAndNewTokens() {
        List<TokenGroup> groups = List.of(
                new TokenGroup("overdraft", List.of("over", "##dra", "##ft"), false, 5, 1, 1, "a"),
                new TokenGroup("top up", List.of("top", "up"), true, 5, 1, 1, "a"));
        GroupPositions positions = new GroupPositions(vocab, groups);
        // [CLS] my over ##dra ##ft top up top [SEP]
        int[] ids = vocab.encode("my overdraft top up top", List.of());
        assertArrayEquals(new int[] {0, 2, 3, 4, 5, 6}, positions.kept(ids));
        // With "overdraft" added as a whole word: [CLS] my overdraft up [SEP]
        int[] withNew = vocab.encode("my overdraft up", List.of("overdraft"));
        assertArrayEquals(new int[] {0, 2}, positions.kept(withNew));
    }
}
