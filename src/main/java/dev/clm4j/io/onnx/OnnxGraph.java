package dev.clm4j.io.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX GraphProto needed to name weights: initializers by name (file order),
 * nodes in file order, and the graph's input and output names.
 */
public record OnnxGraph(Map<String, OnnxTensor> initializers, List<OnnxNode> nodes, List<String> inputs,
                        List<String> outputs) {

    public OnnxGraph {
        initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        nodes = List.copyOf(nodes);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** For each value name, the nodes that read it (in node order). */
    public Map<String, List<OnnxNode>> consumers() {
        Map<String, List<OnnxNode>> map = new HashMap<>();
        for (OnnxNode node : nodes) {
            for (String in : node.inputs()) {
                map.computeIfAbsent(in, k -> new ArrayList<>()).add(node);
            }
        }
        return map;
    }

    /** For each value name, the node that writes it. */
    public Map<String, OnnxNode> producers() {
        Map<String, OnnxNode> map = new HashMap<>();
        for (OnnxNode node : nodes) {
            for (String out : node.outputs()) {
                map.put(out, node);
            }
        }
        return map;
    }
}
