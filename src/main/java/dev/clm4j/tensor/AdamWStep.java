package dev.clm4j.tensor;

/**
 * Hyper-parameters of one AdamW step (decoupled weight decay, Loshchilov and Hutter). {@code t} is
 * the 1-based step number used for bias correction.
 */
public record AdamWStep(float lr, float beta1, float beta2, float eps, float weightDecay, int t) {
    public AdamWStep {
        if (t < 1) {
            throw new IllegalArgumentException("AdamW step number starts at 1, got " + t);
        }
    }

    public float biasCorrection1() {
        return (float) (1.0 - Math.pow(beta1, t));
    }

    public float biasCorrection2() {
        return (float) (1.0 - Math.pow(beta2, t));
    }
}
