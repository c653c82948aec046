package dev.clm4j.finetune;

/**
 * How to train. The encoder and the head have their own learning rates (the head starts from a
 * linear probe and needs a larger rate than pretrained weights). Schedule: linear warmup over
 * {@code warmupFraction} of the steps, then linear decay to zero.
 */
public record TrainConfig(int epochs, int batchSize, double encoderLr, double headLr, int maxLen, long seed,
                          double warmupFraction, double clipNorm, double weightDecay, int patience,
                          boolean probeWarmStart, int probeEpochs, double probeLr, double valFraction) {

    public static TrainConfig defaults() {
        return new TrainConfig(3, 32, 5e-5, 1e-3, 64, 0, 0.1, 1.0, 0.01, 0, true, 30, 1e-2, 0.1);
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(e, batchSize, encoderLr, headLr, maxLen, seed, warmupFraction, clipNorm, weightDecay,
                patience, probeWarmStart, probeEpochs, probeLr, valFraction);
    }

    public TrainConfig withEncoderLr(double lr) {
        return new TrainConfig(epochs, batchSize, lr, headLr, maxLen, seed, warmupFraction, clipNorm, weightDecay,
                patience, probeWarmStart, probeEpochs, probeLr, valFraction);
    }
}
