package dev.clm4j.io.safetensors;

/**
 * One tensor's line in a safetensors header: its shape and where its bytes lie, as offsets into
 * the data region that follows the header (begin inclusive, end exclusive).
 */
record TensorEntry(String name, String dtype, int[] shape, long begin, long end) {

    long byteLength() {
        return end - begin;
    }
}
