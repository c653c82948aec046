package dev.clm4j.tensor;

/** Storage in a Java float array. */
public record HostStorage(float[] array) implements Storage {
    @Override
    public long length() {
        return array.length;
    }

    @Override
    public String device() {
        return "host";
    }
}
