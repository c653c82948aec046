package dev.clm4j.autograd;

import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Checks backward against central finite differences. The function under test builds a graph
 * from its inputs; the check reduces the output to L = sum(out * R) with a fixed random R (so
 * every output entry matters with a different weight), computes dL/dinput by backward, and
 * compares it, entry by entry, with (L(x + eps) - L(x - eps)) / (2 eps), where L is summed in
 * double. Inputs must be host tensors (the reference backend): entries are perturbed in place.
 * Inputs with selected gradient rows are compared on those rows only.
 */
public final class GradCheck {

    /** The worst disagreement found. */
    public record Result(double maxAbsError, double maxRelError, String worst, int checked) {
    }

    private final Backend backend;
    private final double eps;
    private final double atol;
    private final double rtol;
    private final int maxEntriesPerInput;
    private final SplittableRandom rng;

    public GradCheck(Backend backend, double eps, double atol, double rtol, int maxEntriesPerInput, long seed) {
        this.backend = backend;
        this.eps = eps;
        this.atol = atol;
        this.rtol = rtol;
        this.maxEntriesPerInput = maxEntriesPerInput;
        this.rng = new SplittableRandom(seed);
    }

    /** Throws AssertionError naming the entry when an analytic gradient is out of tolerance. */
    public Result check(Function<Ops, Var> f, List<? extends Var> inputs) {
        Tensor probe = randomLike(f.apply(Ops.inference(backend)).value());
        for (Var v : inputs) {
            v.clearGrad();
        }
        Tape tape = new Tape();
        Ops ops = new Ops(backend, tape);
        Var out = f.apply(ops);
        tape.backward(backend, ops.weightedSum(out, probe));

        double maxAbs = 0;
        double maxRel = 0;
        String worst = "none";
        int checked = 0;
        for (int idx = 0; idx < inputs.size(); idx++) {
            Var v = inputs.get(idx);
            float[] x = v.value().data();
            float[] g = v.grad() == null ? new float[0] : backend.download(v.grad());
            GradRows rows = v.gradRows();
            int cols = v.value().rank() <= 1 ? 1 : v.value().cols();
            for (int e : entriesToCheck(v, rows, cols)) {
                float saved = x[e];
                x[e] = (float) (saved + eps);
                double plus = loss(f, probe);
                x[e] = (float) (saved - eps);
                double minus = loss(f, probe);
                x[e] = saved;
                // The perturbation actually applied, after rounding to float32.
                double h = ((double) (float) (saved + eps) - (double) (float) (saved - eps));
                double numeric = (plus - minus) / h;
                double analytic = analyticAt(g, e, rows, cols);
                double abs = Math.abs(analytic - numeric);
                double rel = abs / Math.max(1e-12, Math.max(Math.abs(analytic), Math.abs(numeric)));
                checked++;
                if (abs > maxAbs) {
                    maxAbs = abs;
                    worst = "input " + idx + " entry " + e + ": analytic " + analytic + ", numeric " + numeric;
                }
                if (abs > atol) {
                    maxRel = Math.max(maxRel, rel);
                }
                if (abs > atol + rtol * Math.max(Math.abs(analytic), Math.abs(numeric))) {
                    throw new AssertionError("gradient mismatch at input " + idx + " entry " + e + ": analytic "
                            + analytic + ", numeric " + numeric + " (eps " + eps + ", atol " + atol + ", rtol " + rtol + ")");
                }
            }
        }
        return new Result(maxAbs, maxRel, worst, checked);
    }

    private double loss(Function<Ops, Var> f, Tensor probe) {
        return backend.dot(f.apply(Ops.inference(backend)).value(), probe);
    }

    private static double analyticAt(float[] g, int flat, GradRows rows, int cols) {
        if (g.length == 0) {
            return 0;
        }
        if (rows == null) {
            return g[flat];
        }
        int pos = rows.rowMap().get(flat / cols);
        return pos < 0 ? 0 : g[pos * cols + flat % cols];
    }

    private List<Integer> entriesToCheck(Var v, GradRows rows, int cols) {
        List<Integer> all = new ArrayList<>();
        if (rows == null) {
            for (int i = 0; i < v.value().size(); i++) {
                all.add(i);
            }
        } else {
            for (int r : rows.rows().array()) {
                for (int j = 0; j < cols; j++) {
                    all.add(r * cols + j);
                }
            }
        }
        // A seeded sample keeps large inputs cheap while covering every region over repeated tests.
        while (all.size() > maxEntriesPerInput) {
            all.remove(rng.nextInt(all.size()));
        }
        return all;
    }

    private Tensor randomLike(Tensor t) {
        float[] r = new float[t.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return backend.upload(r, t.shape());
    }
}
