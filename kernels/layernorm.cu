// LayerNorm family: y = (x - mean) * rstd * gamma + beta over each row, and its backward.
//
// Layout: x, y, dy, dx are row-major [rows, cols]; gamma, beta, dGamma, dBeta are [cols];
// mean and rstd are [rows] (kept by the forward pass for the backward pass).
//
// layer_norm_forward         one block per row (grid = rows), blockDim 128 (a multiple of 32).
//                            The variance is the mean of squared deviations (two passes over the
//                            row, as the reference does) rather than E[x^2] - mean^2, which cancels.
// layer_norm_backward_input  one block per row; with xhat = (x - mean) * rstd, g = dy * gamma:
//                            dx = rstd * (g - mean(g) - xhat * mean(g * xhat)).
// layer_norm_param_grad_partial
//                            block (32, 8), grid (ceil(cols / 32), chunks): per chunk of rows,
//                            partialGamma[chunk, j] = sum dy * xhat and partialBeta[chunk, j] = sum dy.
//                            column_sums_finish (bias.cu) then adds the chunks into dGamma, dBeta.
#include "common.cuh"

extern "C" __global__ void layer_norm_forward(float* y, float* mean, float* rstd, const float* x,
                                              const float* gamma, const float* beta, int cols, float eps) {
    long long row = blockIdx.x;
    const float* xr = x + row * cols;
    float* yr = y + row * cols;
    float s = 0.f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        s += xr[j];
    }
    float mu = clm_block_sum(s) / cols;
    float sq = 0.f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float c = xr[j] - mu;
        sq += c * c;
    }
    float var = clm_block_sum(sq) / cols;
    float rs = 1.f / sqrtf(var + eps);
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        yr[j] = (xr[j] - mu) * rs * gamma[j] + beta[j];
    }
    if (threadIdx.x == 0) {
        mean[row] = mu;
        rstd[row] = rs;
    }
}

extern "C" __global__ void layer_norm_backward_input(float* dx, const float* dy, const float* x,
                                                     const float* gamma, const float* mean,
                                                     const float* rstd, int cols) {
    long long row = blockIdx.x;
    const float* xr = x + row * cols;
    const float* dyr = dy + row * cols;
    float mu = mean[row];
    float rs = rstd[row];
    float sumG = 0.f;
    float sumGXhat = 0.f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float xhat = (xr[j] - mu) * rs;
        float g = dyr[j] * gamma[j];
        sumG += g;
        sumGXhat += g * xhat;
    }
    float m1 = clm_block_sum(sumG) / cols;
    float m2 = clm_block_sum(sumGXhat) / cols;
    float* dxr = dx + row * cols;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float xhat = (xr[j] - mu) * rs;
        float g = dyr[j] * gamma[j];
        dxr[j] = rs * (g - m1 - xhat * m2);
    }
}

extern "C" __global__ void layer_norm_param_grad_partial(const float* dy, const float* x, const float* mean,
                                                         const float* rstd, int rows, int cols,
                                                         int rowsPerChunk, float* partialGamma,
                                                         float* partialBeta) {
    __shared__ float tileGamma[8][33];
    __shared__ float tileBeta[8][33];
    int j = blockIdx.x * 32 + threadIdx.x;
    int first = blockIdx.y * rowsPerChunk;
    int last = first + rowsPerChunk < rows ? first + rowsPerChunk : rows;
    float sg = 0.f;
    float sb = 0.f;
    if (j < cols) {
        for (int r = first + threadIdx.y; r < last; r += blockDim.y) {
            long long e = (long long)r * cols + j;
            float xhat = (x[e] - mean[r]) * rstd[r];
            sg += dy[e] * xhat;
            sb += dy[e];
        }
    }
    tileGamma[threadIdx.y][threadIdx.x] = sg;
    tileBeta[threadIdx.y][threadIdx.x] = sb;
    __syncthreads();
    if (threadIdx.y == 0 && j < cols) {
        float tg = 0.f;
        float tb = 0.f;
        for (int k = 0; k < blockDim.y; k++) {
            tg += tileGamma[k][threadIdx.x];
            tb += tileBeta[k][threadIdx.x];
        }
        partialGamma[(long long)blockIdx.y * cols + j] = tg;
        partialBeta[(long long)blockIdx.y * cols + j] = tb;
    }
}
