// Host emulation of the CUDA device-code subset the clm4j kernels use: one block at a time, each
// CUDA thread a ucontext fiber; __syncthreads and warp shuffles are generation barriers.
#pragma once
#include <cmath>
#include <math.h>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <ucontext.h>
#include <functional>
struct dim3e { unsigned x = 1, y = 1, z = 1; };
struct EmuFiber { ucontext_t ctx; dim3e tid; bool done; };
extern EmuFiber* clm_cur;
extern dim3e blockIdx, blockDim, gridDim;
extern float* clm_emu_dynamic_shared;
#define threadIdx (clm_cur->tid)
void clm_emu_yield();
struct EmuBarrier { int count = 0; int target = 0; long gen = 0; };
extern EmuBarrier clm_block_barrier;
extern EmuBarrier clm_warp_barrier[32];
extern double clm_emu_slots[32][32];
inline void clm_emu_wait(EmuBarrier& b) {
    long g = b.gen;
    if (++b.count == b.target) { b.count = 0; b.gen++; }
    else { while (b.gen == g) clm_emu_yield(); }
}
#define __syncthreads() clm_emu_wait(clm_block_barrier)
#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
inline int clm_tid_linear() { return threadIdx.x + threadIdx.y * blockDim.x + threadIdx.z * blockDim.x * blockDim.y; }
template <typename T> T __shfl_xor_sync(unsigned, T v, int off) {
    int t = clm_tid_linear(); int w = t / 32, l = t % 32;
    clm_emu_slots[w][l] = (double)v;
    clm_emu_wait(clm_warp_barrier[w]);
    T r = (T)clm_emu_slots[w][l ^ off];
    clm_emu_wait(clm_warp_barrier[w]);
    return r;
}
inline float __int_as_float(int i) { float f; memcpy(&f, &i, 4); return f; }
inline double __dadd_rn(double a, double b) { return a + b; }
inline double __dsub_rn(double a, double b) { return a - b; }
inline double __dmul_rn(double a, double b) { return a * b; }
inline double __ddiv_rn(double a, double b) { return a / b; }
inline double __dsqrt_rn(double a) { return std::sqrt(a); }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float atomicAdd(float* p, float v) { float o = *p; *p = o + v; return o; }
void clm_emu_run(dim3e grid, dim3e block, unsigned shared, bool fibers, const std::function<void()>& body);
