package dev.clm4j.tensor.cuda;

import static dev.clm4j.tensor.cuda.CudaDriver.check;
import static org.bytedeco.cuda.global.cudart.CUDA_ERROR_OUT_OF_MEMORY;
import static org.bytedeco.cuda.global.cudart.cuMemAlloc;
import static org.bytedeco.cuda.global.cudart.cuMemFree;
import static org.bytedeco.cuda.global.cudart.cuMemcpyDtoD;
import static org.bytedeco.cuda.global.cudart.cuMemcpyDtoH;
import static org.bytedeco.cuda.global.cudart.cuMemcpyHtoD;
import static org.bytedeco.cuda.global.cudart.cuMemsetD32;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * Device memory: allocation with a small cache of freed blocks, fills and copies.
 *
 * <p>Blocks are owned by Java objects (tensor storage, index lists) and come back through a
 * {@link Cleaner} when those are collected, or earlier through an explicit close. A released block
 * is kept for reuse by the next allocation of the same rounded size: training repeats the same
 * shapes every step, and cuMemAlloc/cuMemFree are slow and cuMemFree synchronizes the device.
 * Reuse is safe without events because all work runs on the one legacy default stream: a kernel
 * that writes a reused block is queued after every kernel that used it before.
 *
 * <p>The Java heap does not see device memory, so the collector may run too rarely; when an
 * allocation fails for lack of memory, the cache is returned to the driver, a collection is
 * requested, and the allocation is retried.
 */
final class DeviceMemory {
    /** Allocation granule: sizes are rounded up to it, so nearby sizes share cache entries. */
    private static final long GRANULE = 512;
    private static final Cleaner CLEANER = Cleaner.create();

    private final CudaContext context;
    private final long cacheLimit;
    private final Map<Long, ArrayDeque<Long>> cached = new HashMap<>();
    /** Blocks released from any thread (cleaners included); sorted into the cache when allocating. */
    private final ConcurrentLinkedQueue<long[]> released = new ConcurrentLinkedQueue<>();
    private long cachedBytes;

    DeviceMemory(CudaContext context) {
        this.context = context;
        long defaultLimit = context.totalMemory() / 4;
        this.cacheLimit = Long.getLong("clm.cuda.cacheMiB", defaultLimit >> 20) << 20;
    }

    /** A block of at least {@code bytes} bytes; contents undefined. Zero bytes gives address 0. */
    synchronized long allocate(long bytes) {
        if (bytes <= 0) {
            return 0;
        }
        long size = roundUp(bytes);
        sortReleased();
        ArrayDeque<Long> blocks = cached.get(size);
        if (blocks != null && !blocks.isEmpty()) {
            cachedBytes -= size;
            return blocks.pop();
        }
        return allocateFresh(size);
    }

    private long allocateFresh(long size) {
        context.makeCurrent();
        long[] address = new long[1];
        int rc = cuMemAlloc(address, size);
        for (int attempt = 1; rc == CUDA_ERROR_OUT_OF_MEMORY && attempt <= 3; attempt++) {
            System.gc();
            try {
                Thread.sleep(25L * attempt);  // let the cleaner thread queue what the collector found
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            sortReleased();
            trim();
            rc = cuMemAlloc(address, size);
        }
        check(rc, "cuMemAlloc(" + size + " bytes)");
        return address[0];
    }

    /** Returns a block (from any thread); it is reused or freed by a later allocation. */
    void release(long address, long bytes) {
        if (address != 0) {
            released.add(new long[] {address, roundUp(bytes)});
        }
    }

    /** Frees {@code owner}'s block when owner becomes unreachable; clean() frees it now. */
    Cleaner.Cleanable track(Object owner, long address, long bytes) {
        return CLEANER.register(owner, new Release(this, address, bytes));
    }

    /** The cleaning action; it must not refer to the owner, or the owner would never be collected. */
    private record Release(DeviceMemory memory, long address, long bytes) implements Runnable {
        @Override
        public void run() {
            memory.release(address, bytes);
        }
    }

    /** Returns every cached block to the driver. */
    synchronized void trim() {
        sortReleased();
        context.makeCurrent();
        for (ArrayDeque<Long> blocks : cached.values()) {
            for (long address : blocks) {
                check(cuMemFree(address), "cuMemFree");
            }
        }
        cached.clear();
        cachedBytes = 0;
    }

    private void sortReleased() {
        for (long[] block = released.poll(); block != null; block = released.poll()) {
            long address = block[0];
            long size = block[1];
            if (cachedBytes + size > cacheLimit) {
                context.makeCurrent();
                check(cuMemFree(address), "cuMemFree");
            } else {
                cached.computeIfAbsent(size, s -> new ArrayDeque<>()).push(address);
                cachedBytes += size;
            }
        }
    }

    private static long roundUp(long bytes) {
        return (bytes + GRANULE - 1) / GRANULE * GRANULE;
    }

    // ---- transfers and fills (synchronous with respect to the host, ordered on the default stream) ----

    void upload(long dst, float[] values) {
        if (values.length == 0) {
            return;
        }
        context.makeCurrent();
        try (FloatPointer host = new FloatPointer(values)) {
            check(cuMemcpyHtoD(dst, host, 4L * values.length), "cuMemcpyHtoD(" + values.length + " floats)");
        }
    }

    void upload(long dst, int[] values) {
        if (values.length == 0) {
            return;
        }
        context.makeCurrent();
        try (IntPointer host = new IntPointer(values)) {
            check(cuMemcpyHtoD(dst, host, 4L * values.length), "cuMemcpyHtoD(" + values.length + " ints)");
        }
    }

    float[] download(long src, int count) {
        float[] values = new float[count];
        if (count == 0) {
            return values;
        }
        context.makeCurrent();
        try (FloatPointer host = new FloatPointer(count)) {
            check(cuMemcpyDtoH(host, src, 4L * count), "cuMemcpyDtoH(" + count + " floats)");
            host.get(values);
        }
        return values;
    }

    double downloadDouble(long src) {
        context.makeCurrent();
        try (DoublePointer host = new DoublePointer(1)) {
            check(cuMemcpyDtoH(host, src, 8), "cuMemcpyDtoH(1 double)");
            return host.get();
        }
    }

    void copy(long dst, long src, long bytes) {
        if (bytes == 0) {
            return;
        }
        context.makeCurrent();
        check(cuMemcpyDtoD(dst, src, bytes), "cuMemcpyDtoD(" + bytes + " bytes)");
    }

    /** Sets {@code count} 32-bit words to zero (0.0f). */
    void zero(long dst, long count) {
        if (count == 0) {
            return;
        }
        context.makeCurrent();
        check(cuMemsetD32(dst, 0, count), "cuMemsetD32(" + count + " words)");
    }
}
