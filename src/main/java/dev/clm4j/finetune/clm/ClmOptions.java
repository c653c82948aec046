package dev.clm4j.finetune.clm;

/**
 * Settings of the method (METHOD.md), each exposed as a CLI option. {@code minLayer} is the lowest
 * transformer layer whose rows may train (-1 also allows embedding rows): backward stops below it.
 */
public record ClmOptions(double density, int minLayer, boolean rowGranularity, int groups, int minCount,
                         int newTokens, boolean adaptiveTokens, boolean trainNewTokens, int calibration,
                         int microBatch, long seed) {

    public static ClmOptions defaults() {
        return new ClmOptions(0.05, 3, true, 256, 3, 128, true, false, 512, 8, 0);
    }
}
