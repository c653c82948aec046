package dev.clm4j.io.onnx;

import java.util.List;
import java.util.Map;

/**
 * One NodeProto of the graph, reduced to what weight naming needs: which values it reads and
 * writes, and its integer attributes (Gemm's transB decides whether a weight is transposed).
 * Tensor attributes are not kept here: a Constant node's tensor is turned into an initializer by
 * {@link OnnxModelReader} instead (some exporters fold weights into Constant nodes).
 */
public record OnnxNode(String name, String opType, List<String> inputs, List<String> outputs,
                       Map<String, Long> intAttributes) {

    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        intAttributes = Map.copyOf(intAttributes);
    }

    public OnnxNode(String name, String opType, List<String> inputs, List<String> outputs) {
        this(name, opType, inputs, outputs, Map.of());
    }

    public long intAttribute(String attribute, long defaultValue) {
        return intAttributes.getOrDefault(attribute, defaultValue);
    }

    /** The input at a position, or null where the node has fewer inputs (optional inputs may be ""). */
    public String input(int index) {
        return index < inputs.size() && !inputs.get(index).isEmpty() ? inputs.get(index) : null;
    }
}
