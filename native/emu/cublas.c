// A host stand-in for cuBLAS (libcublas.so.13) for native/emu/run-on-cpu.sh: the handle and a
// column-major reference Sgemm on host memory (the emulated driver's device pointers are host
// pointers). Every other cuBLAS symbol the JNI wrapper imports is a generated stub.
#include <stdio.h>
int cublasCreate_v2(void** handle) { *handle = (void*)0x77; return 0; }
int cublasSetMathMode(void* handle, int mode) { return 0; }
const char* cublasGetStatusName(int s) { return "CUBLAS_STATUS_EMULATED"; }
const char* cublasGetStatusString(int s) { return "error in the CPU emulation"; }
int cublasSgemm_v2(void* h, int ta, int tb, int m, int n, int k, const float* alpha, const float* A, int lda,
                   const float* B, int ldb, const float* beta, float* C, int ldc) {
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int p = 0; p < k; p++) {
                float a = ta ? A[p + (long)i * lda] : A[i + (long)p * lda];
                float b = tb ? B[j + (long)p * ldb] : B[p + (long)j * ldb];
                s += (double)a * b;
            }
            C[i + (long)j * ldc] = (float)(*alpha * s + (*beta == 0 ? 0 : *beta * C[i + (long)j * ldc]));
        }
    }
    return 0;
}
