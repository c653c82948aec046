// Prefix family (prefix tuning): the same n prefix rows in front of every sequence's own rows, and
// the two halves of its backward pass.
//
// Layout: prefix and dPrefix are row-major [n, d]; x and dRows are [batch * t, d] (sequence b is
// rows b*t .. b*t+t-1); out and dOut are [batch * (n + t), d], sequence b being rows
// b*(n+t) .. b*(n+t)+n+t-1: the prefix's rows 0 .. n-1, then its own t rows.
//
// prepend_rows                  1-D grid-stride over batch * (n + t) * d; blockDim 256.
// prepend_rows_backward_rows    1-D grid-stride over batch * t * d; blockDim 256 (a strided copy).
// prepend_rows_backward_prefix  1-D grid-stride over n * d; blockDim 256: one thread per prefix
//                               entry sums its column over the sequences in order (no atomics, so
//                               the result is the same on every run).
// Consecutive threads take consecutive columns of one row, so reads and writes are coalesced.
#include "common.cuh"

extern "C" __global__ void prepend_rows(float* out, const float* prefix, const float* x, int batch, int n, int t,
                                        int d) {
    long long total = (long long)batch * (n + t) * d;
    CLM_GRID_STRIDE(e, total) {
        long long row = e / d;
        int j = (int)(e - row * d);
        int b = (int)(row / (n + t));
        int i = (int)(row - (long long)b * (n + t));
        out[e] = i < n ? prefix[(long long)i * d + j] : x[((long long)b * t + (i - n)) * d + j];
    }
}

extern "C" __global__ void prepend_rows_backward_rows(float* dRows, const float* dOut, int batch, int n, int t,
                                                      int d) {
    long long total = (long long)batch * t * d;
    CLM_GRID_STRIDE(e, total) {
        long long row = e / d;
        int j = (int)(e - row * d);
        int b = (int)(row / t);
        int i = (int)(row - (long long)b * t);
        dRows[e] = dOut[((long long)b * (n + t) + n + i) * d + j];
    }
}

extern "C" __global__ void prepend_rows_backward_prefix(float* dPrefix, const float* dOut, int batch, int n, int t,
                                                        int d) {
    long long total = (long long)n * d;
    CLM_GRID_STRIDE(e, total) {
        float s = 0.f;
        for (int b = 0; b < batch; b++) {
            s += dOut[(long long)b * (n + t) * d + e];
        }
        dPrefix[e] = s;
    }
}
