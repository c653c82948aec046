package dev.clm4j.finetune;

import dev.clm4j.tokenize.BertTokenizer;

/** Text to token ids for training and inference, noting whether the max length cut it. */
public final class TextEncoding {
    private TextEncoding() {
    }

    public static TokenizedExample encode(BertTokenizer tokenizer, String text, int label, int maxLen) {
        int[] ids = tokenizer.encode(text, maxLen + 1);
        boolean truncated = ids.length > maxLen;
        return new TokenizedExample(truncated ? tokenizer.encode(text, maxLen) : ids, label, truncated);
    }
}
