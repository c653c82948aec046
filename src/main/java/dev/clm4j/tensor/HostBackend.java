package dev.clm4j.tensor;

/** The memory of the backends that compute on Java arrays: tensors are host arrays, copied in and out. */
public abstract class HostBackend implements Backend {

    @Override
    public Tensor zeros(int... shape) {
        return Tensor.host(new float[Math.toIntExact(Shapes.size(shape))], shape);
    }

    @Override
    public Tensor upload(float[] values, int... shape) {
        return Tensor.host(values.clone(), shape);
    }

    @Override
    public float[] download(Tensor t) {
        return t.data().clone();
    }

    @Override
    public void write(Tensor t, float[] values) {
        Shapes.require(values.length == t.size(), "write: %d values into %s", values.length, t);
        System.arraycopy(values, 0, t.data(), 0, values.length);
    }
}
