// A host-memory stand-in for the CUDA driver (libcuda.so.1), for native/emu/run-on-cpu.sh only:
// device pointers are host pointers, the "module" is accepted as is, and cuLaunchKernel runs the
// kernel's host build (emu_kernels.cpp) on CPU fibers. Every other driver entry point is a stub
// that fails (generated into stubs.c from what the JNI wrapper imports).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
typedef unsigned long long CUdeviceptr;
int cuInit(unsigned flags) { return 0; }
int cuDeviceGetCount(int* count) { *count = 1; return 0; }
int cuDeviceGet(int* device, int ordinal) { *device = ordinal; return 0; }
int cuDevicePrimaryCtxRetain(void** ctx, int device) { *ctx = (void*)0x1234; return 0; }
int cuCtxSetCurrent(void* ctx) { return ctx == (void*)0x1234 ? 0 : 201; }
int cuCtxSynchronize(void) { return 0; }
int cuCtxSynchronize_v2(void* ctx) { return 0; }
int cuDeviceGetName(char* name, int len, int device) { strncpy(name, "CPU emulation", len); return 0; }
int cuDeviceGetAttribute(int* value, int attribute, int device) { *value = attribute == 75 ? 9 : 0; return 0; }  // sm_90
int cuDeviceTotalMem_v2(size_t* bytes, int device) { *bytes = 1ull << 32; return 0; }
int cuMemAlloc_v2(CUdeviceptr* p, size_t n) { *p = (CUdeviceptr)malloc(n); return *p ? 0 : 2; }
int cuMemFree_v2(CUdeviceptr p) { free((void*)p); return 0; }
int cuMemcpyHtoD_v2(CUdeviceptr d, const void* s, size_t n) { memcpy((void*)d, s, n); return 0; }
int cuMemcpyDtoH_v2(void* d, CUdeviceptr s, size_t n) { memcpy(d, (void*)s, n); return 0; }
int cuMemcpyDtoD_v2(CUdeviceptr d, CUdeviceptr s, size_t n) { memmove((void*)d, (void*)s, n); return 0; }
int cuMemsetD32_v2(CUdeviceptr d, unsigned v, size_t n) { for (size_t i = 0; i < n; i++) ((unsigned*)d)[i] = v; return 0; }
int cuModuleLoadData(void** module, const void* image) { *module = (void*)0x5678; return 0; }
int cuModuleGetFunction(void** f, void* module, const char* name) { *f = strdup(name); return 0; }
int cuGetErrorName(int e, const char** s) { *s = e == 98 ? "CUDA_ERROR_INVALID_HANDLE (not emulated)" : "CUDA_ERROR_EMULATED"; return 0; }
int cuGetErrorString(int e, const char** s) { *s = "error in the CPU emulation"; return 0; }
struct dim3e { unsigned x, y, z; };
int clm_emu_dispatch(const char* k, struct dim3e g, struct dim3e b, unsigned shared, void** params);
int cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                   unsigned shared, void* stream, void** params, void** extra) {
    struct dim3e g = {gx, gy, gz}, b = {bx, by, bz};
    if (getenv("EMU_TRACE")) fprintf(stderr, "[emu] %s grid %ux%ux%u block %ux%ux%u shared %u\n", (const char*)f, gx, gy, gz, bx, by, bz, shared);
    if ((unsigned long long)bx * by * bz > 1024 || bx == 0 || by == 0 || bz == 0 || gx == 0 || gy == 0 || gz == 0 || shared > 48 * 1024) return 1;
    return clm_emu_dispatch((const char*)f, g, b, shared, params);
}
