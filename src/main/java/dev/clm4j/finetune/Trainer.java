package dev.clm4j.finetune;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Tape;
import dev.clm4j.autograd.Var;
import dev.clm4j.io.InputError;
import dev.clm4j.model.Classifier;
import dev.clm4j.nn.AdamW;
import dev.clm4j.nn.Parameter;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Tensor;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The training loop shared by every method: linear-probe warm start of the head, shuffled
 * length-bucketed mini-batches with a fixed seed, AdamW with linear warmup and decay and separate
 * head and encoder rates, global gradient-norm clipping, validation each epoch, keeping the best
 * epoch, optional early stopping. Same seed and backend give the same result.
 */
public final class Trainer {
    private final Backend backend;
    private final TrainConfig config;
    private final int padId;
    private final PrintStream log;

    public Trainer(Backend backend, TrainConfig config, int padId, PrintStream log) {
        this.backend = backend;
        this.config = config;
        this.padId = padId;
        this.log = log;
    }

    public TrainResult fit(Classifier model, TrainingMethod method, List<TokenizedExample> train,
                           List<TokenizedExample> validation) {
        PeakMemory.reset();
        long start = System.nanoTime();
        double cpuStart = ProcessCpu.seconds();
        model.parameters().forEach(Parameter::freeze);
        MethodContext context = new MethodContext(backend, train, config, padId, log);
        method.prepare(model, context);

        // Layers the method will leave frozen are computed once, before the probe, which then
        // starts from them too: one pass over the frozen layers instead of two.
        FrozenPrefixCache early = null;
        int hint = method.frozenLayersHint(model);
        if (hint > 0) {
            early = buildCache(model, train, hint);
        }
        double probeSeconds = 0;
        float[] probeFeatures = null;
        if (config.probeWarmStart()) {
            long t0 = System.nanoTime();
            probeFeatures = warmStartHead(model, train, early);
            probeSeconds = (System.nanoTime() - t0) / 1e9;
        }

        // The method's choice (clm's sensitivity pass) may start from the frozen layers' cache too,
        // and may fit heads of its own to the probe's features; they are dropped after it.
        MethodContext choice = context.withProbeFeatures(probeFeatures);
        method.configure(model, early == null ? choice : choice.withTrainLogits(early.batchLogits(backend)));
        probeFeatures = null;
        List<Parameter> headParams = model.head().parameters();
        headParams.forEach(Parameter::trainAll);
        Set<Parameter> head = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        head.addAll(headParams);
        List<Parameter> trainable = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            if (p.trainable()) {
                trainable.add(p);
            }
        }

        FrozenPrefixCache cache = null;
        int lowest = model.encoder().lowestTrainableLayer();
        if (early != null && early.layer() == lowest) {
            cache = early;
        } else if (lowest > 0) {
            cache = buildCache(model, train, lowest);
        }
        early = null;
        // The validation set's frozen layers are computed once too, not in every epoch's pass.
        FrozenPrefixCache validationCache = cache == null || validation.isEmpty() ? null
                : FrozenPrefixCache.build(backend, model, validation, cache.layer(), Math.max(64, config.batchSize()), padId);
        AdamW opt = AdamW.standard(backend, (float) config.weightDecay());
        int batchesPerEpoch = (train.size() + config.batchSize() - 1) / config.batchSize();
        long totalSteps = (long) batchesPerEpoch * config.epochs();
        long warmup = Math.round(totalSteps * config.warmupFraction());
        List<TrainResult.EpochRecord> history = new ArrayList<>();
        Map<Parameter, float[]> best = null;
        double bestAcc = Double.NEGATIVE_INFINITY;
        int bestEpoch = config.epochs();
        int sinceBest = 0;
        long step = 0;
        Evaluator evaluator = new Evaluator(backend, Math.max(64, config.batchSize()), padId);
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            long t0 = System.nanoTime();
            double lossSum = 0;
            int lossCount = 0;
            try (Progress progress = Progress.start("epoch " + epoch + "/" + config.epochs(), train.size(), "ex", log)) {
                for (int[] rows : BatchPlan.training(train, config.batchSize(), config.seed(), epoch, 50)) {
                    step++;
                    TokenBatch batch = TokenBatch.of(backend, train, rows, padId);
                    Tape tape = new Tape();
                    // Backward reuses the memory of what it has consumed; the step reads no
                    // intermediate after backward, and gives everything back after the update.
                    Ops ops = new Ops(backend, tape).recycling();
                    Var logits = FrozenPrefixCache.logits(backend, ops, model, batch, cache);
                    Var loss = ops.crossEntropy(logits, batch.labels());
                    double l = backend.download(loss.value())[0];
                    if (!Double.isFinite(l)) {
                        // A diverged run would go on to save, and serve, a model of NaNs.
                        throw new InputError(String.format("training diverged: the loss is %s at epoch %d, step %d "
                                + "(try a lower --lr or --head-lr)", l, epoch, step));
                    }
                    lossSum += l;
                    lossCount++;
                    tape.backward(backend, loss);
                    clipGradients(trainable);
                    double factor = schedule(step, warmup, totalSteps);
                    opt.step(trainable, p -> (head.contains(p) ? config.headLr() : config.encoderLr()) * factor);
                    ops.releaseAll();
                    progress.step(rows.length, String.format("loss %.4f", lossSum / lossCount));
                }
            }
            double valAcc = Double.NaN;
            if (!validation.isEmpty()) {
                valAcc = accuracy(evaluator.predict(model, validation, validationCache), validation);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            history.add(new TrainResult.EpochRecord(epoch, lossSum / Math.max(1, lossCount), valAcc, secs));
            log.printf("epoch %d: train loss %.4f%s, %.1fs%n", epoch, lossSum / Math.max(1, lossCount),
                    Double.isNaN(valAcc) ? "" : String.format(", validation accuracy %.4f", valAcc), secs);
            if (!Double.isNaN(valAcc)) {
                if (valAcc > bestAcc) {
                    bestAcc = valAcc;
                    bestEpoch = epoch;
                    best = snapshot(trainable);
                    sinceBest = 0;
                } else if (config.patience() > 0 && ++sinceBest >= config.patience()) {
                    log.printf("early stop: no validation gain for %d epochs%n", config.patience());
                    break;
                }
            }
        }
        if (best != null && bestEpoch != history.size()) {
            restore(best);
            log.printf("kept epoch %d (validation accuracy %.4f)%n", bestEpoch, bestAcc);
        }
        long trainableCount = 0;
        long total = 0;
        for (Parameter p : model.parameters()) {
            trainableCount += p.trainableCount();
            total += p.value().size();
        }
        // Counted before finish: a method's trainable parameters are those that trained (LoRA's
        // adapters, which finish merges away), and the total includes them, as PEFT reports it.
        method.finish(model, context);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = ProcessCpu.seconds() - cpuStart;
        return new TrainResult(history, bestEpoch, seconds, probeSeconds, trainableCount, total, PeakMemory.peakBytes(),
                opt.stateSize(), cpuSeconds);
    }

    /** Linear warmup to 1, then linear decay to 0 at the last step. */
    static double schedule(long step, long warmup, long total) {
        if (warmup > 0 && step <= warmup) {
            return (double) step / warmup;
        }
        return Math.max(0.0, (double) (total - step + 1) / Math.max(1, total - warmup));
    }

    private FrozenPrefixCache buildCache(Classifier model, List<TokenizedExample> train, int layer) {
        long t0 = System.nanoTime();
        FrozenPrefixCache cache = FrozenPrefixCache.build(backend, model, train, layer, Math.max(64, config.batchSize()), padId);
        log.printf("layers below %d are frozen: their output is computed once (%d floats, %.1fs)%n", layer,
                cache.floats(), (System.nanoTime() - t0) / 1e9);
        return cache;
    }

    /** Fits the head to the frozen encoder's features of the training rows; returns those features. */
    private float[] warmStartHead(Classifier model, List<TokenizedExample> train, FrozenPrefixCache cache) {
        LinearProbe probe = new LinearProbe(backend, Math.max(64, config.batchSize()), padId);
        float[] features;
        try (Progress p = Progress.start("probe features", train.size(), "ex", log)) {
            features = probe.features(model, train, p, cache);
        }
        int[] labels = train.stream().mapToInt(TokenizedExample::label).toArray();
        double loss = probe.fit(model, features, labels, config.probeEpochs(), config.probeLr(), config.seed());
        log.printf("linear probe: %d epochs on frozen features, final loss %.4f%n", config.probeEpochs(), loss);
        return features;
    }

    private void clipGradients(List<Parameter> params) {
        if (config.clipNorm() <= 0) {
            return;
        }
        double sq = 0;
        for (Parameter p : params) {
            if (p.grad() != null) {
                sq += backend.sumSquares(p.grad());
            }
        }
        double norm = Math.sqrt(sq);
        if (norm > config.clipNorm()) {
            float s = (float) (config.clipNorm() / (norm + 1e-6));
            for (Parameter p : params) {
                if (p.grad() != null) {
                    backend.scaleInPlace(p.grad(), s);
                }
            }
        }
    }

    private Map<Parameter, float[]> snapshot(List<Parameter> params) {
        Map<Parameter, float[]> copy = new IdentityHashMap<>();
        for (Parameter p : params) {
            copy.put(p, backend.download(p.value()));
        }
        return copy;
    }

    private void restore(Map<Parameter, float[]> saved) {
        for (Map.Entry<Parameter, float[]> e : saved.entrySet()) {
            Tensor t = e.getKey().value();
            backend.write(t, e.getValue());
        }
    }

    private static double accuracy(Predictions p, List<TokenizedExample> gold) {
        int correct = 0;
        for (int i = 0; i < gold.size(); i++) {
            correct += p.labels()[i] == gold.get(i).label() ? 1 : 0;
        }
        return gold.isEmpty() ? Double.NaN : (double) correct / gold.size();
    }
}
