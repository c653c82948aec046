package dev.clm4j.io;

import java.util.Arrays;

/**
 * A named float32 tensor as files store it: a row-major shape and its values. This is the unit
 * of exchange between the weight readers/writers (ONNX, safetensors) and the model package.
 *
 * <p>The array is not copied: weights run to tens of megabytes and are handed over once. Equality
 * is by identity (record default for arrays); compare contents with {@link #sameContent}.
 */
public record NamedArray(String name, int[] shape, float[] data) {

    public NamedArray {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("tensor name must not be empty");
        }
        long n = elementCount(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " holds "
                    + n + " values but data has " + data.length);
        }
    }

    /** Product of the dimensions; the empty shape (a scalar) holds one value. */
    public static long elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long size() {
        return data.length;
    }

    public int rank() {
        return shape.length;
    }

    public NamedArray rename(String newName) {
        return new NamedArray(newName, shape, data);
    }

    public boolean sameContent(NamedArray other) {
        return name.equals(other.name) && Arrays.equals(shape, other.shape) && Arrays.equals(data, other.data);
    }

    @Override
    public String toString() {
        return "NamedArray[" + name + " " + Arrays.toString(shape) + "]";
    }
}
