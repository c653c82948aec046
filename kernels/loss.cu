// Loss family: softmax cross-entropy, forward (per-row losses, then their mean) and backward.
//
// Layout: logits, probs, dLogits are row-major [rows, cols]; labels[rows] are int32 class numbers
// in [0, cols); rowLoss is [rows]; loss is a single float.
//
// cross_entropy_forward   one block per row (grid = rows), blockDim 128 (a multiple of 32):
//                         probs = softmax(row), rowLoss = log(sum exp(x - max)) + max - x[label].
// mean_of                 a single block of 256 threads: out[0] = sum(values) / n, summed in double
//                         (one block, so the order of the sum is fixed: deterministic).
// cross_entropy_backward  1-D grid-stride over rows * cols: (probs - onehot(label)) * scale.
#include "common.cuh"

extern "C" __global__ void cross_entropy_forward(float* probs, float* rowLoss, const float* logits,
                                                 const int* labels, int cols) {
    long long row = blockIdx.x;
    const float* xr = logits + row * cols;
    float* pr = probs + row * cols;
    float logSumExp = clm_block_softmax_row(pr, xr, cols);
    if (threadIdx.x == 0) {
        rowLoss[row] = logSumExp - xr[labels[row]];
    }
}

extern "C" __global__ void mean_of(float* out, const float* values, int n) {
    double s = 0.0;
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        s += values[i];
    }
    s = clm_block_sum(s);
    if (threadIdx.x == 0) {
        out[0] = (float)(s / n);
    }
}

extern "C" __global__ void cross_entropy_backward(float* dLogits, const float* probs, const int* labels,
                                                  int rows, int cols, float scale) {
    long long n = (long long)rows * cols;
    CLM_GRID_STRIDE(e, n) {
        long long i = e / cols;
        int j = (int)(e - i * cols);
        float target = j == labels[i] ? 1.f : 0.f;
        dLogits[e] = (probs[e] - target) * scale;
    }
}
