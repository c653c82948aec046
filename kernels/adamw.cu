// Optimizer family: AdamW with decoupled weight decay, dense and masked over compact index lists.
//
// Layout: p is the flat parameter; m and v are its moments. Dense: p, g, m, v all have n entries.
// Masked: for i in [0, count): p[paramIdx[i]] is updated with gradient g[gradIdx[i]] (g[i] when
// gradIdx is null) and moments m[i], v[i]; entries of p not listed are never touched, so the
// optimizer state is exactly as large as the mask. paramIdx must not repeat an entry.
// bc1 = 1 - beta1^t and bc2 = 1 - beta2^t are the bias corrections of step t.
// Launch: 1-D grid-stride over n (or count); blockDim 256.
//
// The arithmetic is done in double with explicitly rounded intrinsics, in the same order as the
// Java reference (including lr * weightDecay rounded to float first), so that the update matches
// the reference backend to the last bit rather than "within tolerance": the step is memory bound
// and the extra precision costs nothing measurable.
#include "common.cuh"

__device__ __forceinline__ void clm_adamw_entry(float* p, long long pi, float g, float* m, float* v,
                                                long long si, float lr, float beta1, float beta2,
                                                float eps, float weightDecay, float bc1, float bc2) {
    double gd = (double)g;
    double mi = __dadd_rn(__dmul_rn((double)beta1, (double)m[si]), __dmul_rn(1.0 - (double)beta1, gd));
    double vi = __dadd_rn(__dmul_rn((double)beta2, (double)v[si]),
                          __dmul_rn(__dmul_rn(1.0 - (double)beta2, gd), gd));
    m[si] = (float)mi;
    v[si] = (float)vi;
    double mHat = __ddiv_rn(mi, (double)bc1);
    double vHat = __ddiv_rn(vi, (double)bc2);
    double w = (double)p[pi];
    w = __dsub_rn(w, __dmul_rn((double)__fmul_rn(lr, weightDecay), w));
    w = __dsub_rn(w, __ddiv_rn(__dmul_rn((double)lr, mHat), __dadd_rn(__dsqrt_rn(vHat), (double)eps)));
    p[pi] = (float)w;
}

extern "C" __global__ void adamw_dense(float* p, const float* g, float* m, float* v, int n, float lr,
                                       float beta1, float beta2, float eps, float weightDecay, float bc1,
                                       float bc2) {
    CLM_GRID_STRIDE(i, n) {
        clm_adamw_entry(p, i, g[i], m, v, i, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
    }
}

extern "C" __global__ void adamw_masked(float* p, const int* paramIdx, const float* g, const int* gradIdx,
                                        float* m, float* v, int count, float lr, float beta1, float beta2,
                                        float eps, float weightDecay, float bc1, float bc2) {
    CLM_GRID_STRIDE(i, count) {
        float grad = g[gradIdx == nullptr ? i : (long long)gradIdx[i]];
        clm_adamw_entry(p, paramIdx[i], grad, m, v, i, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
    }
}
