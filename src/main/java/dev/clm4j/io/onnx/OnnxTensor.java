package dev.clm4j.io.onnx;

import java.util.Arrays;

/**
 * One TensorProto: its name, ONNX element type and dims. Values are decoded for FLOAT tensors
 * ({@link #floats}) and INT64 tensors ({@link #int64s}, small shape constants in BERT exports);
 * for other types both are null and only the metadata is kept.
 */
public record OnnxTensor(String name, int dataType, long[] dims, float[] floats, long[] int64s) {

    /** TensorProto.DataType values used here. */
    public static final int FLOAT = 1;
    public static final int INT64 = 7;

    public boolean isFloat() {
        return dataType == FLOAT && floats != null;
    }

    /** Dims as int, for tensors that are known to fit in an array. */
    public int[] shape() {
        int[] s = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            s[i] = Math.toIntExact(dims[i]);
        }
        return s;
    }

    @Override
    public String toString() {
        return "OnnxTensor[" + name + " type=" + dataType + " " + Arrays.toString(dims) + "]";
    }
}
