package dev.clm4j.finetune;

import dev.clm4j.finetune.clm.ClmMethod;
import dev.clm4j.finetune.clm.ClmOptions;
import java.util.List;

/** The finetuning methods by CLI name. */
public final class Methods {
    public static final List<String> NAMES = List.of("clm", "full", "head", "lora", "layers", "prefix",
            "random-sparse", "fisher-sparse");

    private Methods() {
    }

    /** The method of that name; an unknown name is an IllegalArgumentException listing the known ones. */
    public static TrainingMethod byName(String name, ClmOptions clm) {
        return byName(name, clm, LoraOptions.defaults(), LayerSelection.DEFAULT_TOP);
    }

    /** As {@link #byName(String, ClmOptions)}, with the options of lora and of layers (its top layer count). */
    public static TrainingMethod byName(String name, ClmOptions clm, LoraOptions lora, int layersTop) {
        return byName(name, clm, lora, layersTop, PrefixTuning.DEFAULT_LENGTH);
    }

    /** With the prefix length of prefix tuning too. */
    public static TrainingMethod byName(String name, ClmOptions clm, LoraOptions lora, int layersTop, int prefixLength) {
        switch (name) {
            case "full":
                return new FullFinetuning();
            case "head":
                return new HeadOnly();
            case "lora":
                return new LoraMethod(lora);
            case "layers":
                return new LayerSelection(layersTop);
            case "prefix":
                return new PrefixTuning(prefixLength);
            case "clm":
                return new ClmMethod(ClmMethod.Selection.TOKEN_DRIVEN, clm);
            case "fisher-sparse":
                return new ClmMethod(ClmMethod.Selection.FISHER, clm);
            case "random-sparse":
                return new ClmMethod(ClmMethod.Selection.RANDOM, clm);
            default:
                throw new IllegalArgumentException("unknown method '" + name + "'; known methods: " + String.join(", ", NAMES));
        }
    }

    public static TrainingMethod byName(String name) {
        return byName(name, ClmOptions.defaults());
    }
}
