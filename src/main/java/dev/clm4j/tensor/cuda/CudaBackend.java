package dev.clm4j.tensor.cuda;

import dev.clm4j.tensor.AdamWStep;
import dev.clm4j.tensor.AttentionGrads;
import dev.clm4j.tensor.AttentionResult;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.LayerNormResult;
import dev.clm4j.tensor.LossResult;
import dev.clm4j.tensor.PrependRowsGrads;
import dev.clm4j.tensor.Shapes;
import dev.clm4j.tensor.Tensor;
import java.lang.ref.Reference;

/**
 * The CUDA backend: hand-written kernels (kernels/*.cu) through the CUDA driver API and cuBLAS for
 * the GEMMs, via the JavaCPP CUDA presets. Tensors live in device memory ({@link CudaStorage});
 * upload and download are the only host transfers, and scalars that an op returns (the sums of
 * {@link #sumSquares} and {@link #dot}) are the only hidden ones.
 *
 * <p>All work is queued on the legacy default stream in call order, so ops need no explicit
 * synchronization; a download waits for everything before it.
 *
 * <p>System properties: {@code clm.cuda.device} (GPU ordinal, default 0), {@code clm.cuda.tf32}
 * (TF32 tensor cores for GEMMs, default false), {@code clm.cuda.nvrtc} (compile the kernels with
 * NVRTC even when a fatbin is present), {@code clm.cuda.sync} (synchronize after every launch to
 * pin down a faulting kernel), {@code clm.cuda.cacheMiB} (limit of the freed-block cache).
 */
public final class CudaBackend implements Backend {
    private final CudaDevice device;
    private final ElementwiseOps elementwise;
    private final ReductionOps reductions;
    private final MatmulOps matmul;
    private final NormOps norms;
    private final AttentionOps attention;
    private final RowOps rows;
    private final LossOps loss;
    private final OptimizerOps optimizer;

    private CudaBackend(CudaDevice device) {
        this.device = device;
        ColumnSums columnSums = new ColumnSums(device);
        this.elementwise = new ElementwiseOps(device, columnSums);
        this.reductions = new ReductionOps(device);
        this.matmul = new MatmulOps(device, elementwise);
        this.norms = new NormOps(device, columnSums);
        this.attention = new AttentionOps(device);
        this.rows = new RowOps(device);
        this.loss = new LossOps(device);
        this.optimizer = new OptimizerOps(device);
    }

    /** True when a GPU, its driver and the CUDA 13 libraries are usable here; never throws. */
    public static boolean isAvailable() {
        return CudaAvailability.unavailableReason() == null;
    }

    /** Why {@link #isAvailable()} is false (null when it is true). */
    public static String unavailableReason() {
        return CudaAvailability.unavailableReason();
    }

    /**
     * The backend on the shared device (factory used by {@code Backends}; the thread count does not
     * apply). Throws UnsupportedOperationException with the reason when CUDA is not available.
     */
    public static CudaBackend create(int threads) {
        String reason = CudaAvailability.unavailableReason();
        if (reason != null) {
            throw new UnsupportedOperationException("the cuda backend cannot run here: " + reason);
        }
        return new CudaBackend(CudaDevice.get());
    }

    /** The GPU, where the kernels came from (fatbin or NVRTC) and the GEMM precision, in words. */
    public String describe() {
        return device.toString();
    }

    /** Waits until all queued work is done; reports errors of earlier launches. */
    public void synchronize() {
        device.context.synchronize("synchronize()");
    }

    @Override
    public String name() {
        return "cuda";
    }

    // ---- memory ----------------------------------------------------------------------------

    @Override
    public Tensor zeros(int... shape) {
        return device.zeros(shape);
    }

    @Override
    public Tensor upload(float[] values, int... shape) {
        Shapes.require(Shapes.size(shape) == values.length, "upload: %d values for shape %s", values.length,
                java.util.Arrays.toString(shape));
        Tensor t = device.empty(shape);
        device.memory.upload(CudaDevice.address(t, "upload"), values);
        return t;
    }

    @Override
    public float[] download(Tensor t) {
        float[] values = device.memory.download(CudaDevice.address(t, "download"), t.size());
        Reference.reachabilityFence(t);
        return values;
    }

    @Override
    public Tensor copy(Tensor t) {
        Tensor c = device.empty(t.shape());
        device.memory.copy(CudaDevice.address(c, "copy"), CudaDevice.address(t, "copy"), 4L * t.size());
        Reference.reachabilityFence(t);
        return c;
    }

    @Override
    public void write(Tensor t, float[] values) {
        Shapes.require(values.length == t.size(), "write: %d values into %s", values.length, t);
        device.memory.upload(CudaDevice.address(t, "write"), values);
        Reference.reachabilityFence(t);
    }

    // ---- matrix products -------------------------------------------------------------------

    @Override
    public void matmulInto(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float beta) {
        matmul.matmulInto(a, transA, b, transB, c, beta);
    }

    @Override
    public void rowGradInto(Tensor dy, Tensor x, Indices rowList, Tensor out, float beta) {
        matmul.rowGradInto(dy, x, rowList, out, beta);
    }

    // ---- elementwise and reductions ---------------------------------------------------------

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return elementwise.add(a, b);
    }

    @Override
    public void addInto(Tensor acc, Tensor x) {
        elementwise.addInto(acc, x);
    }

    @Override
    public void scaleInPlace(Tensor t, float s) {
        elementwise.scaleInPlace(t, s);
    }

    @Override
    public Tensor addBias(Tensor x, Tensor bias) {
        return elementwise.addBias(x, bias);
    }

    @Override
    public void biasGradInto(Tensor dy, Tensor out, float beta) {
        elementwise.biasGradInto(dy, out, beta);
    }

    @Override
    public Tensor gelu(Tensor x) {
        return elementwise.gelu(x);
    }

    @Override
    public Tensor geluBackward(Tensor x, Tensor dy) {
        return elementwise.geluBackward(x, dy);
    }

    @Override
    public double sumSquares(Tensor t) {
        return reductions.sumSquares(t);
    }

    @Override
    public double dot(Tensor a, Tensor b) {
        return reductions.dot(a, b);
    }

    // ---- normalization and softmax ----------------------------------------------------------

    @Override
    public LayerNormResult layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        return norms.layerNorm(x, gamma, beta, eps);
    }

    @Override
    public Tensor layerNormBackward(Tensor dy, Tensor x, Tensor gamma, LayerNormResult saved, Tensor dGamma,
                                    Tensor dBeta, boolean needInput) {
        return norms.layerNormBackward(dy, x, gamma, saved, dGamma, dBeta, needInput);
    }

    @Override
    public Tensor softmax(Tensor x) {
        return norms.softmax(x);
    }

    @Override
    public Tensor softmaxBackward(Tensor y, Tensor dy) {
        return norms.softmaxBackward(y, dy);
    }

    // ---- attention ---------------------------------------------------------------------------

    @Override
    public AttentionResult attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, int batch, int heads) {
        return attention.attention(q, k, v, keyMask, batch, heads);
    }

    @Override
    public AttentionGrads attentionBackward(Tensor dOut, Tensor q, Tensor k, Tensor v, Tensor probs, int batch,
                                            int heads) {
        return attention.attentionBackward(dOut, q, k, v, probs, batch, heads);
    }

    // ---- rows: embedding lookups, pooling ----------------------------------------------------

    @Override
    public Tensor gatherRows(Tensor table, Indices ids) {
        return rows.gatherRows(table, ids);
    }

    @Override
    public void scatterAddRows(Tensor dy, Indices ids, Tensor out, Indices rowMap) {
        rows.scatterAddRows(dy, ids, out, rowMap);
    }

    @Override
    public Tensor prependRows(Tensor prefix, Tensor x, int batch) {
        return rows.prependRows(prefix, x, batch);
    }

    @Override
    public PrependRowsGrads prependRowsBackward(Tensor dOut, int prefixRows, int batch, boolean needPrefix,
                                                boolean needRows) {
        return rows.prependRowsBackward(dOut, prefixRows, batch, needPrefix, needRows);
    }

    @Override
    public Tensor maskedMeanPool(Tensor h, Tensor mask, int batch) {
        return rows.maskedMeanPool(h, mask, batch);
    }

    @Override
    public Tensor maskedMeanPoolBackward(Tensor dy, Tensor mask, int batch) {
        return rows.maskedMeanPoolBackward(dy, mask, batch);
    }

    // ---- loss --------------------------------------------------------------------------------

    @Override
    public LossResult crossEntropy(Tensor logits, Indices labels) {
        return loss.crossEntropy(logits, labels);
    }

    @Override
    public Tensor crossEntropyBackward(Tensor probs, Indices labels, float scale) {
        return loss.crossEntropyBackward(probs, labels, scale);
    }

    // ---- optimizer ---------------------------------------------------------------------------

    @Override
    public void adamW(Tensor p, Tensor g, Tensor m, Tensor v, AdamWStep step) {
        optimizer.adamW(p, g, m, v, step);
    }

    @Override
    public void maskedAdamW(Tensor p, Indices paramIdx, Tensor g, Indices gradIdx, Tensor m, Tensor v,
                            AdamWStep step) {
        optimizer.maskedAdamW(p, paramIdx, g, gradIdx, m, v, step);
    }

    /** The device is shared by every backend instance and lives for the process; nothing to release. */
    @Override
    public void close() {
    }
}
