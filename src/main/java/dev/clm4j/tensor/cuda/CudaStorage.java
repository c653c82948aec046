package dev.clm4j.tensor.cuda;

import dev.clm4j.tensor.Storage;
import dev.clm4j.tensor.Tensor;
import java.lang.ref.Cleaner;

/**
 * Float32 storage in device memory: the device address and the element count. The block returns
 * to the allocator when this object is collected, or at {@link #close()} (for large temporaries
 * whose lifetime is known). Views made by {@link Tensor#reshape} share one storage.
 */
public final class CudaStorage implements Storage, AutoCloseable {
    private final long address;
    private final long length;
    private final String device;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean closed;

    CudaStorage(DeviceMemory memory, long length, String device) {
        this.length = length;
        this.device = device;
        this.address = memory.allocate(4 * length);
        this.cleanable = memory.track(this, address, 4 * length);
    }

    /** The device address of the first element (0 for an empty tensor). */
    public long address() {
        if (closed) {
            throw new IllegalStateException("cuda storage of " + length + " floats used after close()");
        }
        return address;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public String device() {
        return device;
    }

    /** Gives the memory back now; later use of any tensor on this storage fails. Idempotent. */
    @Override
    public void close() {
        closed = true;
        cleanable.clean();
    }

    /** The storage of a tensor that must live on the CUDA backend; {@code what} names the op for the message. */
    static CudaStorage of(Tensor t, String what) {
        if (t.storage() instanceof CudaStorage s) {
            return s;
        }
        throw new IllegalArgumentException(what + ": tensor " + t + " is not on the cuda backend "
                + "(upload it with the cuda backend first)");
    }
}
