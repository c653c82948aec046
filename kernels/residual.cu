// Residual family: out = a + b, acc += x, t *= s.
//
// Layout: flat float32 arrays of n entries (any tensor shape; only the element count matters).
// Launch: 1-D grid-stride loop; blockDim 256, gridDim ceil(n / 256) (capped; the loop covers the rest).
#include "common.cuh"

extern "C" __global__ void add_vectors(float* out, const float* a, const float* b, int n) {
    CLM_GRID_STRIDE(i, n) {
        out[i] = a[i] + b[i];
    }
}

extern "C" __global__ void add_into(float* acc, const float* x, int n) {
    CLM_GRID_STRIDE(i, n) {
        acc[i] += x[i];
    }
}

extern "C" __global__ void scale_in_place(float* t, float s, int n) {
    CLM_GRID_STRIDE(i, n) {
        t[i] *= s;
    }
}
