package dev.clm4j.io.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Decodes one TensorProto from the current protobuf limit, by field number (no generated classes):
 * dims=1, data_type=2, float_data=4, int64_data=7, name=8, raw_data=9, data_location=14.
 * Values are decoded only for FLOAT and INT64; the element count must agree with dims.
 */
final class TensorProtoReader {
    private static final int DIMS = 1;
    private static final int DATA_TYPE = 2;
    private static final int FLOAT_DATA = 4;
    private static final int INT64_DATA = 7;
    private static final int NAME = 8;
    private static final int RAW_DATA = 9;
    private static final int DATA_LOCATION = 14;
    private static final int EXTERNAL = 1;

    private TensorProtoReader() {
    }

    /** Reads fields until the enclosing limit; the caller has pushed the message's length. */
    static OnnxTensor read(ParseContext ctx) throws IOException {
        CodedInputStream in = ctx.in();
        LongList dims = new LongList();
        LongList int64Data = new LongList();
        FloatList floatData = new FloatList();
        int dataType = 0;
        String name = "";
        byte[] raw = null;
        String outer = ctx.where();
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            int wire = WireFormat.getTagWireType(tag);
            checkWireType(ctx, field, wire);
            switch (field) {
                case DIMS -> readInt64s(ctx, wire, dims);
                case DATA_TYPE -> dataType = in.readInt32();
                case FLOAT_DATA -> readFloats(ctx, wire, floatData);
                case INT64_DATA -> readInt64s(ctx, wire, int64Data);
                case NAME -> {
                    name = in.readString();
                    ctx.at(outer + " '" + name + "'");
                }
                case RAW_DATA -> raw = readRaw(ctx);
                case DATA_LOCATION -> {
                    if (in.readEnum() == EXTERNAL) {
                        throw ctx.malformed("tensor '" + name + "' keeps its data in an external file, which is not supported");
                    }
                }
                default -> in.skipField(tag);
            }
        }
        ctx.checkComplete(); // before judging the values: a short file is "truncated", not "wrong size"
        long[] shape = dims.toArray();
        return switch (dataType) {
            case OnnxTensor.FLOAT -> new OnnxTensor(name, dataType, shape, floatValues(ctx, name, shape, raw, floatData), null);
            case OnnxTensor.INT64 -> new OnnxTensor(name, dataType, shape, null, int64Values(ctx, name, shape, raw, int64Data));
            default -> new OnnxTensor(name, dataType, shape, null, null);
        };
    }

    /** A scalar field with the wrong wire type would be misread silently; refuse it instead. */
    private static void checkWireType(ParseContext ctx, int field, int wire) throws IOException {
        int expected = switch (field) {
            case DATA_TYPE, DATA_LOCATION -> WireFormat.WIRETYPE_VARINT;
            case NAME, RAW_DATA -> WireFormat.WIRETYPE_LENGTH_DELIMITED;
            default -> wire;
        };
        if (wire != expected) {
            throw ctx.malformed("TensorProto field " + field + " has wire type " + wire + ", expected " + expected);
        }
    }

    private static byte[] readRaw(ParseContext ctx) throws IOException {
        String before = ctx.where();
        long at = ctx.offset();
        ctx.at(before + " raw_data starting at byte " + at);
        // readByteArray reads a long field in chunks, so a bogus length fails as truncation, not as a huge allocation.
        byte[] bytes = ctx.in().readByteArray();
        ctx.at(before);
        return bytes;
    }

    private static float[] floatValues(ParseContext ctx, String name, long[] dims, byte[] raw, FloatList listed)
            throws IOException {
        long expected = elementCount(ctx, name, dims);
        if (raw != null) {
            if (raw.length != expected * Float.BYTES) {
                throw ctx.malformed("tensor '" + name + "' has dims " + Arrays.toString(dims) + " (" + expected
                        + " floats) but raw_data holds " + raw.length + " bytes");
            }
            float[] values = new float[(int) expected];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return values;
        }
        if (listed.size() != expected) {
            throw ctx.malformed("tensor '" + name + "' has dims " + Arrays.toString(dims) + " (" + expected
                    + " floats) but float_data holds " + listed.size());
        }
        return listed.toArray();
    }

    private static long[] int64Values(ParseContext ctx, String name, long[] dims, byte[] raw, LongList listed)
            throws IOException {
        long expected = elementCount(ctx, name, dims);
        if (raw != null) {
            if (raw.length != expected * Long.BYTES) {
                throw ctx.malformed("int64 tensor '" + name + "' has dims " + Arrays.toString(dims)
                        + " but raw_data holds " + raw.length + " bytes");
            }
            long[] values = new long[(int) expected];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(values);
            return values;
        }
        if (listed.size() != expected) {
            throw ctx.malformed("int64 tensor '" + name + "' has dims " + Arrays.toString(dims)
                    + " but int64_data holds " + listed.size());
        }
        return listed.toArray();
    }

    private static long elementCount(ParseContext ctx, String name, long[] dims) throws IOException {
        long n = 1;
        for (long d : dims) {
            if (d < 0 || (d > 0 && n > (Integer.MAX_VALUE - 8) / d)) {
                throw ctx.malformed("tensor '" + name + "' has unusable dims " + Arrays.toString(dims));
            }
            n *= d;
        }
        return n;
    }

    private static void readInt64s(ParseContext ctx, int wire, LongList out) throws IOException {
        CodedInputStream in = ctx.in();
        if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) {
                out.add(in.readInt64());
            }
            ctx.popLimit(limit);
        } else {
            out.add(in.readInt64());
        }
    }

    private static void readFloats(ParseContext ctx, int wire, FloatList out) throws IOException {
        CodedInputStream in = ctx.in();
        if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) {
                out.add(in.readFloat());
            }
            ctx.popLimit(limit);
        } else {
            out.add(in.readFloat());
        }
    }

    /** Growable primitive lists: the declared length of a packed field is not trusted for allocation. */
    private static final class FloatList {
        private float[] a = new float[16];
        private int n;

        void add(float v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        float[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    private static final class LongList {
        private long[] a = new long[8];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
