// Embedding family: row gather (lookup) and its gradient, a scatter-add of rows.
//
// Layout: table and out are row-major [tableRows, cols]; gathered rows and dy are [count, cols];
// ids[count] are int32 row numbers; rowMap (may be null) maps a table row to a row of out, -1 for
// a row that has no gradient slot (a frozen row under a sparse mask).
// Launch: 1-D grid-stride over count * cols; blockDim 256. Consecutive threads take consecutive
// columns of one row, so reads and writes are coalesced.
//
// scatter_add_rows uses atomicAdd because a token id can repeat within a batch; the order of the
// additions (and so the last bits of a sum) may vary from run to run.
#include "common.cuh"

extern "C" __global__ void gather_rows(float* out, const float* table, const int* ids, int count, int cols) {
    long long n = (long long)count * cols;
    CLM_GRID_STRIDE(e, n) {
        long long i = e / cols;
        int j = (int)(e - i * cols);
        out[e] = table[(long long)ids[i] * cols + j];
    }
}

extern "C" __global__ void scatter_add_rows(float* out, const float* dy, const int* ids, const int* rowMap,
                                            int count, int cols) {
    long long n = (long long)count * cols;
    CLM_GRID_STRIDE(e, n) {
        long long i = e / cols;
        int j = (int)(e - i * cols);
        int id = ids[i];
        int target = rowMap == nullptr ? id : rowMap[id];
        if (target >= 0) {
            atomicAdd(out + (long long)target * cols + j, dy[e]);
        }
    }
}
