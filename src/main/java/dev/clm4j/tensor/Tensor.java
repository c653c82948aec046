package dev.clm4j.tensor;

import java.util.Arrays;

/**
 * A dense, contiguous, row-major float32 tensor. The numbers live in a {@link Storage} owned by the
 * backend that made it (host memory for the Java backends, device memory for CUDA); a tensor never
 * moves between backends implicitly.
 */
public final class Tensor {
    private final int[] shape;
    private final Storage storage;

    public Tensor(Storage storage, int... shape) {
        long n = Shapes.size(shape);
        if (n != storage.length()) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + n + " elements, storage has " + storage.length());
        }
        this.shape = shape.clone();
        this.storage = storage;
    }

    /** A host tensor over the given array (not copied). */
    public static Tensor host(float[] data, int... shape) {
        return new Tensor(new HostStorage(data), shape);
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public int size() {
        return (int) storage.length();
    }

    /** Rows when viewed as a matrix [size / lastDim, lastDim]. */
    public int rows() {
        return shape.length == 0 ? 1 : size() / Math.max(1, shape[shape.length - 1]);
    }

    /** The last dimension (1 for a scalar). */
    public int cols() {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    public Storage storage() {
        return storage;
    }

    /** The host array behind this tensor; fails for device tensors. */
    public float[] data() {
        if (storage instanceof HostStorage h) {
            return h.array();
        }
        throw new IllegalStateException("tensor lives on " + storage.device() + ", not on the host");
    }

    /** A view with another shape over the same storage. */
    public Tensor reshape(int... newShape) {
        return new Tensor(storage, newShape);
    }

    public boolean sameShape(Tensor o) {
        return Arrays.equals(shape, o.shape);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + "@" + storage.device();
    }
}
