package dev.clm4j.finetune.clm;

import java.util.List;

/**
 * The two halves of a BERT tokenizer that the method looks at: basic tokenization into words, and
 * the WordPiece split of one word (without added whole-word tokens, so that multi-piece words show).
 */
public interface WordSplitter {
    List<String> words(String text);

    List<String> pieces(String word);

    /** The piece that stands for an unknown word. */
    default String unknownPiece() {
        return "[UNK]";
    }
}
