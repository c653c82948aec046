package dev.clm4j.tensor.cuda;

import static dev.clm4j.tensor.cuda.CudaDriver.check;
import static org.bytedeco.cuda.global.cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static org.bytedeco.cuda.global.cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static org.bytedeco.cuda.global.cudart.cuCtxSetCurrent;
import static org.bytedeco.cuda.global.cudart.cuCtxSynchronize;
import static org.bytedeco.cuda.global.cudart.cuDeviceGet;
import static org.bytedeco.cuda.global.cudart.cuDeviceGetAttribute;
import static org.bytedeco.cuda.global.cudart.cuDeviceGetCount;
import static org.bytedeco.cuda.global.cudart.cuDeviceGetName;
import static org.bytedeco.cuda.global.cudart.cuDevicePrimaryCtxRetain;
import static org.bytedeco.cuda.global.cudart.cuDeviceTotalMem;
import static org.bytedeco.cuda.global.cudart.cuInit;

import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * One GPU and its primary context. The primary context is the one the CUDA runtime (and so
 * cuBLAS) uses too, so driver-API kernels and cuBLAS GEMMs share memory and the legacy default
 * stream, which orders all work: no explicit synchronization is needed between them.
 *
 * <p>A driver context is current per host thread; every entry point that talks to the driver calls
 * {@link #makeCurrent()} first, so the backend can be used from any thread.
 */
final class CudaContext {
    private final int ordinal;
    private final int device;
    private final CUctx_st context;
    private final String name;
    private final int ccMajor;
    private final int ccMinor;
    private final long totalMemory;

    private CudaContext(int ordinal) {
        check(cuInit(0), "cuInit");
        int[] count = new int[1];
        check(cuDeviceGetCount(count), "cuDeviceGetCount");
        if (ordinal < 0 || ordinal >= count[0]) {
            throw new CudaException("CUDA device " + ordinal + " requested, " + count[0] + " present");
        }
        int[] handle = new int[1];
        check(cuDeviceGet(handle, ordinal), "cuDeviceGet");
        this.ordinal = ordinal;
        this.device = handle[0];
        this.context = new CUctx_st();
        check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
        byte[] text = new byte[256];
        check(cuDeviceGetName(text, text.length, device), "cuDeviceGetName");
        int len = 0;
        while (len < text.length && text[len] != 0) {
            len++;
        }
        this.name = new String(text, 0, len, java.nio.charset.StandardCharsets.UTF_8);
        this.ccMajor = attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, "compute capability major");
        this.ccMinor = attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, "compute capability minor");
        try (SizeTPointer bytes = new SizeTPointer(1)) {
            check(cuDeviceTotalMem(bytes, device), "cuDeviceTotalMem");
            this.totalMemory = bytes.get();
        }
    }

    /** Initializes the driver and retains the primary context of device {@code ordinal}. */
    static CudaContext open(int ordinal) {
        return new CudaContext(ordinal);
    }

    private int attribute(int attribute, String what) {
        int[] value = new int[1];
        check(cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute(" + what + ")");
        return value[0];
    }

    /** Makes this context current on the calling thread (cheap; safe to repeat). */
    void makeCurrent() {
        check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** Waits for all queued work; surfaces errors of earlier asynchronous launches. */
    void synchronize(String after) {
        makeCurrent();
        check(cuCtxSynchronize(), "cuCtxSynchronize after " + after);
    }

    int ordinal() {
        return ordinal;
    }

    String name() {
        return name;
    }

    /** Compute capability as major * 10 + minor, e.g. 90 for an H100. */
    int computeCapability() {
        return ccMajor * 10 + ccMinor;
    }

    long totalMemory() {
        return totalMemory;
    }

    @Override
    public String toString() {
        return "cuda:" + ordinal + " (" + name + ", sm_" + computeCapability() + ", "
                + (totalMemory >> 20) + " MiB)";
    }
}
