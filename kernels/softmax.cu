// Row softmax family: y = softmax(x) over each row, and dx = y * (dy - sum(y * dy)).
//
// Layout: x, y, dy, dx are row-major [rows, cols].
// Launch: one block per row (grid = rows), blockDim 256 (a multiple of 32); threads stride over
// the columns, so any row length works. The forward pass subtracts the row maximum before exp.
#include "common.cuh"

extern "C" __global__ void softmax_rows_forward(float* y, const float* x, int cols) {
    long long row = blockIdx.x;
    const float* xr = x + row * cols;
    float* yr = y + row * cols;
    clm_block_softmax_row(yr, xr, cols);
}

extern "C" __global__ void softmax_rows_backward(float* dx, const float* y, const float* dy, int cols) {
    long long row = blockIdx.x;
    const float* yr = y + row * cols;
    const float* dyr = dy + row * cols;
    float s = 0.f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        s += yr[j] * dyr[j];
    }
    s = clm_block_sum(s);
    float* dxr = dx + row * cols;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        dxr[j] = yr[j] * (dyr[j] - s);
    }
}
