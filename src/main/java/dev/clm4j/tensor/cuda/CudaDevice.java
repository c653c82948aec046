package dev.clm4j.tensor.cuda;

import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.Shapes;
import dev.clm4j.tensor.Tensor;

/**
 * The process-wide CUDA state for one GPU: context, memory, kernels and cuBLAS. Created once on
 * first use ({@code -Dclm.cuda.device=N} picks the GPU, default 0) and shared by every
 * {@link CudaBackend}, so tensors and cached index lists stay valid across backend instances.
 */
final class CudaDevice {
    private static CudaDevice instance;
    private static RuntimeException failure;

    final CudaContext context;
    final DeviceMemory memory;
    final KernelLauncher kernels;
    final Cublas cublas;
    private final String deviceName;

    private CudaDevice(int ordinal) {
        this.context = CudaContext.open(ordinal);
        this.memory = new DeviceMemory(context);
        this.kernels = new KernelLauncher(context, KernelModule.load(context));
        this.cublas = new Cublas(context, Boolean.getBoolean("clm.cuda.tf32"));
        this.deviceName = "cuda:" + ordinal;
    }

    /** The shared device; a failed start is remembered and rethrown rather than retried. */
    static synchronized CudaDevice get() {
        if (instance == null) {
            if (failure != null) {
                throw failure;
            }
            try {
                instance = new CudaDevice(Integer.getInteger("clm.cuda.device", 0));
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
        return instance;
    }

    /** A tensor whose contents are undefined (every op that uses this writes all of it). */
    Tensor empty(int... shape) {
        long n = Shapes.size(shape);
        Shapes.require(n <= Integer.MAX_VALUE, "tensor of %d elements is too large", n);
        return new Tensor(new CudaStorage(memory, n, deviceName), shape);
    }

    Tensor zeros(int... shape) {
        Tensor t = empty(shape);
        memory.zero(address(t, "zeros"), t.size());
        return t;
    }

    KernelCall kernel(String name) {
        return kernels.call(name);
    }

    DeviceIndices indices(Indices indices) {
        return indices == null ? null : DeviceIndices.of(indices, memory);
    }

    static long address(Tensor t, String op) {
        return CudaStorage.of(t, op).address();
    }

    /** Gives a temporary's memory back now (safe right after queuing its last use: stream order). */
    static void free(Tensor scratch) {
        ((CudaStorage) scratch.storage()).close();
    }

    /** Threads per block for a kernel that gives one block to each row of {@code cols} entries. */
    static int rowBlock(int cols, int max) {
        int rounded = (cols + 31) / 32 * 32;
        return Math.max(32, Math.min(max, rounded));
    }

    @Override
    public String toString() {
        return context + ", kernels from " + kernels.module().origin() + (cublas.tf32() ? ", TF32 GEMMs" : "");
    }
}
