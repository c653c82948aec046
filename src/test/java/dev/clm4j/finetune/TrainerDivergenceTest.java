package dev.clm4j.finetune;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.io.InputError;
import dev.clm4j.model.Classifier;
import dev.clm4j.nn.Pooling;
import dev.clm4j.nn.TinyModels;
import dev.clm4j.tensor.ReferenceBackend;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run whose loss stops being a number ends with an error instead of going on to save a model of NaNs. */
class TrainerDivergenceTest {
    @Test
    void aNonFiniteLossStopsTraining() {
        ReferenceBackend b = new ReferenceBackend();
        Classifier model = TinyModels.tinyClassifier(b, 1, 3, Pooling.MEAN, 5);
        TrainConfig config = new TrainConfig(3, 8, 1e38, 1e38, 16, 7, 0.0, 1.0, 0.01, 0, false, 3, 1e-2, 0.0);
        List<TokenizedExample> all = BaselineData.keywords(3, 24);
        Trainer trainer = new Trainer(b, config, 0, new PrintStream(OutputStream.nullOutputStream()));
        InputError e = assertThrows(InputError.class, () -> trainer.fit(model, new FullFinetuning(), all, List.of()));
        assertTrue(e.getMessage().startsWith("training diverged: the loss is "), e.getMessage());
        assertTrue(e.getMessage().contains("--lr"), e.getMessage());
    }
}
