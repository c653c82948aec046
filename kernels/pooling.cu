// Masked mean pooling family: the mean of each sequence's real tokens, and its backward pass.
//
// Layout: h and dh are row-major [batch * t, d] (sequence b is rows b*t .. b*t+t-1); mask is
// [batch, t] (weights, 1 for a real token and 0 for padding); pooled and dy are [batch, d];
// invCount is [batch] with invCount[b] = 1 / max(sum_i mask[b, i], 1e-9).
//
// mean_pool_inverse_counts   one thread per sequence; 1-D grid over batch, blockDim 128.
// masked_mean_pool_forward   grid (ceil(d / 128), batch), blockDim 128: one thread per output
//                            column, looping over the sequence's tokens (reads are coalesced
//                            across the columns).
// masked_mean_pool_backward  1-D grid-stride over batch * t * d; blockDim 256.
#include "common.cuh"

extern "C" __global__ void mean_pool_inverse_counts(float* invCount, const float* mask, int batch, int t) {
    CLM_GRID_STRIDE(b, batch) {
        float count = 0.f;
        for (int i = 0; i < t; i++) {
            count += mask[b * t + i];
        }
        invCount[b] = 1.f / fmaxf(count, 1e-9f);
    }
}

extern "C" __global__ void masked_mean_pool_forward(float* pooled, const float* h, const float* mask,
                                                    const float* invCount, int t, int d) {
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    int b = blockIdx.y;
    if (j >= d) {
        return;
    }
    const float* m = mask + (long long)b * t;
    const float* hb = h + (long long)b * t * d + j;
    float s = 0.f;
    for (int i = 0; i < t; i++) {
        s += m[i] * hb[(long long)i * d];
    }
    pooled[(long long)b * d + j] = s * invCount[b];
}

extern "C" __global__ void masked_mean_pool_backward(float* dh, const float* dy, const float* mask,
                                                     const float* invCount, int batch, int t, int d) {
    long long n = (long long)batch * t * d;
    CLM_GRID_STRIDE(e, n) {
        long long row = e / d;  // b * t + i
        int j = (int)(e - row * d);
        int b = (int)(row / t);
        dh[e] = mask[row] * invCount[b] * dy[(long long)b * d + j];
    }
}
