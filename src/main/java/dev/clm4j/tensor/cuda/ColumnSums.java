package dev.clm4j.tensor.cuda;

import dev.clm4j.tensor.Tensor;

/**
 * Column sums of a row-major matrix into a vector, out[j] = sum_i x[i, j] + beta * out[j], in two
 * deterministic stages (bias.cu): per-chunk partial sums, then a pass that adds the chunks. Used by
 * the bias gradient and by LayerNorm's parameter gradients.
 */
final class ColumnSums {
    private static final int MIN_ROWS_PER_CHUNK = 64;
    private static final int MAX_CHUNKS = 65535;  // gridDim.y limit

    private final CudaDevice device;

    ColumnSums(CudaDevice device) {
        this.device = device;
    }

    /** Rows per chunk for a matrix of that many rows (64, or more when the grid would get too tall). */
    static int rowsPerChunk(int rows) {
        return Math.max(MIN_ROWS_PER_CHUNK, (rows + MAX_CHUNKS - 1) / MAX_CHUNKS);
    }

    static int chunks(int rows) {
        int per = rowsPerChunk(rows);
        return (rows + per - 1) / per;
    }

    /** out[j] = sum_i x[i, j] + beta * out[j] for x [rows, cols]. */
    void sumInto(Tensor x, int rows, int cols, Tensor out, float beta) {
        int chunks = chunks(rows);
        Tensor partial = device.empty(chunks * cols);
        device.kernel("column_sums_partial").grid((cols + 31) / 32, chunks, 1).block(32, 8, 1)
                .ptr(x).arg(rows).arg(cols).arg(rowsPerChunk(rows)).ptr(partial).launch();
        finish(partial, chunks, cols, out, beta);
        CudaDevice.free(partial);
    }

    /** out[j] = sum over chunks of partial[chunk, j] + beta * out[j]. */
    void finish(Tensor partial, int chunks, int cols, Tensor out, float beta) {
        device.kernel("column_sums_finish").elements(cols)
                .ptr(partial).arg(chunks).arg(cols).ptr(out).arg(beta).launch();
    }
}
