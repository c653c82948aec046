package dev.clm4j.tensor.cuda;

import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.PrependRowsGrads;
import dev.clm4j.tensor.Shapes;
import dev.clm4j.tensor.Tensor;

/**
 * Row lookups and pooling: embedding gather and scatter-add (embedding.cu), masked mean pooling
 * (pooling.cu), prefix rows in front of each sequence and their backward (prefix.cu).
 */
final class RowOps {
    private static final int POOL_BLOCK = 128;

    private final CudaDevice device;

    RowOps(CudaDevice device) {
        this.device = device;
    }

    Tensor gatherRows(Tensor table, Indices ids) {
        int d = table.cols();
        DeviceIndices idx = device.indices(ids);
        idx.requireWithin(0, table.rows(), "gatherRows", "index");
        Tensor out = device.empty(ids.length(), d);
        long n = (long) ids.length() * d;
        device.kernel("gather_rows").elements(n).ptr(out).ptr(table).ptr(idx).arg(ids.length()).arg(d).launch();
        return out;
    }

    void scatterAddRows(Tensor dy, Indices ids, Tensor out, Indices rowMap) {
        int d = dy.cols();
        Shapes.require(out.cols() == d && dy.rows() == ids.length(), "scatterAddRows: dy %s, %d ids, out %s",
                Shapes.str(dy), ids.length(), Shapes.str(out));
        DeviceIndices idx = device.indices(ids);
        DeviceIndices map = device.indices(rowMap);
        if (map == null) {
            idx.requireWithin(0, out.rows(), "scatterAddRows", "index");
        } else {
            idx.requireWithin(0, rowMap.length(), "scatterAddRows", "index (into the row map)");
            map.requireWithin(Integer.MIN_VALUE, out.rows(), "scatterAddRows", "row map target");
        }
        long n = (long) ids.length() * d;
        device.kernel("scatter_add_rows").elements(n).ptr(out).ptr(dy).ptr(idx).ptr(map).arg(ids.length()).arg(d)
                .launch();
    }

    Tensor maskedMeanPool(Tensor h, Tensor mask, int batch) {
        Shapes.require(batch > 0 && h.rows() % batch == 0 && mask.size() == h.rows(),
                "maskedMeanPool: h %s, mask %s, batch %d", Shapes.str(h), Shapes.str(mask), batch);
        int t = h.rows() / batch;
        int d = h.cols();
        Tensor invCount = inverseCounts(mask, batch, t);
        Tensor out = device.empty(batch, d);
        device.kernel("masked_mean_pool_forward").grid((d + POOL_BLOCK - 1) / POOL_BLOCK, batch, 1)
                .block(POOL_BLOCK, 1, 1).ptr(out).ptr(h).ptr(mask).ptr(invCount).arg(t).arg(d).launch();
        CudaDevice.free(invCount);
        return out;
    }

    Tensor maskedMeanPoolBackward(Tensor dy, Tensor mask, int batch) {
        Shapes.require(batch > 0 && mask.size() % batch == 0 && dy.rows() == batch,
                "maskedMeanPoolBackward: dy %s, mask %s, batch %d", Shapes.str(dy), Shapes.str(mask), batch);
        int t = mask.size() / batch;
        int d = dy.cols();
        Tensor invCount = inverseCounts(mask, batch, t);
        Tensor out = device.empty(batch * t, d);
        long n = (long) batch * t * d;
        device.kernel("masked_mean_pool_backward").elements(n)
                .ptr(out).ptr(dy).ptr(mask).ptr(invCount).arg(batch).arg(t).arg(d).launch();
        CudaDevice.free(invCount);
        return out;
    }

    Tensor prependRows(Tensor prefix, Tensor x, int batch) {
        int t = Shapes.prependRows(prefix, x, batch);
        int n = prefix.rows();
        int d = prefix.cols();
        Tensor out = device.empty(batch * (n + t), d);
        device.kernel("prepend_rows").elements((long) batch * (n + t) * d)
                .ptr(out).ptr(prefix).ptr(x).arg(batch).arg(n).arg(t).arg(d).launch();
        return out;
    }

    PrependRowsGrads prependRowsBackward(Tensor dOut, int n, int batch, boolean needPrefix, boolean needRows) {
        int t = Shapes.prependRowsBackward(dOut, n, batch);
        int d = dOut.cols();
        Tensor dPrefix = null;
        if (needPrefix) {
            dPrefix = device.empty(n, d);
            device.kernel("prepend_rows_backward_prefix").elements((long) n * d)
                    .ptr(dPrefix).ptr(dOut).arg(batch).arg(n).arg(t).arg(d).launch();
        }
        Tensor dRows = null;
        if (needRows) {
            dRows = device.empty(batch * t, d);
            device.kernel("prepend_rows_backward_rows").elements((long) batch * t * d)
                    .ptr(dRows).ptr(dOut).arg(batch).arg(n).arg(t).arg(d).launch();
        }
        return new PrependRowsGrads(dPrefix, dRows);
    }

    private Tensor inverseCounts(Tensor mask, int batch, int t) {
        Tensor invCount = device.empty(batch);
        device.kernel("mean_pool_inverse_counts").grid((batch + POOL_BLOCK - 1) / POOL_BLOCK, 1, 1)
                .block(POOL_BLOCK, 1, 1).ptr(invCount).ptr(mask).arg(batch).arg(t).launch();
        return invCount;
    }
}
