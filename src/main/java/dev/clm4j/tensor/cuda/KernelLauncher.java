package dev.clm4j.tensor.cuda;

import static dev.clm4j.tensor.cuda.CudaDriver.check;
import static org.bytedeco.cuda.global.cudart.cuLaunchKernel;

import java.nio.ByteOrder;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Launches kernels with cuLaunchKernel. The driver takes the arguments as an array of pointers,
 * one per parameter, each pointing at a host cell that holds the value. Here the cells are one
 * native array of 8-byte slots (a device address fills a slot; an int or float fills its first four
 * bytes, which is where the driver reads a 4-byte parameter on a little-endian host), and the
 * pointer array is built once. The driver copies the values during the call, so the cells are
 * reused by the next launch.
 *
 * <p>The pointer array goes to the PointerPointer overload of cuLaunchKernel, which passes its
 * address as the {@code void**}; the overload taking a plain Pointer is {@code @ByPtrPtr} and
 * would pass the address of a copy of the pointer instead.
 *
 * <p>{@code -Dclm.cuda.sync=true} waits after every launch, so that an asynchronous fault names the
 * kernel that caused it (slow; for debugging).
 */
final class KernelLauncher {
    static final int MAX_ARGS = 32;

    private final CudaContext context;
    private final KernelModule module;
    private final boolean syncEachLaunch = Boolean.getBoolean("clm.cuda.sync");
    private final LongPointer cells = new LongPointer(MAX_ARGS);
    private final LongPointer cellAddresses = new LongPointer(MAX_ARGS);
    private final PointerPointer<?> kernelParams;

    KernelLauncher(CudaContext context, KernelModule module) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new CudaException("kernel arguments are packed for a little-endian host");
        }
        this.context = context;
        this.module = module;
        for (int i = 0; i < MAX_ARGS; i++) {
            cellAddresses.put(i, cells.address() + 8L * i);
        }
        this.kernelParams = new PointerPointer<>(cellAddresses);  // the same memory, typed void**
    }

    /** A launch of the named kernel, to be given its shape and arguments. */
    KernelCall call(String kernel) {
        return new KernelCall(this, kernel);
    }

    KernelModule module() {
        return module;
    }

    synchronized void launch(String kernel, int[] grid, int[] block, int sharedBytes, long[] args, int argCount) {
        context.makeCurrent();
        cells.put(args, 0, argCount);
        int rc = cuLaunchKernel(module.function(kernel), grid[0], grid[1], grid[2], block[0], block[1], block[2],
                sharedBytes, (CUstream_st) null, kernelParams, (PointerPointer<?>) null);
        check(rc, "cuLaunchKernel(" + kernel + ", grid " + grid[0] + "x" + grid[1] + "x" + grid[2] + ", block "
                + block[0] + "x" + block[1] + "x" + block[2] + ", shared " + sharedBytes + " B)");
        if (syncEachLaunch) {
            context.synchronize("kernel " + kernel);
        }
    }
}
