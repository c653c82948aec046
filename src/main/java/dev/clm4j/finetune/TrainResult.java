package dev.clm4j.finetune;

import java.util.List;

/**
 * What training did: per-epoch history, the epoch kept, time and memory. {@code trainCpuSeconds}
 * is the CPU time the whole process used meanwhile (all threads, JIT and GC included; NaN where the
 * platform does not say): on a shared or oversubscribed machine, wall time counts other tenants'
 * work, CPU time does not, so cost ratios between methods are best taken from it.
 */
public record TrainResult(List<EpochRecord> history, int bestEpoch, double trainSeconds, double probeSeconds,
                          long trainableParams, long totalParams, long peakHeapBytes, long optimizerStateFloats,
                          double trainCpuSeconds) {

    /** The same result with a method's preparation before the trainer (clm's stages 1 and 2) counted in its time. */
    public TrainResult plusPreparation(double seconds, double cpuSeconds) {
        return new TrainResult(history, bestEpoch, trainSeconds + seconds, probeSeconds, trainableParams, totalParams,
                peakHeapBytes, optimizerStateFloats, trainCpuSeconds + cpuSeconds);
    }

    /** One epoch: mean training loss and validation accuracy (NaN without validation data). */
    public record EpochRecord(int epoch, double trainLoss, double valAccuracy, double seconds) {
    }
}
