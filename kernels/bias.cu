// Bias family: broadcast bias add and its gradient (column sums), plus the generic two-stage column
// sum that LayerNorm's parameter gradients reuse.
//
// Layout: x, out, dy are row-major [rows, cols]; bias and the gradient are [cols].
//
// add_bias            1-D grid-stride over rows * cols; blockDim 256.
// column_sums_partial block (32, 8), grid (ceil(cols / 32), chunks) with chunks = ceil(rows / rowsPerChunk);
//                     writes partial[chunk, j] = sum of x[r, j] over the rows r of that chunk.
// column_sums_finish  1-D grid-stride over cols; out[j] = sum over chunks of partial[chunk, j]
//                     (summed in double) + beta * out[j], where beta == 0 never reads out.
// The two stages keep the sum deterministic (no atomics) and give enough blocks for tall inputs.
#include "common.cuh"

extern "C" __global__ void add_bias(float* out, const float* x, const float* bias, int n, int cols) {
    CLM_GRID_STRIDE(i, n) {
        out[i] = x[i] + bias[i % cols];
    }
}

extern "C" __global__ void column_sums_partial(const float* x, int rows, int cols, int rowsPerChunk,
                                               float* partial) {
    __shared__ float tile[8][33];
    int j = blockIdx.x * 32 + threadIdx.x;
    int first = blockIdx.y * rowsPerChunk;
    int last = first + rowsPerChunk < rows ? first + rowsPerChunk : rows;
    float s = 0.f;
    if (j < cols) {
        for (int r = first + threadIdx.y; r < last; r += blockDim.y) {
            s += x[(long long)r * cols + j];
        }
    }
    tile[threadIdx.y][threadIdx.x] = s;
    __syncthreads();
    if (threadIdx.y == 0 && j < cols) {
        float t = 0.f;
        for (int k = 0; k < blockDim.y; k++) {
            t += tile[k][threadIdx.x];
        }
        partial[(long long)blockIdx.y * cols + j] = t;
    }
}

extern "C" __global__ void column_sums_finish(const float* partial, int chunks, int cols, float* out,
                                              float beta) {
    CLM_GRID_STRIDE(j, cols) {
        double s = 0.0;
        for (int c = 0; c < chunks; c++) {
            s += partial[(long long)c * cols + j];
        }
        if (beta != 0.f) {
            s += (double)beta * out[j];
        }
        out[j] = (float)s;
    }
}
