package dev.clm4j.cli;

import dev.clm4j.model.Checkpoint;
import dev.clm4j.model.ModelCard;
import dev.clm4j.model.Pretrained;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tokenize.BertTokenizer;
import java.nio.file.Path;

/** A model directory loaded with the tokenizer it was trained with (base vocabulary plus added words). */
record SavedModel(Checkpoint.Loaded checkpoint, BertTokenizer tokenizer) {

    static SavedModel load(Path dir, Backend backend) {
        Checkpoint.Loaded loaded = Checkpoint.load(dir, backend);
        ModelCard card = CliSupport.card(loaded.config().modelCard());
        BertTokenizer tokenizer = Pretrained.tokenizer(card);
        if (loaded.config().addedWords() != null && !loaded.config().addedWords().isEmpty()) {
            tokenizer.addWords(loaded.config().addedWords());
        }
        return new SavedModel(loaded, tokenizer);
    }
}
