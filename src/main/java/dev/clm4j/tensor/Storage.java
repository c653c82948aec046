package dev.clm4j.tensor;

/** Where a tensor's float32 numbers live. Each backend owns its kind of storage. */
public interface Storage {
    /** Number of float32 elements. */
    long length();

    /** A short device name for messages: "host", "cuda:0". */
    String device();
}
