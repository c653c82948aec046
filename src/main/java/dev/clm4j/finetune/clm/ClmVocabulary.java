package dev.clm4j.finetune.clm;

/** What the method needs from a tokenizer besides word splitting: token strings by id. */
public interface ClmVocabulary extends WordSplitter {
    /** The vocabulary entry of an id ("##" marks a continuation piece). */
    String token(int id);

    /** The id of a vocabulary entry or added word, or -1. */
    int id(String token);
}
