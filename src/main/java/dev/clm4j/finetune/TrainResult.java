package dev.clm4j.finetune;

import java.util.List;

/** What training did: per-epoch history, the epoch kept, time and memory. */
public record TrainResult(List<EpochRecord> history, int bestEpoch, double trainSeconds, double probeSeconds,
                          long trainableParams, long totalParams, long peakHeapBytes, long optimizerStateFloats) {

    /** One epoch: mean training loss and validation accuracy (NaN without validation data). */
    public record EpochRecord(int epoch, double trainLoss, double valAccuracy, double seconds) {
    }
}
