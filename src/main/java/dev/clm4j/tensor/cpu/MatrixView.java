package dev.clm4j.tensor.cpu;

/**
 * A row-major matrix inside a float array: element (i, j) of the stored matrix is at
 * {@code data[off + i * ld + j]}. Lets one head of a [tokens, heads * dh] activation (ld = heads *
 * dh) take part in a product without being copied out.
 */
record MatrixView(float[] data, int off, int ld) {
    /** A dense matrix with rows of the given length, starting at the array's beginning. */
    static MatrixView of(float[] data, int cols) {
        return new MatrixView(data, 0, cols);
    }
}
