package dev.clm4j.io.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ONNX model's graph structure and initializers from a stream without running it.
 * The protobuf wire format is walked by field number with {@link CodedInputStream}; every nested
 * message is read under a pushed limit, so nothing is read past a declared length, and a short
 * stream ends in an IOException that says the file is truncated and where.
 *
 * <p>Fields used: ModelProto.graph=7; GraphProto node=1, initializer=5, input=11, output=12;
 * NodeProto input=1, output=2, name=3, op_type=4, attribute=5; AttributeProto name=1, i=3, t=5;
 * ValueInfoProto name=1. Everything else is skipped.
 */
public final class OnnxModelReader {
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTR_NAME = 1;
    private static final int ATTR_INT = 3;
    private static final int ATTR_TENSOR = 5;
    private static final int VALUE_INFO_NAME = 1;

    private final ParseContext ctx;
    private final CodedInputStream in;
    private final Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
    private final List<OnnxNode> nodes = new ArrayList<>();
    private final List<String> inputs = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();

    private OnnxModelReader(InputStream stream, String sourceName) {
        this.ctx = new ParseContext(stream, sourceName);
        this.in = ctx.in();
    }

    /**
     * Parses the model's main graph. Constant nodes that carry a tensor are added to the
     * initializers under their output name (some exporters store weights that way).
     * The stream is read to its end but not closed.
     */
    public static OnnxGraph read(InputStream stream, String sourceName) throws IOException {
        return new OnnxModelReader(stream, sourceName).readModel();
    }

    private OnnxGraph readModel() throws IOException {
        boolean sawGraph = false;
        try {
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (WireFormat.getTagFieldNumber(tag) == MODEL_GRAPH && isMessage(tag) && !sawGraph) {
                    ctx.at("graph");
                    int limit = in.pushLimit(readLength());
                    readGraph();
                    ctx.popLimit(limit);
                    sawGraph = true;
                    ctx.at("model fields after the graph");
                } else {
                    // Fields after the graph (opset_import, metadata) are skipped but still read to the
                    // end, so that a file cut inside them is reported rather than silently accepted.
                    in.skipField(tag);
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw ctx.translate(e);
        }
        if (!sawGraph) {
            throw new IOException(ctx.source() + ": no graph found in " + ctx.offset()
                    + " bytes: the file is truncated or is not an ONNX model");
        }
        return new OnnxGraph(initializers, nodes, inputs, outputs);
    }

    private void readGraph() throws IOException {
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (!isMessage(tag) || !isGraphFieldWeRead(field)) {
                in.skipField(tag);
                continue;
            }
            String element = switch (field) {
                case GRAPH_NODE -> "node #" + nodes.size();
                case GRAPH_INITIALIZER -> "initializer #" + initializers.size();
                case GRAPH_INPUT -> "graph input #" + inputs.size();
                default -> "graph output #" + outputs.size();
            };
            ctx.at(element);
            int limit = in.pushLimit(readLength());
            switch (field) {
                case GRAPH_NODE -> readNode();
                case GRAPH_INITIALIZER -> addInitializer(TensorProtoReader.read(ctx));
                case GRAPH_INPUT -> inputs.add(readValueInfoName());
                default -> outputs.add(readValueInfoName());
            }
            ctx.popLimit(limit);
            ctx.at("graph, after " + element);
        }
    }

    private static boolean isGraphFieldWeRead(int field) {
        return field == GRAPH_NODE || field == GRAPH_INITIALIZER || field == GRAPH_INPUT || field == GRAPH_OUTPUT;
    }

    private void readNode() throws IOException {
        String where = ctx.where();
        List<String> nodeInputs = new ArrayList<>();
        List<String> nodeOutputs = new ArrayList<>();
        List<OnnxTensor> tensorAttributes = new ArrayList<>();
        Map<String, Long> intAttributes = new LinkedHashMap<>();
        String name = "";
        String opType = "";
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (!isMessage(tag)) {
                in.skipField(tag);
                continue;
            }
            switch (field) {
                case NODE_INPUT -> nodeInputs.add(in.readString());
                case NODE_OUTPUT -> nodeOutputs.add(in.readString());
                case NODE_NAME -> {
                    name = in.readString();
                    ctx.at(where + " '" + name + "'");
                }
                case NODE_OP_TYPE -> opType = in.readString();
                case NODE_ATTRIBUTE -> {
                    int limit = in.pushLimit(readLength());
                    readAttribute(tensorAttributes, intAttributes);
                    ctx.popLimit(limit);
                }
                default -> in.skipField(tag);
            }
        }
        nodes.add(new OnnxNode(name, opType, nodeInputs, nodeOutputs, intAttributes));
        // A Constant node's "value" is a weight in all but name: expose it as an initializer named by its output.
        if (opType.equals("Constant") && tensorAttributes.size() == 1 && nodeOutputs.size() == 1) {
            OnnxTensor t = tensorAttributes.get(0);
            addInitializer(new OnnxTensor(nodeOutputs.get(0), t.dataType(), t.dims(), t.floats(), t.int64s()));
        }
    }

    /** Reads one AttributeProto, keeping its tensor (t=5) or its integer (i=3) where it has one. */
    private void readAttribute(List<OnnxTensor> tensors, Map<String, Long> ints) throws IOException {
        String name = "";
        Long intValue = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            int wire = WireFormat.getTagWireType(tag);
            if (field == ATTR_TENSOR && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(readLength());
                tensors.add(TensorProtoReader.read(ctx));
                ctx.popLimit(limit);
            } else if (field == ATTR_NAME && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                name = in.readString();
            } else if (field == ATTR_INT && wire == WireFormat.WIRETYPE_VARINT) {
                intValue = in.readInt64();
            } else {
                in.skipField(tag);
            }
        }
        if (intValue != null && !name.isEmpty()) {
            ints.put(name, intValue);
        }
    }

    private String readValueInfoName() throws IOException {
        String name = "";
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (WireFormat.getTagFieldNumber(tag) == VALUE_INFO_NAME && isMessage(tag)) {
                name = in.readString();
            } else {
                in.skipField(tag);
            }
        }
        return name;
    }

    private void addInitializer(OnnxTensor t) throws IOException {
        if (initializers.putIfAbsent(t.name(), t) != null) {
            throw ctx.malformed("two initializers are named '" + t.name() + "'");
        }
    }

    private int readLength() throws IOException {
        int length = in.readRawVarint32();
        if (length < 0) {
            throw ctx.malformed("negative length " + length);
        }
        return length;
    }

    private static boolean isMessage(int tag) {
        return WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }
}
