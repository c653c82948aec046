package dev.clm4j.tensor.cuda;

import static org.bytedeco.cuda.global.cudart.CUDA_SUCCESS;
import static org.bytedeco.cuda.global.cudart.cuGetErrorName;
import static org.bytedeco.cuda.global.cudart.cuGetErrorString;

import org.bytedeco.javacpp.BytePointer;

/** Return-code checking for the CUDA driver API: every call goes through {@link #check}. */
final class CudaDriver {
    private CudaDriver() {
    }

    /** Throws a {@link CudaException} naming {@code call} unless rc is CUDA_SUCCESS. */
    static void check(int rc, String call) {
        if (rc != CUDA_SUCCESS) {
            throw new CudaException(call + " failed: " + describe(rc));
        }
    }

    /** "CUDA_ERROR_OUT_OF_MEMORY (2): out of memory". */
    static String describe(int rc) {
        return errorText(rc, true) + " (" + rc + "): " + errorText(rc, false);
    }

    private static String errorText(int rc, boolean name) {
        // The driver writes a pointer to a static string into the BytePointer (a const char** out-parameter).
        BytePointer text = new BytePointer((org.bytedeco.javacpp.Pointer) null);
        int status = name ? cuGetErrorName(rc, text) : cuGetErrorString(rc, text);
        if (status != CUDA_SUCCESS || text.isNull()) {
            return name ? "unknown CUDA error" : "no description";
        }
        return text.getString();
    }
}
