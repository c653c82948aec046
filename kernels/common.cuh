// Shared device helpers for every kernel family (included by each .cu file; include-guarded so
// that the single translation unit that includes all families sees them once).
//
// Nothing here includes a system header: the same sources compile with nvcc and with NVRTC, and
// NVRTC has no C library headers. Constants that math.h would give are spelled out.
//
// Block reductions assume blockDim.x is a multiple of 32, at most 1024, and that every thread of
// the block calls them (they contain __syncthreads).
#ifndef CLM4J_COMMON_CUH
#define CLM4J_COMMON_CUH

#define CLM_NEG_INF (__int_as_float(0xff800000))
#define CLM_FULL_MASK 0xffffffffu

// A 1-D grid-stride loop over [0, n): any grid size covers any n.
#define CLM_GRID_STRIDE(i, n) \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (long long)(n); \
         i += (long long)gridDim.x * blockDim.x)

template <typename T>
__device__ __forceinline__ T clm_warp_sum(T v) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        v += __shfl_xor_sync(CLM_FULL_MASK, v, offset);
    }
    return v;
}

__device__ __forceinline__ float clm_warp_max(float v) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        v = fmaxf(v, __shfl_xor_sync(CLM_FULL_MASK, v, offset));
    }
    return v;
}

// Sum of v over the block; every thread gets the result. The leading barrier lets a kernel call
// this several times in a row (the scratch slots are reused).
template <typename T>
__device__ T clm_block_sum(T v) {
    __shared__ T partial[33];
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int warps = blockDim.x >> 5;
    v = clm_warp_sum(v);
    __syncthreads();
    if (lane == 0) {
        partial[warp] = v;
    }
    __syncthreads();
    if (warp == 0) {
        T w = lane < warps ? partial[lane] : (T)0;
        w = clm_warp_sum(w);
        if (lane == 0) {
            partial[32] = w;
        }
    }
    __syncthreads();
    return partial[32];
}

// Maximum of v over the block; every thread gets the result.
__device__ float clm_block_max(float v) {
    __shared__ float partial[33];
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int warps = blockDim.x >> 5;
    v = clm_warp_max(v);
    __syncthreads();
    if (lane == 0) {
        partial[warp] = v;
    }
    __syncthreads();
    if (warp == 0) {
        float w = lane < warps ? partial[lane] : CLM_NEG_INF;
        w = clm_warp_max(w);
        if (lane == 0) {
            partial[32] = w;
        }
    }
    __syncthreads();
    return partial[32];
}

// One row's softmax by the whole block: out = softmax(x) over cols values; returns the row's
// log-sum-exp (max + log sum exp(x - max)), which the cross-entropy needs. Every thread of the
// block must call it (it synchronises).
__device__ float clm_block_softmax_row(float* out, const float* x, int cols) {
    float m = CLM_NEG_INF;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        m = fmaxf(m, x[j]);
    }
    m = clm_block_max(m);
    float s = 0.f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        s += expf(x[j] - m);
    }
    s = clm_block_sum(s);
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        out[j] = expf(x[j] - m) / s;
    }
    return logf(s) + m;
}

#endif
