package dev.clm4j.finetune;

/** Token ids of one text ([CLS] ... [SEP], truncated to the max length) and its label id. */
public record TokenizedExample(int[] ids, int label, boolean truncated) {
}
