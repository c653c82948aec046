package dev.clm4j.experiment;

/** One run of an experiment: a dataset, a data setting, a method and a seed. */
public record RunSpec(Dataset dataset, Setting setting, MethodSpec method, long seed) {

    /** The run's name, also its result file's name without {@code .json}: {@code banking77.k10.clm.seed0}. */
    public String id() {
        return dataset.name() + "." + setting.id() + "." + method.label() + ".seed" + seed;
    }

    /** For progress lines. */
    public String describe() {
        return dataset.name() + ", " + setting.describe() + ", " + method.label() + ", seed " + seed;
    }
}
