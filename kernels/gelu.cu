// GELU family, erf form as in BERT: gelu(x) = x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)),
// gelu'(x) = Phi(x) + x * phi(x) with phi the standard normal density.
//
// Layout: flat float32 arrays of n entries.
// Launch: 1-D grid-stride loop; blockDim 256.
#include "common.cuh"

#define CLM_INV_SQRT2 0.70710678118654752440f
#define CLM_INV_SQRT_2PI 0.39894228040143267794f

extern "C" __global__ void gelu_forward(float* out, const float* x, int n) {
    CLM_GRID_STRIDE(i, n) {
        float v = x[i];
        out[i] = 0.5f * v * (1.f + erff(v * CLM_INV_SQRT2));
    }
}

extern "C" __global__ void gelu_backward(float* dx, const float* x, const float* dy, int n) {
    CLM_GRID_STRIDE(i, n) {
        float v = x[i];
        float cdf = 0.5f * (1.f + erff(v * CLM_INV_SQRT2));
        float pdf = CLM_INV_SQRT_2PI * expf(-0.5f * v * v);
        dx[i] = dy[i] * (cdf + v * pdf);
    }
}
