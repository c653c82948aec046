package dev.clm4j.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BertTokenizerTest {
    @TempDir
    Path dir;

    private BertTokenizer tiny() throws IOException {
        Path vocab = dir.resolve("vocab.txt");
        Files.write(vocab, List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "unaff",
                "over", "##dra", "##ft", "fee", ",", "!", "a", "##b", "##c"));
        return BertTokenizer.fromVocabTxt(vocab, true);
    }

    private static List<String> tokens(BertTokenizer t, int[] ids) {
        return java.util.Arrays.stream(ids).mapToObj(t::token).toList();
    }

    @Test
    void greedyLongestMatchFirst() throws IOException {
        BertTokenizer t = tiny();
        // "unaff" is the longest prefix of "unaffable", then "##able".
        assertEquals(List.of("unaff", "##able"), t.wordPieces("unaffable"));
        assertEquals(List.of("over", "##dra", "##ft"), t.wordPieces("overdraft"));
        assertEquals(List.of("a", "##b", "##c"), t.wordPieces("abc"));
    }

    @Test
    void unknownWordIsOneUnkToken() throws IOException {
        BertTokenizer t = tiny();
        assertEquals(List.of("[UNK]"), t.wordPieces("abx"));
        assertEquals(List.of("[UNK]"), t.wordPieces("a".repeat(101)));
        assertEquals(List.of("[CLS]", "over", "##dra", "##ft", "[UNK]", ",", "fee", "!", "[SEP]"),
                tokens(t, t.encode("Overdraft zzz, FEE!", 64)));
    }

    @Test
    void truncationKeepsSpecialTokens() throws IOException {
        BertTokenizer t = tiny();
        assertEquals(List.of("[CLS]", "over", "##dra", "[SEP]"), tokens(t, t.encode("overdraft fee", 4)));
        assertEquals(List.of("[CLS]", "[SEP]"), tokens(t, t.encode("", 8)));
    }

    @Test
    void batchIsPaddedWithMaskAndTruncationFlags() throws IOException {
        BertTokenizer t = tiny();
        BertTokenizer.Batch b = t.encodeBatch(List.of("fee", "overdraft fee fee"), 5);
        assertEquals(2, b.batch());
        assertEquals(5, b.seqLen());
        assertArrayEquals(new float[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, b.mask());
        assertEquals(t.padId(), b.ids()[3]);
        assertFalse(b.truncated()[0]);
        assertTrue(b.truncated()[1]);
    }

    @Test
    void addedWordsMatchWholeWordsBeforeWordPiece() throws IOException {
        BertTokenizer t = tiny();
        int before = t.vocabSize();
        t.addWords(List.of("overdraft"));
        assertEquals(before + 1, t.vocabSize());
        assertEquals(before, t.id("overdraft"));
        assertEquals(List.of("[CLS]", "overdraft", "fee", "[SEP]"), tokens(t, t.encode("OVERDRAFT fee", 16)));
        // WordPiece itself is unchanged, so the pieces of the new word are still known.
        assertEquals(List.of("over", "##dra", "##ft"), t.wordPieces("overdraft"));
        assertEquals(List.of("overdraft"), t.addedWords());
        assertThrows(IllegalArgumentException.class, () -> t.addWords(List.of("fee")));
        assertThrows(IllegalArgumentException.class, () -> t.addWords(List.of("two words")));
    }

    @Test
    void nastyInputDoesNotCrash() {
        BertTokenizer t = BertTokenizer.fromResource("all-minilm-l6-v2-tokenizer.json");
        for (String s : List.of("\uD800 lone surrogate \uDC00", "\u0000\u0000", "😀".repeat(200), " ".repeat(1000))) {
            int[] ids = t.encode(s, 32);
            assertTrue(ids.length >= 2 && ids.length <= 32);
        }
    }
}
