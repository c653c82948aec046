package dev.clm4j.finetune;

import java.util.Locale;

/**
 * Settings of the LoRA baseline (METHOD.md: rank 8, alpha 16, query and value of every layer).
 *
 * <p>Dropout defaults to 0.0, PEFT's own {@code LoraConfig} default. PEFT's classification
 * examples often pass 0.1, but every other method in this harness trains without dropout (the
 * engine's encoder has none), so adding it to LoRA alone would confound the comparison; with a
 * probe-warm-started head and a few epochs it regularises little. {@code --lora-dropout 0.1} is
 * there for those who want the other recipe.
 */
public record LoraOptions(int rank, double alpha, Targets targets, double dropout) {

    /** Which linears of each layer get an adapter. */
    public enum Targets {
        /** attention.self.query and attention.self.value (Hu et al.'s and PEFT's BERT default). */
        QV,
        /** query, key, value, attention.output.dense, intermediate.dense, output.dense. */
        ALL;

        public static Targets parse(String s) {
            switch (s.toLowerCase(Locale.ROOT)) {
                case "qv":
                    return QV;
                case "all":
                    return ALL;
                default:
                    throw new IllegalArgumentException("LoRA targets are qv or all, not '" + s + "'");
            }
        }
    }

    public LoraOptions {
        if (rank < 1) {
            throw new IllegalArgumentException("LoRA rank must be at least 1, got " + rank);
        }
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("LoRA alpha must be positive, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
        }
        if (targets == null) {
            throw new IllegalArgumentException("LoRA targets are qv or all");
        }
    }

    public static LoraOptions defaults() {
        return new LoraOptions(8, 16, Targets.QV, 0.0);
    }
}
