package dev.clm4j.tensor.cuda;

import dev.clm4j.tensor.Shapes;
import dev.clm4j.tensor.Tensor;

/** Element-wise ops (residual.cu, bias.cu, gelu.cu): add, accumulate, scale, bias, GELU. */
final class ElementwiseOps {
    private final CudaDevice device;
    private final ColumnSums columnSums;

    ElementwiseOps(CudaDevice device, ColumnSums columnSums) {
        this.device = device;
        this.columnSums = columnSums;
    }

    Tensor add(Tensor a, Tensor b) {
        Shapes.require(a.size() == b.size(), "add: %s and %s", Shapes.str(a), Shapes.str(b));
        Tensor out = device.empty(a.shape());
        int n = a.size();
        device.kernel("add_vectors").elements(n).ptr(out).ptr(a).ptr(b).arg(n).launch();
        return out;
    }

    void addInto(Tensor acc, Tensor x) {
        Shapes.require(acc.size() == x.size(), "addInto: %s and %s", Shapes.str(acc), Shapes.str(x));
        int n = acc.size();
        device.kernel("add_into").elements(n).ptr(acc).ptr(x).arg(n).launch();
    }

    void scaleInPlace(Tensor t, float s) {
        int n = t.size();
        device.kernel("scale_in_place").elements(n).ptr(t).arg(s).arg(n).launch();
    }

    Tensor addBias(Tensor x, Tensor bias) {
        int d = x.cols();
        Shapes.require(bias.size() == d, "addBias: x %s, bias %s", Shapes.str(x), Shapes.str(bias));
        Tensor out = device.empty(x.shape());
        int n = x.size();
        device.kernel("add_bias").elements(n).ptr(out).ptr(x).ptr(bias).arg(n).arg(d).launch();
        return out;
    }

    void biasGradInto(Tensor dy, Tensor out, float beta) {
        int d = dy.cols();
        Shapes.require(out.size() == d, "biasGrad: dy %s, out %s", Shapes.str(dy), Shapes.str(out));
        columnSums.sumInto(dy, dy.rows(), d, out, beta);
    }

    Tensor gelu(Tensor x) {
        Tensor out = device.empty(x.shape());
        int n = x.size();
        device.kernel("gelu_forward").elements(n).ptr(out).ptr(x).arg(n).launch();
        return out;
    }

    Tensor geluBackward(Tensor x, Tensor dy) {
        Shapes.require(x.size() == dy.size(), "geluBackward: x %s, dy %s", Shapes.str(x), Shapes.str(dy));
        Tensor out = device.empty(x.shape());
        int n = x.size();
        device.kernel("gelu_backward").elements(n).ptr(out).ptr(x).ptr(dy).arg(n).launch();
        return out;
    }
}
