package dev.clm4j.tensor.cuda;

import dev.clm4j.tensor.AdamWStep;
import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.Shapes;
import dev.clm4j.tensor.Tensor;

/** AdamW, dense and masked over compact index lists (adamw.cu). */
final class OptimizerOps {
    private final CudaDevice device;

    OptimizerOps(CudaDevice device) {
        this.device = device;
    }

    void adamW(Tensor p, Tensor g, Tensor m, Tensor v, AdamWStep s) {
        Shapes.require(p.size() == g.size() && m.size() == p.size() && v.size() == p.size(),
                "adamW: p %s, g %s, m %s, v %s", Shapes.str(p), Shapes.str(g), Shapes.str(m), Shapes.str(v));
        int n = p.size();
        hyperParameters(device.kernel("adamw_dense").elements(n).ptr(p).ptr(g).ptr(m).ptr(v).arg(n), s).launch();
    }

    void maskedAdamW(Tensor p, Indices paramIdx, Tensor g, Indices gradIdx, Tensor m, Tensor v, AdamWStep s) {
        int k = paramIdx.length();
        Shapes.require(m.size() == k && v.size() == k, "maskedAdamW: %d indices, m %s, v %s", k, Shapes.str(m), Shapes.str(v));
        Shapes.require(gradIdx != null ? gradIdx.length() == k : g.size() == k,
                "maskedAdamW: %d indices, gradient %s", k, Shapes.str(g));
        DeviceIndices params = device.indices(paramIdx);
        params.requireWithin(0, p.size(), "maskedAdamW", "parameter index");
        DeviceIndices grads = device.indices(gradIdx);
        if (grads != null) {
            grads.requireWithin(0, g.size(), "maskedAdamW", "gradient index");
        }
        hyperParameters(device.kernel("adamw_masked").elements(k)
                .ptr(p).ptr(params).ptr(g).ptr(grads).ptr(m).ptr(v).arg(k), s).launch();
    }

    /** The trailing parameters both kernels share: lr, beta1, beta2, eps, weightDecay, bc1, bc2. */
    private static KernelCall hyperParameters(KernelCall call, AdamWStep s) {
        return call.arg(s.lr()).arg(s.beta1()).arg(s.beta2()).arg(s.eps()).arg(s.weightDecay())
                .arg(s.biasCorrection1()).arg(s.biasCorrection2());
    }
}
