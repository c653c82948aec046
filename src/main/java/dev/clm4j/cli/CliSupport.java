package dev.clm4j.cli;

import dev.clm4j.finetune.Methods;
import dev.clm4j.finetune.TrainingMethod;
import dev.clm4j.io.AtomicFiles;
import dev.clm4j.model.ModelCard;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Backends;
import java.nio.file.Files;
import java.nio.file.Path;

/** Option values turned into objects, with bad values reported as user errors (exit status 2). */
final class CliSupport {
    private CliSupport() {
    }

    static ModelCard card(String name) {
        try {
            return ModelCard.named(name);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    static Backend backend(String name, int threads) {
        try {
            return Backends.create(name, threads);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        } catch (UnsupportedOperationException e) {
            throw new UserError("--backend " + name + ": " + e.getMessage());
        }
    }

    static TrainingMethod method(String name) {
        return method(name, dev.clm4j.finetune.clm.ClmOptions.defaults());
    }

    static dev.clm4j.nn.Pooling pooling(String name) {
        try {
            return dev.clm4j.nn.Pooling.parse(name);
        } catch (IllegalArgumentException e) {
            throw new UserError("--pooling is mean or cls, not '" + name + "'");
        }
    }

    static TrainingMethod method(String name, dev.clm4j.finetune.clm.ClmOptions options) {
        return method(name, options, dev.clm4j.finetune.LoraOptions.defaults(), dev.clm4j.finetune.LayerSelection.DEFAULT_TOP);
    }

    static TrainingMethod method(String name, dev.clm4j.finetune.clm.ClmOptions options,
                                 dev.clm4j.finetune.LoraOptions lora, int layersTop) {
        return method(name, options, lora, layersTop, dev.clm4j.finetune.PrefixTuning.DEFAULT_LENGTH);
    }

    static TrainingMethod method(String name, dev.clm4j.finetune.clm.ClmOptions options,
                                 dev.clm4j.finetune.LoraOptions lora, int layersTop, int prefixLength) {
        try {
            return Methods.byName(name, options, lora, layersTop, prefixLength);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    /**
     * Fails unless {@code path} (an option's value, may be null) can be written later: a directory
     * ({@code directory}) or a file that does not exist as the other kind, under a nearest existing
     * ancestor that is a writable directory. The messages are those of a failed write
     * (FileErrors), so a problem reads the same whether found before training or after it.
     */
    static void requireWritable(Path path, boolean directory, String option) {
        if (path == null) {
            return;
        }
        // The path itself if it exists, else the nearest ancestor that does: where the write will land.
        Path existing = AtomicFiles.nearestExisting(path);
        boolean itself = existing != null && existing.equals(path.toAbsolutePath());
        if (itself && Files.isDirectory(existing) != directory) {
            throw new UserError(path + ": " + (directory ? "is a file, not a directory" : "is a directory"));
        }
        if (existing == null || !itself && !Files.isDirectory(existing)) {
            throw new UserError((existing == null ? path : existing) + ": is a file, not a directory");
        }
        if (!Files.isWritable(existing)) {
            throw new UserError(existing + ": permission denied (" + option + ")");
        }
    }
}
