package dev.clm4j.cli;

import dev.clm4j.model.Checkpoint;
import dev.clm4j.model.DeltaCheckpoint;
import dev.clm4j.model.ModelCard;
import dev.clm4j.model.Pretrained;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tokenize.BertTokenizer;
import java.nio.file.Path;

/**
 * A model directory (a full checkpoint, or a delta from the pretrained base) loaded with the tokenizer
 * it was trained with (base vocabulary plus added words).
 */
record SavedModel(Checkpoint.Loaded checkpoint, BertTokenizer tokenizer) {

    static SavedModel load(Path dir, Backend backend) {
        Checkpoint.Loaded loaded;
        ModelCard card;
        if (DeltaCheckpoint.isDelta(dir)) {
            card = CliSupport.card(DeltaCheckpoint.readConfig(dir).classifier().modelCard());
            loaded = DeltaCheckpoint.load(dir, backend, Pretrained.weights(card));
        } else {
            loaded = Checkpoint.load(dir, backend);
            card = CliSupport.card(loaded.config().modelCard());
        }
        BertTokenizer tokenizer = Pretrained.tokenizer(card);
        if (loaded.config().addedWords() != null && !loaded.config().addedWords().isEmpty()) {
            tokenizer.addWords(loaded.config().addedWords());
        }
        return new SavedModel(loaded, tokenizer);
    }
}
