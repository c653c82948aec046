package dev.clm4j.io.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes small ONNX models in the protobuf wire format by field number, for tests: the same
 * fields the reader reads, produced independently with CodedOutputStream.
 */
final class OnnxProtoWriter {
    private final List<ByteString> nodes = new ArrayList<>();
    private final List<ByteString> initializers = new ArrayList<>();
    private final List<String> inputs = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();

    /** A FLOAT initializer whose values are in raw_data (little-endian bytes), as PyTorch writes them. */
    OnnxProtoWriter rawFloat(String name, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        initializers.add(tensor(name, 1, dims, out -> out.writeBytes(9, ByteString.copyFrom(b.array()))));
        return this;
    }

    /** A FLOAT initializer whose values are in the packed float_data field. */
    OnnxProtoWriter listedFloat(String name, long[] dims, float[] values) {
        initializers.add(tensor(name, 1, dims, out -> {
            out.writeTag(4, 2);
            out.writeUInt32NoTag(values.length * 4);
            for (float v : values) {
                out.writeFloatNoTag(v);
            }
        }));
        return this;
    }

    /** An INT64 initializer in unpacked int64_data. */
    OnnxProtoWriter int64(String name, long[] dims, long[] values) {
        initializers.add(tensor(name, 7, dims, out -> {
            for (long v : values) {
                out.writeInt64(7, v);
            }
        }));
        return this;
    }

    OnnxProtoWriter node(String name, String op, List<String> in, List<String> out) {
        return node(name, op, in, out, Map.of());
    }

    OnnxProtoWriter node(String name, String op, List<String> in, List<String> out, Map<String, Long> ints) {
        nodes.add(message(o -> {
            for (String s : in) {
                o.writeString(1, s);
            }
            for (String s : out) {
                o.writeString(2, s);
            }
            o.writeString(3, name);
            o.writeString(4, op);
            for (Map.Entry<String, Long> e : ints.entrySet()) {
                o.writeBytes(5, message(a -> {
                    a.writeString(1, e.getKey());
                    a.writeInt64(3, e.getValue());
                    a.writeInt32(20, 2); // AttributeType INT
                }));
            }
        }));
        return this;
    }

    /** A Constant node holding a raw FLOAT tensor in its "value" attribute. */
    OnnxProtoWriter constant(String name, String output, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        ByteString t = tensor("", 1, dims, out -> out.writeBytes(9, ByteString.copyFrom(b.array())));
        nodes.add(message(o -> {
            o.writeString(2, output);
            o.writeString(3, name);
            o.writeString(4, "Constant");
            o.writeBytes(5, message(a -> {
                a.writeString(1, "value");
                a.writeBytes(5, t);
                a.writeInt32(20, 4); // AttributeType TENSOR
            }));
        }));
        return this;
    }

    OnnxProtoWriter graphInput(String name) {
        inputs.add(name);
        return this;
    }

    OnnxProtoWriter graphOutput(String name) {
        outputs.add(name);
        return this;
    }

    /** ModelProto: ir_version, producer, opset_import, then the graph last (so every proper prefix is damaged). */
    byte[] model() {
        ByteString graph = message(g -> {
            for (ByteString n : nodes) {
                g.writeBytes(1, n);
            }
            g.writeString(2, "test-graph");
            for (ByteString t : initializers) {
                g.writeBytes(5, t);
            }
            for (String s : inputs) {
                g.writeBytes(11, message(v -> v.writeString(1, s)));
            }
            for (String s : outputs) {
                g.writeBytes(12, message(v -> v.writeString(1, s)));
            }
        });
        return message(m -> {
            m.writeInt64(1, 8);
            m.writeString(2, "clm4j-test");
            m.writeBytes(8, message(op -> {
                op.writeString(1, "");
                op.writeInt64(2, 17);
            }));
            m.writeBytes(7, graph);
        }).toByteArray();
    }

    private static ByteString tensor(String name, int dataType, long[] dims, Body values) {
        return message(t -> {
            for (long d : dims) {
                t.writeInt64(1, d);
            }
            t.writeInt32(2, dataType);
            t.writeString(8, name);
            values.write(t);
        });
    }

    @FunctionalInterface
    interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    static ByteString message(Body body) {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(buf);
            body.write(out);
            out.flush();
            return ByteString.copyFrom(buf.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
