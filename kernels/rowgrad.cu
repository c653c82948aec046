// Sparse row-gradient family: the weight gradient of a linear layer for selected output rows only,
//   out[r, :] = sum_i dy[i, rows[r]] * x[i, :] + beta * out[r, :].
// The backend gathers the selected columns of dy into a compact matrix G [n, count] with this
// kernel and then runs one small GEMM, out = G^T x + beta * out, on cuBLAS; the gather moves
// n * count floats, a small fraction of the GEMM's work.
//
// Layout: dy is row-major [n, outFeatures]; rows[count] are int32 column numbers of dy; G is [n, count].
// Launch: 1-D grid-stride over n * count; blockDim 256.
#include "common.cuh"

extern "C" __global__ void gather_columns(float* gathered, const float* dy, const int* rows, int n,
                                          int outFeatures, int count) {
    long long total = (long long)n * count;
    CLM_GRID_STRIDE(e, total) {
        long long i = e / count;
        int r = (int)(e - i * count);
        gathered[e] = dy[i * outFeatures + rows[r]];
    }
}
