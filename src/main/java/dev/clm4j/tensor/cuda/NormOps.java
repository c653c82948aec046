package dev.clm4j.tensor.cuda;

import dev.clm4j.tensor.LayerNormResult;
import dev.clm4j.tensor.Shapes;
import dev.clm4j.tensor.Tensor;

/** LayerNorm (layernorm.cu) and row softmax (softmax.cu), forward and backward. */
final class NormOps {
    private final CudaDevice device;
    private final ColumnSums columnSums;

    NormOps(CudaDevice device, ColumnSums columnSums) {
        this.device = device;
        this.columnSums = columnSums;
    }

    LayerNormResult layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int n = x.rows();
        int d = x.cols();
        Shapes.require(gamma.size() == d && beta.size() == d, "layerNorm: x %s, gamma %s, beta %s",
                Shapes.str(x), Shapes.str(gamma), Shapes.str(beta));
        Tensor y = device.empty(x.shape());
        Tensor mean = device.empty(n);
        Tensor rstd = device.empty(n);
        device.kernel("layer_norm_forward").grid(n, 1, 1).block(CudaDevice.rowBlock(d, 128), 1, 1)
                .ptr(y).ptr(mean).ptr(rstd).ptr(x).ptr(gamma).ptr(beta).arg(d).arg(eps).launch();
        return new LayerNormResult(y, mean, rstd);
    }

    Tensor layerNormBackward(Tensor dy, Tensor x, Tensor gamma, LayerNormResult saved, Tensor dGamma,
                             Tensor dBeta, boolean needInput) {
        int n = x.rows();
        int d = x.cols();
        Shapes.require(dy.size() == x.size() && gamma.size() == d, "layerNormBackward: dy %s, x %s, gamma %s",
                Shapes.str(dy), Shapes.str(x), Shapes.str(gamma));
        Shapes.require(saved.mean().size() == n && saved.rstd().size() == n,
                "layerNormBackward: saved mean %s and rstd %s for %d rows", Shapes.str(saved.mean()),
                Shapes.str(saved.rstd()), n);
        Shapes.require((dGamma == null || dGamma.size() == d) && (dBeta == null || dBeta.size() == d),
                "layerNormBackward: parameter gradients must have %d entries", d);
        Tensor dx = null;
        if (needInput) {
            dx = device.empty(x.shape());
            device.kernel("layer_norm_backward_input").grid(n, 1, 1).block(CudaDevice.rowBlock(d, 128), 1, 1)
                    .ptr(dx).ptr(dy).ptr(x).ptr(gamma).ptr(saved.mean()).ptr(saved.rstd()).arg(d).launch();
        }
        if (dGamma != null || dBeta != null) {
            int chunks = ColumnSums.chunks(n);
            Tensor partialGamma = device.empty(chunks * d);
            Tensor partialBeta = device.empty(chunks * d);
            device.kernel("layer_norm_param_grad_partial").grid((d + 31) / 32, chunks, 1).block(32, 8, 1)
                    .ptr(dy).ptr(x).ptr(saved.mean()).ptr(saved.rstd()).arg(n).arg(d).arg(ColumnSums.rowsPerChunk(n))
                    .ptr(partialGamma).ptr(partialBeta).launch();
            if (dGamma != null) {
                columnSums.finish(partialGamma, chunks, d, dGamma, 1f);
            }
            if (dBeta != null) {
                columnSums.finish(partialBeta, chunks, d, dBeta, 1f);
            }
            CudaDevice.free(partialGamma);
            CudaDevice.free(partialBeta);
        }
        return dx;
    }

    Tensor softmax(Tensor x) {
        int d = x.cols();
        Tensor y = device.empty(x.shape());
        device.kernel("softmax_rows_forward").grid(x.rows(), 1, 1).block(CudaDevice.rowBlock(d, 256), 1, 1)
                .ptr(y).ptr(x).arg(d).launch();
        return y;
    }

    Tensor softmaxBackward(Tensor y, Tensor dy) {
        Shapes.require(y.size() == dy.size(), "softmaxBackward: y %s, dy %s", Shapes.str(y), Shapes.str(dy));
        int d = y.cols();
        Tensor dx = device.empty(y.shape());
        device.kernel("softmax_rows_backward").grid(y.rows(), 1, 1).block(CudaDevice.rowBlock(d, 256), 1, 1)
                .ptr(dx).ptr(y).ptr(dy).arg(d).launch();
        return dx;
    }
}
