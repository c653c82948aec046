package dev.clm4j.tensor.cuda;

import dev.clm4j.tensor.Tensor;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;

/**
 * One kernel launch, built up fluently: shape, then the arguments in the kernel's parameter order.
 * <pre>{@code launcher.call("add_vectors").elements(n).ptr(out).ptr(a).ptr(b).arg(n).launch();}</pre>
 * The tensors passed are kept reachable until the launch is queued: otherwise the collector could
 * free (and the allocator hand out again) a temporary's block between reading its address and the
 * launch. After that, stream order protects it.
 */
final class KernelCall {
    /** Threads per block for element-wise kernels. */
    static final int ELEMENT_BLOCK = 256;
    /** Grid-stride kernels cover any size; more blocks than this add nothing. */
    private static final long MAX_BLOCKS = 1L << 16;

    private final KernelLauncher launcher;
    private final String kernel;
    private final int[] grid = {1, 1, 1};
    private final int[] block = {1, 1, 1};
    private int sharedBytes;
    private final long[] args = new long[KernelLauncher.MAX_ARGS];
    private int argCount;
    private final List<Object> keepAlive = new ArrayList<>(8);

    KernelCall(KernelLauncher launcher, String kernel) {
        this.launcher = launcher;
        this.kernel = kernel;
    }

    /** A 1-D grid-stride launch over n elements: 256 threads a block, enough blocks (capped). */
    KernelCall elements(long n) {
        return grid((int) Math.min(MAX_BLOCKS, (n + ELEMENT_BLOCK - 1) / ELEMENT_BLOCK), 1, 1)
                .block(ELEMENT_BLOCK, 1, 1);
    }

    KernelCall grid(int x, int y, int z) {
        grid[0] = x;
        grid[1] = y;
        grid[2] = z;
        return this;
    }

    KernelCall block(int x, int y, int z) {
        block[0] = x;
        block[1] = y;
        block[2] = z;
        return this;
    }

    KernelCall shared(int bytes) {
        this.sharedBytes = bytes;
        return this;
    }

    /** A float* parameter: the tensor's device address. */
    KernelCall ptr(Tensor t) {
        CudaStorage s = CudaStorage.of(t, "kernel " + kernel + " argument " + argCount);
        keepAlive.add(s);
        return put(s.address());
    }

    /** An int* parameter: an index list's device address, or null (0) when the list is absent. */
    KernelCall ptr(DeviceIndices indices) {
        if (indices == null) {
            return put(0L);
        }
        keepAlive.add(indices);
        return put(indices.address());
    }

    /** A raw device address (a scratch block the caller owns). */
    KernelCall address(long address) {
        return put(address);
    }

    KernelCall arg(int value) {
        return put(value & 0xFFFFFFFFL);
    }

    KernelCall arg(float value) {
        return put(Float.floatToRawIntBits(value) & 0xFFFFFFFFL);
    }

    private KernelCall put(long cell) {
        if (argCount == args.length) {
            throw new IllegalStateException("kernel " + kernel + ": more than " + args.length + " arguments");
        }
        args[argCount++] = cell;
        return this;
    }

    /** Queues the kernel; a launch with an empty grid does nothing. */
    void launch() {
        if (grid[0] <= 0 || grid[1] <= 0 || grid[2] <= 0) {
            return;
        }
        launcher.launch(kernel, grid, block, sharedBytes, args, argCount);
        Reference.reachabilityFence(keepAlive);
    }
}
