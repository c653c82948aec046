#include "emu.h"
EmuFiber* clm_cur;
dim3e blockIdx, blockDim, gridDim;
float* clm_emu_dynamic_shared;
EmuBarrier clm_block_barrier;
EmuBarrier clm_warp_barrier[32];
double clm_emu_slots[32][32];
static ucontext_t scheduler;
static const std::function<void()>* current_body;
static const size_t STACK = 64 * 1024;
static char* stacks[1024];
static EmuFiber fibers[1024];
static int progressed;
void clm_emu_yield() { swapcontext(&clm_cur->ctx, &scheduler); }
static void entry() { (*current_body)(); clm_cur->done = true; }
void clm_emu_run(dim3e grid, dim3e block, unsigned shared, bool useFibers, const std::function<void()>& body) {
    gridDim = grid; blockDim = block;
    int n = block.x * block.y * block.z;
    if (n > 1024) { fprintf(stderr, "[emu] block too large\n"); abort(); }
    static float* dyn = nullptr; static unsigned dynBytes = 0;
    if (shared > dynBytes) { free(dyn); dyn = (float*)malloc(shared); dynBytes = shared; }
    clm_emu_dynamic_shared = dyn;
    current_body = &body;
    for (unsigned bz = 0; bz < grid.z; bz++) for (unsigned by = 0; by < grid.y; by++) for (unsigned bx = 0; bx < grid.x; bx++) {
        blockIdx.x = bx; blockIdx.y = by; blockIdx.z = bz;
        if (dyn) memset(dyn, 0xff, dynBytes);  // garbage, like real shared memory
        clm_block_barrier = EmuBarrier(); clm_block_barrier.target = n;
        for (int w = 0; w < 32; w++) { clm_warp_barrier[w] = EmuBarrier(); clm_warp_barrier[w].target = 32; }
        for (int t = 0; t < n; t++) {
            EmuFiber& f = fibers[t];
            f.tid.x = t % block.x; f.tid.y = (t / block.x) % block.y; f.tid.z = t / (block.x * block.y); f.done = false;
            if (!useFibers) { clm_cur = &f; body(); f.done = true; continue; }
            if (!stacks[t]) stacks[t] = (char*)malloc(STACK);
            getcontext(&f.ctx); f.ctx.uc_stack.ss_sp = stacks[t]; f.ctx.uc_stack.ss_size = STACK; f.ctx.uc_link = &scheduler;
            makecontext(&f.ctx, entry, 0);
        }
        if (!useFibers) continue;
        long passes = 0;
        for (;;) {
            bool all = true;
            for (int t = 0; t < n; t++) {
                if (fibers[t].done) continue;
                all = false; clm_cur = &fibers[t];
                swapcontext(&scheduler, &fibers[t].ctx);
            }
            if (all) break;
            if (++passes > 100000) { fprintf(stderr, "[emu] deadlock in block %u,%u,%u\n", bx, by, bz); abort(); }
        }
    }
}
