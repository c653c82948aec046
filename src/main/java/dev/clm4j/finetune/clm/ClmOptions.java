package dev.clm4j.finetune.clm;

import java.nio.file.Path;

/**
 * Settings of the method (METHOD.md), each exposed as a CLI option. {@code minLayer} is the lowest
 * transformer layer whose rows may train: backward stops below it.
 *
 * <p>Density 10% rather than METHOD.md's 5%: on CLINC150's validation set (benchmarks/results/tuning.md)
 * 10% gained 0.3 points and most of the out-of-scope recall full finetuning has, at the same step
 * cost (the row gradients and the optimizer state grow with the mask, the passes through the layers,
 * which dominate, do not). Layers 3 and up: layer 2 too was worse there and costs a sixth more.
 *
 * <p>{@code statistic}: what the scores measure of the calibration gradients ({@link Sensitivity.Statistic}).
 *
 * <p>{@code heldOutHead}: score with a head fitted to the training rows outside the calibration set
 * ({@link HeldOutHead}) instead of the warm-started head, which has memorised them.
 *
 * <p>{@code pick}: which rows the scores select ({@link SparseMaskSelector.Pick}); anything but
 * {@code HIGHEST} is an experiment, not the method.
 *
 * <p>{@code scoresFrom}: a saved model finetuned from the same base; when set, the scores are its
 * squared movement from the pretrained weights ({@link MovementScores}), a diagnostic, not the method.
 */
public record ClmOptions(double density, int minLayer, boolean rowGranularity, int groups, int minCount,
                         int newTokens, boolean adaptiveTokens, boolean trainNewTokens, int calibration,
                         int microBatch, Sensitivity.Statistic statistic, boolean heldOutHead, SparseMaskSelector.Scale scale,
                         SparseMaskSelector.Pick pick, Path scoresFrom, long seed) {

    public static ClmOptions defaults() {
        return new ClmOptions(0.10, 3, true, 256, 3, 128, true, false, 512, 8, Sensitivity.Statistic.FISHER, false,
                SparseMaskSelector.Scale.MATRIX_MEAN, SparseMaskSelector.Pick.HIGHEST, null, 0);
    }
}
