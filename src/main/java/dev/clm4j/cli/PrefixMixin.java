package dev.clm4j.cli;

import dev.clm4j.finetune.PrefixTuning;
import picocli.CommandLine.Option;

/** Options of the prefix-tuning baseline. */
final class PrefixMixin {
    @Option(names = "--prefix-length", description = "Key/value vectors per layer with method prefix (default 16).")
    int length = PrefixTuning.DEFAULT_LENGTH;

    int length() {
        if (length < 1) {
            throw new UserError("--prefix-length must be at least 1, got " + length);
        }
        return length;
    }
}
