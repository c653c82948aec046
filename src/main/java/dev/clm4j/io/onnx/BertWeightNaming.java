package dev.clm4j.io.onnx;

import dev.clm4j.io.BertTensorNames;
import dev.clm4j.io.NamedArray;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives an ONNX export's float initializers their Hugging Face BertModel names and layouts.
 *
 * <p>PyTorch exports a Linear layer as {@code MatMul(x, W) -> Add(bias, .)} where W is an
 * anonymous initializer ("onnx::MatMul_885") holding the transposed weight, [in, out]. The bias
 * keeps its parameter name ("encoder.layer.0.attention.self.query.bias"), so the weight is named
 * by following MatMul's output to the Add and taking the Add's other input; it is transposed back
 * to [out, in]. When the bias is not named either, the node's scope ("/encoder/layer.0/attention/
 * self/query/MatMul") names the module. Gemm (used for the pooler) carries its own transB flag.
 *
 * <p>Named initializers (embeddings, LayerNorm) keep their name, normalised. Any tensor still
 * missing is looked for by role: the scale and shift of a LayerNorm scope's Mul/Add or of a
 * LayerNormalization node, and the table of an "*_embeddings" Gather. This covers exporters
 * that fold parameters into Constant nodes (read as initializers named by their output) or merge
 * initializers with equal values under one name (one tensor then serves several names).
 */
final class BertWeightNaming {
    private final OnnxGraph graph;
    private final String source;
    private final Map<String, List<OnnxNode>> consumers;
    private final Map<String, OnnxNode> producers;
    private final Map<String, NamedArray> named = new LinkedHashMap<>();
    private final Set<String> consumedAsLinearWeight = new HashSet<>();

    private BertWeightNaming(OnnxGraph graph, String source) {
        this.graph = graph;
        this.source = source;
        this.consumers = graph.consumers();
        this.producers = graph.producers();
    }

    /** Named tensors, canonical BERT names first (embeddings, then layer by layer), then the rest. */
    static Map<String, NamedArray> name(OnnxGraph graph, String source) throws IOException {
        BertWeightNaming naming = new BertWeightNaming(graph, source);
        for (OnnxNode node : graph.nodes()) {
            if (node.opType().equals("MatMul")) {
                naming.nameMatMul(node);
            } else if (node.opType().equals("Gemm")) {
                naming.nameGemm(node);
            }
        }
        naming.keepNamedInitializers();
        for (OnnxNode node : graph.nodes()) {
            naming.fillByRole(node);
        }
        return canonicalOrder(naming.named);
    }

    private void nameMatMul(OnnxNode matMul) throws IOException {
        OnnxTensor w = floatInitializer(matMul.input(1), 2);
        if (w == null) {
            return; // activation x activation (attention scores), not a layer
        }
        consumedAsLinearWeight.add(w.name());
        OnnxTensor bias = null;
        List<OnnxNode> next = consumers.getOrDefault(matMul.outputs().get(0), List.of());
        if (next.size() == 1 && next.get(0).opType().equals("Add")) {
            OnnxNode add = next.get(0);
            String other = matMul.outputs().get(0).equals(add.input(0)) ? add.input(1) : add.input(0);
            bias = floatInitializer(other, 1);
        }
        if (bias != null && bias.dims()[0] != w.dims()[1]) {
            throw new IOException(source + ": MatMul '" + matMul.name() + "' weight " + w.name() + " "
                    + Arrays.toString(w.dims()) + " does not fit bias " + bias.name() + " " + Arrays.toString(bias.dims()));
        }
        String module = moduleName(matMul, w, bias);
        put(module + ".weight", transpose(w));
        if (bias != null) {
            put(module + ".bias", array(bias));
        }
    }

    private void nameGemm(OnnxNode gemm) throws IOException {
        OnnxTensor w = floatInitializer(gemm.input(1), 2);
        if (w == null) {
            return;
        }
        consumedAsLinearWeight.add(w.name());
        OnnxTensor bias = floatInitializer(gemm.input(2), 1);
        String module = moduleName(gemm, w, bias);
        // Gemm computes A * (transB ? B^T : B); transB=1 means B is already [out, in].
        put(module + ".weight", gemm.intAttribute("transB", 0) != 0 ? array(w) : transpose(w));
        if (bias != null) {
            put(module + ".bias", array(bias));
        }
    }

    /** The module ("encoder.layer.0.attention.self.query") from the weight's own name, the bias, or the node scope. */
    private String moduleName(OnnxNode node, OnnxTensor w, OnnxTensor bias) throws IOException {
        String own = BertTensorNames.normalise(w.name());
        if (own != null && own.endsWith(".weight")) {
            return own.substring(0, own.length() - ".weight".length());
        }
        String fromBias = bias == null ? null : BertTensorNames.normalise(bias.name());
        if (fromBias != null && fromBias.endsWith(".bias")) {
            return fromBias.substring(0, fromBias.length() - ".bias".length());
        }
        String scope = scopeOf(node);
        if (scope != null) {
            return scope;
        }
        throw new IOException(source + ": cannot name weight '" + w.name() + "' of " + node.opType() + " node '"
                + node.name() + "': no named bias follows it and the node name has no module scope");
    }

    /** Initializers that already carry a parameter name keep it (normalised). */
    private void keepNamedInitializers() throws IOException {
        for (OnnxTensor t : graph.initializers().values()) {
            if (!t.isFloat() || consumedAsLinearWeight.contains(t.name())) {
                continue;
            }
            String name = BertTensorNames.normalise(t.name());
            if (name != null) {
                put(name, array(t));
            }
        }
    }

    /** Fills names still missing from the role a tensor plays in its node; never overrides. */
    private void fillByRole(OnnxNode node) {
        String scope = scopeOf(node);
        if (scope == null) {
            return;
        }
        switch (node.opType()) {
            case "LayerNormalization" -> {
                fill(scope + ".weight", floatInitializer(node.input(1), 1));
                fill(scope + ".bias", floatInitializer(node.input(2), 1));
            }
            case "Mul" -> {
                if (scope.endsWith("LayerNorm")) {
                    fill(scope + ".weight", initializerOperand(node, 1));
                }
            }
            case "Add" -> {
                // The shift is the Add that follows the scale's Mul; the other Add in the scope adds epsilon (a scalar).
                if (scope.endsWith("LayerNorm") && hasProducer(node, "Mul")) {
                    fill(scope + ".bias", initializerOperand(node, 1));
                }
            }
            case "Gather" -> {
                if (scope.endsWith("_embeddings")) {
                    fill(scope + ".weight", floatInitializer(node.input(0), 2));
                }
            }
            default -> {
            }
        }
    }

    private void fill(String name, OnnxTensor t) {
        if (t != null && !named.containsKey(name)) {
            named.put(name, array(t).rename(name));
        }
    }

    private boolean hasProducer(OnnxNode node, String opType) {
        for (String in : node.inputs()) {
            OnnxNode p = producers.get(in);
            if (p != null && p.opType().equals(opType)) {
                return true;
            }
        }
        return false;
    }

    /** The first input of the node that is a float initializer of this rank. */
    private OnnxTensor initializerOperand(OnnxNode node, int rank) {
        for (String in : node.inputs()) {
            OnnxTensor t = floatInitializer(in, rank);
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    private OnnxTensor floatInitializer(String name, int rank) {
        OnnxTensor t = name == null ? null : graph.initializers().get(name);
        return t != null && t.isFloat() && t.dims().length == rank ? t : null;
    }

    private void put(String name, NamedArray value) throws IOException {
        NamedArray previous = named.putIfAbsent(name, value.rename(name));
        if (previous != null && !(Arrays.equals(previous.shape(), value.shape())
                && Arrays.equals(previous.data(), value.data()))) {
            throw new IOException(source + ": two different tensors map to '" + name + "' (from '" + value.name()
                    + "' and '" + previous.name() + "')");
        }
    }

    /** "/encoder/layer.0/attention/self/query/MatMul" -> "encoder.layer.0.attention.self.query", or null. */
    static String scopeOf(OnnxNode node) {
        String n = node.name();
        int last = n.lastIndexOf('/');
        if (last <= 0) {
            return null;
        }
        String dotted = n.substring(n.startsWith("/") ? 1 : 0, last).replace('/', '.');
        return BertTensorNames.normalise(dotted);
    }

    private static NamedArray array(OnnxTensor t) {
        return new NamedArray(t.name(), t.shape(), t.floats());
    }

    /** [in, out] as ONNX stores it -> [out, in] as Hugging Face stores it. */
    static NamedArray transpose(OnnxTensor t) {
        int rows = Math.toIntExact(t.dims()[0]);
        int cols = Math.toIntExact(t.dims()[1]);
        float[] src = t.floats();
        float[] dst = new float[src.length];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                dst[c * rows + r] = src[base + c];
            }
        }
        return new NamedArray(t.name(), new int[] {cols, rows}, dst);
    }

    private static Map<String, NamedArray> canonicalOrder(Map<String, NamedArray> named) {
        int layers = 0;
        for (String name : named.keySet()) {
            layers = Math.max(layers, BertTensorNames.layerOf(name) + 1);
        }
        Map<String, NamedArray> ordered = new LinkedHashMap<>();
        for (String name : BertTensorNames.required(layers)) {
            NamedArray a = named.get(name);
            if (a != null) {
                ordered.put(name, a);
            }
        }
        named.forEach(ordered::putIfAbsent);
        return ordered;
    }
}
