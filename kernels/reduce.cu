// Reduction family: sum of squares and dot product of whole tensors, accumulated in double
// (gradient clipping needs the global norm; float sums of millions of entries lose digits).
//
// Layout: flat float32 arrays of n entries; partial[blocks] and out[1] are doubles.
// sum_squares_partial, dot_partial   blockDim 256, gridDim <= 1024: block k sums a grid-stride
//                                    slice and writes partial[k].
// sum_partials                       a single block of 256 threads: out[0] = sum of partial[0..count).
// Two stages with a fixed grid give a deterministic result for a given n.
#include "common.cuh"

extern "C" __global__ void sum_squares_partial(double* partial, const float* x, int n) {
    double s = 0.0;
    CLM_GRID_STRIDE(i, n) {
        double v = x[i];
        s += v * v;
    }
    s = clm_block_sum(s);
    if (threadIdx.x == 0) {
        partial[blockIdx.x] = s;
    }
}

extern "C" __global__ void dot_partial(double* partial, const float* a, const float* b, int n) {
    double s = 0.0;
    CLM_GRID_STRIDE(i, n) {
        s += (double)a[i] * b[i];
    }
    s = clm_block_sum(s);
    if (threadIdx.x == 0) {
        partial[blockIdx.x] = s;
    }
}

extern "C" __global__ void sum_partials(double* out, const double* partial, int count) {
    double s = 0.0;
    for (int i = threadIdx.x; i < count; i += blockDim.x) {
        s += partial[i];
    }
    s = clm_block_sum(s);
    if (threadIdx.x == 0) {
        out[0] = s;
    }
}
