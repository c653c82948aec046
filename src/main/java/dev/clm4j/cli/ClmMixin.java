package dev.clm4j.cli;

import dev.clm4j.finetune.clm.ClmOptions;
import dev.clm4j.finetune.clm.Sensitivity;
import dev.clm4j.finetune.clm.SparseMaskSelector;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of the clm method and its ablations (METHOD.md), with its defaults. */
final class ClmMixin {
    private static final ClmOptions D = ClmOptions.defaults();

    @Option(names = "--density", description = "Share of encoder parameters that train (default 0.10).")
    double density = D.density();

    @Option(names = "--min-layer", description = "Lowest transformer layer whose rows may train; backward stops below it (default 3).")
    int minLayer = D.minLayer();

    @Option(names = "--granularity", description = "row or element (default row).")
    String granularity = "row";

    @Option(names = "--groups", description = "Token groups to find (default 256).")
    int groups = D.groups();

    @Option(names = "--min-count", description = "Examples a group must occur in (default 3).")
    int minCount = D.minCount();

    @Option(names = "--new-tokens", description = "Most new whole-word tokens to add (default 128; 0: no adaptive tokenization).")
    int newTokens = D.newTokens();

    @Option(names = "--train-new-tokens", description = "Also train the embedding rows of the new tokens.")
    boolean trainNewTokens = D.trainNewTokens();

    @Option(names = "--calib", description = "Training examples used to score parameters (default 512).")
    int calibration = D.calibration();

    @Option(names = "--calib-batch", description = "Examples per calibration micro-batch: the scores sum the squared gradient of each (default 8).")
    int microBatch = D.microBatch();

    @Option(names = "--score-stat", description = "fisher: the sum of each micro-batch's squared gradient (METHOD.md); "
            + "gradient: the squared mean gradient over all calibration examples (default fisher).")
    String scoreStatistic = D.statistic().cliName();

    @Option(names = "--calib-head", description = "probe: score with the warm-started head (METHOD.md); heldout: with a head "
            + "fitted to the training rows outside the calibration set, which has not memorised them (default probe).")
    String calibrationHead = "probe";

    @Option(names = "--score-scale", description = "mean: each matrix's scores divided by its mean (METHOD.md); "
            + "raw: squared gradient per entry, so matrices with large gradients get more rows; "
            + "share: every matrix gets exactly its share of the budget, its best rows or entries (default mean).")
    String scoreScale = D.scale().cliName();

    @Option(names = "--score-pick", description = "highest (METHOD.md); lowest, an ablation: the rows the scores rank last, "
            + "to see whether they tell rows apart; sample: rows drawn at random in proportion to their scores "
            + "(row granularity only) (default highest).")
    String scorePick = D.pick().cliName();

    @Option(names = "--score-from", paramLabel = "DIR", description = "A diagnostic, not the method: score rows by how far "
            + "the saved model in DIR (finetuned from the same base, e.g. by --method full) moved them from the pretrained "
            + "weights, instead of by calibration gradients (the lottery-ticket choice of Ansell et al. 2022).")
    Path scoresFrom;

    ClmOptions options(long seed) {
        if (!(density > 0 && density <= 1)) {
            throw new UserError("--density must be in (0, 1], got " + density);
        }
        if (minLayer < 0) {
            throw new UserError("--min-layer must be a layer index (0 or more), got " + minLayer);
        }
        if (!granularity.equals("row") && !granularity.equals("element")) {
            throw new UserError("--granularity is row or element, not '" + granularity + "'");
        }
        if (groups < 1 || minCount < 1 || newTokens < 0 || calibration < 1 || microBatch < 1) {
            throw new UserError("--groups, --min-count, --calib and --calib-batch must be positive, --new-tokens not negative");
        }
        Sensitivity.Statistic statistic;
        try {
            statistic = Sensitivity.Statistic.fromCli(scoreStatistic);
        } catch (IllegalArgumentException e) {
            throw new UserError("--score-stat is fisher or gradient, not '" + scoreStatistic + "'");
        }
        if (!calibrationHead.equals("probe") && !calibrationHead.equals("heldout")) {
            throw new UserError("--calib-head is probe or heldout, not '" + calibrationHead + "'");
        }
        SparseMaskSelector.Scale scale;
        try {
            scale = SparseMaskSelector.Scale.fromCli(scoreScale);
        } catch (IllegalArgumentException e) {
            throw new UserError("--score-scale is mean, raw or share, not '" + scoreScale + "'");
        }
        SparseMaskSelector.Pick pick;
        try {
            pick = SparseMaskSelector.Pick.fromCli(scorePick);
        } catch (IllegalArgumentException e) {
            throw new UserError("--score-pick is highest, lowest or sample, not '" + scorePick + "'");
        }
        if (pick == SparseMaskSelector.Pick.SAMPLE && !granularity.equals("row")) {
            throw new UserError("--score-pick sample needs --granularity row");
        }
        return new ClmOptions(density, minLayer, granularity.equals("row"), groups, minCount, newTokens, newTokens > 0,
                trainNewTokens, calibration, microBatch, statistic,
                calibrationHead.equals("heldout"), scale, pick, scoresFrom, seed);
    }
}
