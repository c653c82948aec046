package dev.clm4j.tensor.cuda;

import static dev.clm4j.tensor.cuda.CudaDriver.check;
import static org.bytedeco.cuda.global.cudart.CUDA_SUCCESS;
import static org.bytedeco.cuda.global.cudart.cuModuleGetFunction;
import static org.bytedeco.cuda.global.cudart.cuModuleLoadData;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.javacpp.BytePointer;

/**
 * The loaded kernels: the nvcc fatbin when there is one the driver accepts for this GPU, otherwise
 * PTX compiled by NVRTC from the .cu sources. {@code -Dclm.cuda.nvrtc=true} forces NVRTC (to test
 * that path on a machine that has the fatbin).
 */
final class KernelModule {
    private static final System.Logger LOG = System.getLogger(KernelModule.class.getName());

    private final CUmod_st module;
    private final String origin;
    private final Map<String, CUfunc_st> functions = new ConcurrentHashMap<>();

    private KernelModule(CUmod_st module, String origin) {
        this.module = module;
        this.origin = origin;
    }

    /** Loads the kernels for the current context, preferring the fatbin unless told otherwise. */
    static KernelModule load(CudaContext context) {
        boolean forceNvrtc = Boolean.getBoolean("clm.cuda.nvrtc");
        byte[] fatbin = forceNvrtc ? null : KernelSources.fatbin();
        if (fatbin != null) {
            context.makeCurrent();
            CUmod_st module = new CUmod_st();
            int rc;
            try (BytePointer image = new BytePointer(fatbin)) {
                rc = cuModuleLoadData(module, image);
            }
            if (rc == CUDA_SUCCESS) {
                return verified(new KernelModule(module, "fatbin " + KernelSources.FATBIN));
            }
            LOG.log(System.Logger.Level.WARNING, "the kernel fatbin does not load on " + context + " ("
                    + CudaDriver.describe(rc) + "); compiling the kernels with NVRTC instead");
        }
        return verified(compileWithNvrtc(context));
    }

    /** Compiles the sources with NVRTC for this device and loads the PTX. */
    static KernelModule compileWithNvrtc(CudaContext context) {
        byte[] ptx = NvrtcCompiler.compileToPtx("clm4j_kernels.cu", KernelSources.translationUnit(),
                KernelSources.includeFiles(), context.computeCapability());
        context.makeCurrent();
        CUmod_st module = new CUmod_st();
        try (BytePointer image = new BytePointer(ptx)) {
            check(cuModuleLoadData(module, image), "cuModuleLoadData(NVRTC PTX)");
        }
        return new KernelModule(module, "NVRTC PTX for compute_" + NvrtcCompiler.architectureFor(context.computeCapability()));
    }

    /** Fails at load time, not at the first launch, when a kernel the backend uses is missing. */
    static KernelModule verified(KernelModule m) {
        for (String name : KernelSources.KERNELS) {
            m.function(name);
        }
        return m;
    }

    /** The kernel of that name (looked up once, then cached). */
    CUfunc_st function(String name) {
        return functions.computeIfAbsent(name, n -> {
            CUfunc_st f = new CUfunc_st();
            check(cuModuleGetFunction(f, module, n), "cuModuleGetFunction(" + n + ") in " + origin);
            return f;
        });
    }

    /** Where the code came from, for messages and reports. */
    String origin() {
        return origin;
    }
}
