package dev.clm4j.tensor.cuda;

import dev.clm4j.tensor.AttentionGrads;
import dev.clm4j.tensor.AttentionResult;
import dev.clm4j.tensor.Shapes;
import dev.clm4j.tensor.Tensor;

/** Multi-head attention with a key padding mask (attention.cu): one block per attention-matrix row. */
final class AttentionOps {
    private static final int BLOCK = 128;
    /** The kernels keep a query row and a row of scores in shared memory (48 KiB without opting in). */
    private static final int MAX_SHARED_BYTES = 48 * 1024;
    private static final int MAX_GRID_YZ = 65535;

    private final CudaDevice device;

    AttentionOps(CudaDevice device) {
        this.device = device;
    }

    /** The sizes of one attention call, checked once. */
    private record Dims(int batch, int heads, int tq, int tk, int dh) {
        int sharedBytes() {
            return 4 * (dh + tk);
        }

        float scale() {
            return (float) (1.0 / Math.sqrt(dh));
        }
    }

    private static Dims dims(Tensor q, Tensor k, Tensor v, int batch, int heads, String op) {
        Shapes.require(batch > 0 && heads > 0 && batch <= MAX_GRID_YZ && heads <= MAX_GRID_YZ,
                "%s: batch %d and heads %d must be in [1, %d]", op, batch, heads, MAX_GRID_YZ);
        int width = q.cols();
        int dh = width / heads;
        Shapes.require(q.rows() % batch == 0 && k.rows() % batch == 0, "%s: q %s and k %s do not split into %d sequences",
                op, Shapes.str(q), Shapes.str(k), batch);
        Shapes.require(dh * heads == width && k.cols() == width && v.cols() == width && v.rows() == k.rows(),
                "%s: q %s, k %s, v %s, heads %d", op, Shapes.str(q), Shapes.str(k), Shapes.str(v), heads);
        Dims d = new Dims(batch, heads, q.rows() / batch, k.rows() / batch, dh);
        Shapes.require(d.sharedBytes() <= MAX_SHARED_BYTES,
                "%s: %d keys of head size %d need %d bytes of shared memory; this kernel supports %d", op, d.tk,
                dh, d.sharedBytes(), MAX_SHARED_BYTES);
        return d;
    }

    AttentionResult attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, int batch, int heads) {
        Dims d = dims(q, k, v, batch, heads, "attention");
        Shapes.require(keyMask.size() == batch * d.tk, "attention: mask %s, expected [%d, %d]", Shapes.str(keyMask),
                batch, d.tk);
        Tensor out = device.empty(q.shape());
        Tensor probs = device.empty(batch, heads, d.tq, d.tk);
        device.kernel("attention_forward").grid(d.tq, heads, batch).block(BLOCK, 1, 1).shared(d.sharedBytes())
                .ptr(out).ptr(probs).ptr(q).ptr(k).ptr(v).ptr(keyMask)
                .arg(d.tq).arg(d.tk).arg(heads).arg(d.dh).arg(d.scale()).launch();
        return new AttentionResult(out, probs);
    }

    AttentionGrads attentionBackward(Tensor dOut, Tensor q, Tensor k, Tensor v, Tensor probs, int batch, int heads) {
        Dims d = dims(q, k, v, batch, heads, "attentionBackward");
        Shapes.require(dOut.size() == q.size() && probs.size() == batch * heads * d.tq * d.tk,
                "attentionBackward: dOut %s, probs %s", Shapes.str(dOut), Shapes.str(probs));
        Tensor dq = device.empty(q.shape());
        Tensor dk = device.empty(k.shape());
        Tensor dv = device.empty(v.shape());
        Tensor dScores = device.empty(batch, heads, d.tq, d.tk);
        device.kernel("attention_backward_query").grid(d.tq, heads, batch).block(BLOCK, 1, 1).shared(d.sharedBytes())
                .ptr(dq).ptr(dScores).ptr(dOut).ptr(k).ptr(v).ptr(probs)
                .arg(d.tq).arg(d.tk).arg(heads).arg(d.dh).arg(d.scale()).launch();
        device.kernel("attention_backward_key_value").grid(d.tk, heads, batch).block(BLOCK, 1, 1)
                .ptr(dk).ptr(dv).ptr(dScores).ptr(probs).ptr(q).ptr(dOut)
                .arg(d.tq).arg(d.tk).arg(heads).arg(d.dh).launch();
        CudaDevice.free(dScores);
        return new AttentionGrads(dq, dk, dv);
    }
}
