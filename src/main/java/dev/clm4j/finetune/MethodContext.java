package dev.clm4j.finetune;

import dev.clm4j.tensor.Backend;
import java.io.PrintStream;
import java.util.List;

/** What a method may look at to decide what trains: the training data, the settings, the backend. */
public record MethodContext(Backend backend, List<TokenizedExample> train, TrainConfig config, int padId, PrintStream log) {
}
