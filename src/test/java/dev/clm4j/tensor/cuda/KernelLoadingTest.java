package dev.clm4j.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Both ways of getting the kernels work on this GPU: the nvcc fatbin, and NVRTC from the sources. */
class KernelLoadingTest {
    private CudaDevice device;

    @BeforeEach
    void device() {
        CudaTesting.cudaOrSkip();
        device = CudaDevice.get();
        System.out.println("[cuda] " + device);
    }

    @Test
    void backendUsesTheFatbinWhenTheBuildMadeOne() {
        boolean haveFatbin = KernelSources.fatbin() != null;
        String origin = device.kernels.module().origin();
        if (haveFatbin && !Boolean.getBoolean("clm.cuda.nvrtc")) {
            assertTrue(origin.startsWith("fatbin"), "kernels came from " + origin);
        } else {
            assertTrue(origin.startsWith("NVRTC"), "kernels came from " + origin);
        }
    }

    @Test
    void nvrtcCompilesEveryKernelForThisGpu() {
        long start = System.nanoTime();
        KernelModule compiled = KernelModule.verified(KernelModule.compileWithNvrtc(device.context));
        System.out.printf("[cuda] NVRTC compiled %d kernels (%s) in %.1f s%n", KernelSources.KERNELS.size(),
                compiled.origin(), (System.nanoTime() - start) / 1e9);
        for (String name : KernelSources.KERNELS) {
            assertNotNull(compiled.function(name), name);
        }
    }
}
