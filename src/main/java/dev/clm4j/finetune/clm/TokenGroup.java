package dev.clm4j.finetune.clm;

import java.util.List;

/**
 * A task-specific token construct: a word (its WordPiece pieces) or a pair of adjacent words,
 * with how many training examples hold it, its label-association score, and the label it points to.
 */
public record TokenGroup(String text, List<String> pieces, boolean pair, int documentFrequency, double chiSquare,
                         double score, String bestLabel) {

    /** A single word that WordPiece splits into two or more pieces: a candidate new token. */
    public boolean multiPieceWord() {
        return !pair && pieces.size() >= 2;
    }
}
