// Attention family: multi-head scaled-dot-product attention with a key padding mask, and its
// backward pass. A straightforward version: one block per row of the attention matrix.
//
// Layout (row-major):
//   q, out, dOut, dq    [batch * tq, heads * dh]   head h is columns h*dh .. h*dh+dh-1
//   k, v, dk, dv        [batch * tk, heads * dh]
//   keyMask             [batch, tk]                nonzero = real key, 0 = padding (gets no weight)
//   probs, dScores      [batch, heads, tq, tk]
// scale = 1 / sqrt(dh).
//
// attention_forward              grid (tq, heads, batch), blockDim 128 (a multiple of 32),
//                                dynamic shared memory (dh + tk) floats: the query row and its scores.
//                                Warps take keys in turn (lanes across the head's columns, so the
//                                key row is read coalesced); the block then does a masked softmax
//                                and each thread computes output columns. A query whose keys are
//                                all padding gets zero probabilities and a zero output.
// attention_backward_query       grid (tq, heads, batch), blockDim 128, shared (dh + tk) floats:
//                                dP = dOut . V^T, dS = P * (dP - sum(P * dP)) * scale (written to
//                                dScores for the next kernel), dq = dS . K.
// attention_backward_key_value   grid (tk, heads, batch), blockDim 128: one key row j;
//                                dk[j] = sum_i dS[i, j] q[i], dv[j] = sum_i P[i, j] dOut[i].
// Splitting the backward pass by query rows and key rows avoids atomics: each output row has one
// writer.
#include "common.cuh"

extern "C" __global__ void attention_forward(float* out, float* probs, const float* q, const float* k,
                                             const float* v, const float* keyMask, int tq, int tk,
                                             int heads, int dh, float scale) {
    extern __shared__ float shared[];
    float* qRow = shared;
    float* scores = shared + dh;
    int i = blockIdx.x;
    int h = blockIdx.y;
    int b = blockIdx.z;
    int width = heads * dh;
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int warps = blockDim.x >> 5;
    const float* mask = keyMask + (long long)b * tk;
    const float* qSrc = q + ((long long)b * tq + i) * width + h * dh;
    for (int c = threadIdx.x; c < dh; c += blockDim.x) {
        qRow[c] = qSrc[c];
    }
    __syncthreads();
    for (int j = warp; j < tk; j += warps) {
        const float* kRow = k + ((long long)b * tk + j) * width + h * dh;
        float s = 0.f;
        for (int c = lane; c < dh; c += 32) {
            s += qRow[c] * kRow[c];
        }
        s = clm_warp_sum(s);
        if (lane == 0) {
            scores[j] = s * scale;
        }
    }
    __syncthreads();
    float m = CLM_NEG_INF;
    for (int j = threadIdx.x; j < tk; j += blockDim.x) {
        if (mask[j] != 0.f) {
            m = fmaxf(m, scores[j]);
        }
    }
    m = clm_block_max(m);
    float* pRow = probs + (((long long)b * heads + h) * tq + i) * tk;
    float* outRow = out + ((long long)b * tq + i) * width + h * dh;
    if (m == CLM_NEG_INF) {  // every key is padding (uniform across the block)
        for (int j = threadIdx.x; j < tk; j += blockDim.x) {
            pRow[j] = 0.f;
        }
        for (int c = threadIdx.x; c < dh; c += blockDim.x) {
            outRow[c] = 0.f;
        }
        return;
    }
    float sum = 0.f;
    for (int j = threadIdx.x; j < tk; j += blockDim.x) {
        float e = mask[j] != 0.f ? expf(scores[j] - m) : 0.f;
        scores[j] = e;
        sum += e;
    }
    sum = clm_block_sum(sum);
    for (int j = threadIdx.x; j < tk; j += blockDim.x) {
        float p = scores[j] / sum;
        scores[j] = p;
        pRow[j] = p;
    }
    __syncthreads();
    for (int c = threadIdx.x; c < dh; c += blockDim.x) {
        const float* vCol = v + (long long)b * tk * width + h * dh + c;
        float acc = 0.f;
        for (int j = 0; j < tk; j++) {
            acc += scores[j] * vCol[(long long)j * width];
        }
        outRow[c] = acc;
    }
}

extern "C" __global__ void attention_backward_query(float* dq, float* dScores, const float* dOut,
                                                    const float* k, const float* v, const float* probs,
                                                    int tq, int tk, int heads, int dh, float scale) {
    extern __shared__ float shared[];
    float* doRow = shared;
    float* ds = shared + dh;
    int i = blockIdx.x;
    int h = blockIdx.y;
    int b = blockIdx.z;
    int width = heads * dh;
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int warps = blockDim.x >> 5;
    long long rowOffset = ((long long)b * tq + i) * width + h * dh;
    for (int c = threadIdx.x; c < dh; c += blockDim.x) {
        doRow[c] = dOut[rowOffset + c];
    }
    __syncthreads();
    for (int j = warp; j < tk; j += warps) {
        const float* vRow = v + ((long long)b * tk + j) * width + h * dh;
        float s = 0.f;
        for (int c = lane; c < dh; c += 32) {
            s += doRow[c] * vRow[c];
        }
        s = clm_warp_sum(s);
        if (lane == 0) {
            ds[j] = s;  // dP for now
        }
    }
    __syncthreads();
    const float* pRow = probs + (((long long)b * heads + h) * tq + i) * tk;
    float rowDot = 0.f;
    for (int j = threadIdx.x; j < tk; j += blockDim.x) {
        rowDot += pRow[j] * ds[j];
    }
    rowDot = clm_block_sum(rowDot);
    float* dsRow = dScores + (((long long)b * heads + h) * tq + i) * tk;
    for (int j = threadIdx.x; j < tk; j += blockDim.x) {
        float d = pRow[j] * (ds[j] - rowDot) * scale;
        ds[j] = d;
        dsRow[j] = d;
    }
    __syncthreads();
    for (int c = threadIdx.x; c < dh; c += blockDim.x) {
        const float* kCol = k + (long long)b * tk * width + h * dh + c;
        float acc = 0.f;
        for (int j = 0; j < tk; j++) {
            acc += ds[j] * kCol[(long long)j * width];
        }
        dq[rowOffset + c] = acc;
    }
}

extern "C" __global__ void attention_backward_key_value(float* dk, float* dv, const float* dScores,
                                                        const float* probs, const float* q,
                                                        const float* dOut, int tq, int tk, int heads,
                                                        int dh) {
    int j = blockIdx.x;
    int h = blockIdx.y;
    int b = blockIdx.z;
    int width = heads * dh;
    long long columnOffset = (((long long)b * heads + h) * tq) * tk + j;  // entry (i = 0, j)
    long long rowOffset = ((long long)b * tk + j) * width + h * dh;
    for (int c = threadIdx.x; c < dh; c += blockDim.x) {
        long long qOffset = (long long)b * tq * width + h * dh + c;  // entry (i = 0, c)
        float accK = 0.f;
        float accV = 0.f;
        for (int i = 0; i < tq; i++) {
            long long pe = columnOffset + (long long)i * tk;
            long long qe = qOffset + (long long)i * width;
            accK += dScores[pe] * q[qe];
            accV += probs[pe] * dOut[qe];
        }
        dk[rowOffset + c] = accK;
        dv[rowOffset + c] = accV;
    }
}
