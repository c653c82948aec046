package dev.clm4j.cli;

import dev.clm4j.finetune.LoraOptions;
import picocli.CommandLine.Option;

/** Options of the lora baseline, with its defaults (METHOD.md: rank 8, alpha 16, query and value). */
final class LoraMixin {
    private static final LoraOptions D = LoraOptions.defaults();

    @Option(names = "--lora-rank", description = "LoRA adapter rank r (default 8).")
    int rank = D.rank();

    @Option(names = "--lora-alpha", description = "LoRA alpha; the adapter's output is scaled by alpha / r (default 16).")
    double alpha = D.alpha();

    @Option(names = "--lora-targets", description = "qv (query and value of every layer) or all (every linear) (default qv).")
    String targets = "qv";

    @Option(names = "--lora-dropout", description = "Dropout on the adapters' input while training (default 0.0, PEFT's default).")
    double dropout = D.dropout();

    LoraOptions options() {
        LoraOptions.Targets t;
        try {
            t = LoraOptions.Targets.parse(targets);
        } catch (IllegalArgumentException e) {
            throw new UserError("--lora-targets is qv or all, not '" + targets + "'");
        }
        if (rank < 1 || !(alpha > 0) || !(dropout >= 0 && dropout < 1)) {
            throw new UserError("need --lora-rank >= 1, --lora-alpha > 0, 0 <= --lora-dropout < 1");
        }
        return new LoraOptions(rank, alpha, t, dropout);
    }
}
