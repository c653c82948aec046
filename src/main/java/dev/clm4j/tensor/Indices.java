package dev.clm4j.tensor;

/**
 * A read-only list of int32 indices (token ids, labels, selected rows) handed to a backend. The
 * backend may keep a device copy, so a static list (a mask) is uploaded once, not every step.
 */
public final class Indices {
    private final int[] values;
    private Object deviceCopy;

    public Indices(int[] values) {
        this.values = values;
    }

    public static Indices of(int... values) {
        return new Indices(values);
    }

    public int length() {
        return values.length;
    }

    public int get(int i) {
        return values[i];
    }

    /** The values; callers must not modify them. */
    public int[] array() {
        return values;
    }

    /** A backend's cached copy (for example a device buffer), or null. */
    public Object deviceCopy() {
        return deviceCopy;
    }

    public void deviceCopy(Object copy) {
        this.deviceCopy = copy;
    }
}
