package dev.clm4j.tensor.cuda;

/** A failed CUDA, cuBLAS or NVRTC call; the message names the call (or kernel) and the error. */
public final class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CudaException(String message) {
        super(message);
    }

    public CudaException(String message, Throwable cause) {
        super(message, cause);
    }
}
