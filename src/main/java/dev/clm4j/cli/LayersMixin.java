package dev.clm4j.cli;

import dev.clm4j.finetune.LayerSelection;
import picocli.CommandLine.Option;

/** Options of the layers baseline (layer selection). */
final class LayersMixin {
    @Option(names = "--layers-top", description = "Top transformer layers that train with method layers (default 2).")
    int top = LayerSelection.DEFAULT_TOP;

    int top() {
        if (top < 1) {
            throw new UserError("--layers-top must be at least 1, got " + top);
        }
        return top;
    }
}
