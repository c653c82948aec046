package dev.clm4j.tensor.cuda;

import static org.bytedeco.cuda.global.cudart.CUDA_SUCCESS;

import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Loader;

/**
 * Whether CUDA can run here, decided once without throwing: the JavaCPP JNI wrappers load (they
 * need libcudart.so.13, libcublas.so.13 and libcublasLt.so.13 on the library path, and the
 * driver's libcuda.so.1), the driver initializes, and it sees at least one GPU. Kernel loading is
 * deliberately not part of the check: a kernel that does not compile is a failure, not a reason to
 * skip the tests.
 */
final class CudaAvailability {
    private static String reason;
    private static boolean checked;

    private CudaAvailability() {
    }

    /** Null when CUDA is usable, otherwise a one-line explanation. */
    static synchronized String unavailableReason() {
        if (!checked) {
            reason = probe();
            checked = true;
        }
        return reason;
    }

    private static String probe() {
        try {
            Loader.load(cudart.class);
        } catch (LinkageError | RuntimeException e) {
            return "the CUDA runtime JNI bindings do not load (" + rootMessage(e) + "); the CUDA 13 libraries "
                    + "(libcudart.so.13, libcuda.so.1) must be on LD_LIBRARY_PATH";
        }
        try {
            int rc = cudart.cuInit(0);
            if (rc != CUDA_SUCCESS) {
                return "cuInit failed: " + CudaDriver.describe(rc) + " (no NVIDIA driver or GPU?)";
            }
            int[] count = new int[1];
            rc = cudart.cuDeviceGetCount(count);
            if (rc != CUDA_SUCCESS || count[0] == 0) {
                return "no CUDA device (" + (rc != CUDA_SUCCESS ? CudaDriver.describe(rc) : "count 0") + ")";
            }
        } catch (LinkageError | RuntimeException e) {
            return "the CUDA driver API is not usable (" + rootMessage(e) + ")";
        }
        try {
            Loader.load(cublas.class);
        } catch (LinkageError | RuntimeException e) {
            return "cuBLAS does not load (" + rootMessage(e) + "); libcublas.so.13 and libcublasLt.so.13 must be "
                    + "on LD_LIBRARY_PATH";
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
