package dev.clm4j.tensor.cuda;

import dev.clm4j.tensor.Indices;
import java.lang.ref.Cleaner;

/**
 * The device copy of an {@link Indices} list, cached in {@link Indices#deviceCopy} so that a static
 * list (a sparse mask, a row map) is uploaded once. The smallest and largest value are kept so that
 * bounds can be checked in constant time before a kernel would read or write out of range.
 */
final class DeviceIndices {
    private final DeviceMemory memory;
    private final long address;
    private final int length;
    private final int min;
    private final int max;
    @SuppressWarnings("unused") // held so the block lives exactly as long as this object
    private final Cleaner.Cleanable cleanable;

    private DeviceIndices(DeviceMemory memory, int[] values) {
        this.memory = memory;
        this.length = values.length;
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int v : values) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        this.min = lo;
        this.max = hi;
        this.address = memory.allocate(4L * values.length);
        memory.upload(address, values);
        this.cleanable = memory.track(this, address, 4L * values.length);
    }

    /** The device copy of {@code indices} in {@code memory}, uploaded on first use. */
    static DeviceIndices of(Indices indices, DeviceMemory memory) {
        if (indices.deviceCopy() instanceof DeviceIndices d && d.memory == memory && d.length == indices.length()) {
            return d;
        }
        DeviceIndices d = new DeviceIndices(memory, indices.array());
        indices.deviceCopy(d);
        return d;
    }

    long address() {
        return address;
    }

    int length() {
        return length;
    }

    /** Fails unless every value lies in [lo, hiExclusive); an empty list always passes. */
    void requireWithin(int lo, int hiExclusive, String op, String what) {
        if (length == 0) {
            return;
        }
        if (min < lo) {
            throw new IllegalArgumentException(op + ": " + what + " " + min + " outside [" + lo + ", " + hiExclusive + ")");
        }
        if (max >= hiExclusive) {
            throw new IllegalArgumentException(op + ": " + what + " " + max + " outside [" + lo + ", " + hiExclusive + ")");
        }
    }
}
