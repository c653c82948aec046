package dev.clm4j.io.onnx;

import dev.clm4j.io.BertTensorNames;
import dev.clm4j.io.NamedArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds a small BERT encoder as PyTorch's ONNX exporter lays it out: named embedding, LayerNorm
 * and bias initializers; linear weights as anonymous "onnx::MatMul_N" initializers stored
 * [in, out] behind MatMul -> Add(bias, .) with scoped node names. It also returns the tensors
 * the import must produce, in Hugging Face names and [out, in] layout.
 */
final class TinyBertOnnx {
    final int layers;
    final int hidden;
    final int intermediate;
    final int vocab;
    final int positions;
    final int types;
    /** Prefix of the named initializers, e.g. "bert." in some exports. */
    String prefix = "";
    /** Fold every LayerNorm scale into one shared all-ones initializer (exporters deduplicate equal tensors). */
    boolean shareLayerNormOnes;
    /** A named initializer to leave out, to test the completeness check. */
    String omit;

    final Map<String, NamedArray> expected = new LinkedHashMap<>();
    private final OnnxProtoWriter w = new OnnxProtoWriter();
    private final Random random = new Random(42);
    private int anonymous = 100;

    TinyBertOnnx(int layers, int hidden, int intermediate, int vocab, int positions, int types) {
        this.layers = layers;
        this.hidden = hidden;
        this.intermediate = intermediate;
        this.vocab = vocab;
        this.positions = positions;
        this.types = types;
    }

    byte[] build() {
        w.graphInput("input_ids").graphInput("token_type_ids").graphOutput("last_hidden_state");
        w.int64(prefix + "embeddings.position_ids", new long[] {1, positions}, new long[positions]);
        String x = embeddings();
        for (int i = 0; i < layers; i++) {
            x = layer(i, x);
        }
        w.node("/Identity", "Identity", List.of(x), List.of("last_hidden_state"));
        return w.model();
    }

    private String embeddings() {
        String word = gather("embeddings.word_embeddings", vocab, "input_ids");
        String type = gather("embeddings.token_type_embeddings", types, "token_type_ids");
        String pos = gather("embeddings.position_embeddings", positions, "/embeddings/Slice_output_0");
        w.node("/embeddings/Add", "Add", List.of(word, type), List.of("/embeddings/Add_output_0"));
        w.node("/embeddings/Add_1", "Add", List.of("/embeddings/Add_output_0", pos), List.of("/embeddings/Add_1_output_0"));
        return layerNorm("embeddings.LayerNorm", "/embeddings/Add_1_output_0");
    }

    private String gather(String module, int rows, String indices) {
        named(module + ".weight", new int[] {rows, hidden});
        String scope = "/" + module.replace('.', '/');
        String out = scope + "/Gather_output_0";
        w.node(scope + "/Gather", "Gather", List.of(prefix + module + ".weight", indices), List.of(out));
        return out;
    }

    private String layer(int i, String x) {
        String p = "encoder.layer." + i + ".";
        String q = linear(p + "attention.self.query", hidden, hidden, x);
        String k = linear(p + "attention.self.key", hidden, hidden, x);
        String v = linear(p + "attention.self.value", hidden, hidden, x);
        String scope = "/encoder/layer." + i + "/attention/self/";
        w.node(scope + "MatMul", "MatMul", List.of(q, k), List.of(scope + "MatMul_output_0"));
        w.node(scope + "MatMul_1", "MatMul", List.of(scope + "MatMul_output_0", v), List.of(scope + "MatMul_1_output_0"));
        String attn = linear(p + "attention.output.dense", hidden, hidden, scope + "MatMul_1_output_0");
        String ln1 = layerNorm(p + "attention.output.LayerNorm", attn);
        String inter = linear(p + "intermediate.dense", hidden, intermediate, ln1);
        String out = linear(p + "output.dense", intermediate, hidden, inter);
        return layerNorm(p + "output.LayerNorm", out);
    }

    /** MatMul(x, W[in,out]) then Add(bias, .), as torch exports nn.Linear on a 3-D input. */
    private String linear(String module, int in, int out, String x) {
        NamedArray hf = random(module + ".weight", new int[] {out, in});
        expected.put(hf.name(), hf);
        float[] stored = new float[in * out];
        for (int o = 0; o < out; o++) {
            for (int j = 0; j < in; j++) {
                stored[j * out + o] = hf.data()[o * in + j];
            }
        }
        String weight = "onnx::MatMul_" + anonymous++;
        w.rawFloat(weight, new long[] {in, out}, stored);
        named(module + ".bias", new int[] {out});
        String scope = "/" + module.replace('.', '/').replace("/layer/", "/layer.");
        w.node(scope + "/MatMul", "MatMul", List.of(x, weight), List.of(scope + "/MatMul_output_0"));
        w.node(scope + "/Add", "Add", List.of(prefix + module + ".bias", scope + "/MatMul_output_0"),
                List.of(scope + "/Add_output_0"));
        return scope + "/Add_output_0";
    }

    /** LayerNorm decomposed as torch exports it before opset 17: ... Div, Mul(scale), Add(shift). */
    private String layerNorm(String module, String x) {
        String scope = "/" + module.replace('.', '/').replace("/layer/", "/layer.");
        String scale;
        if (shareLayerNormOnes) {
            scale = "onnx::Mul_shared_ones";
            float[] ones = new float[hidden];
            java.util.Arrays.fill(ones, 1f);
            if (expected.keySet().stream().noneMatch(n -> n.endsWith("LayerNorm.weight"))) {
                w.rawFloat(scale, new long[] {hidden}, ones);
            }
            expected.put(module + ".weight", new NamedArray(module + ".weight", new int[] {hidden}, ones));
        } else {
            named(module + ".weight", new int[] {hidden});
            scale = prefix + module + ".weight";
        }
        named(module + ".bias", new int[] {hidden});
        w.node(scope + "/Div", "Div", List.of(x, scope + "/Sqrt_output_0"), List.of(scope + "/Div_output_0"));
        w.node(scope + "/Mul", "Mul", List.of(scope + "/Div_output_0", scale), List.of(scope + "/Mul_output_0"));
        w.node(scope + "/Add_1", "Add", List.of(scope + "/Mul_output_0", prefix + module + ".bias"),
                List.of(scope + "/Add_1_output_0"));
        return scope + "/Add_1_output_0";
    }

    /** A named initializer (listed in float_data for 1-D, raw_data otherwise, to cover both encodings). */
    private void named(String hfName, int[] shape) {
        NamedArray a = random(hfName, shape);
        if (hfName.equals(omit)) {
            return;
        }
        expected.put(hfName, a);
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i];
        }
        if (shape.length == 1) {
            w.listedFloat(prefix + hfName, dims, a.data());
        } else {
            w.rawFloat(prefix + hfName, dims, a.data());
        }
    }

    private NamedArray random(String name, int[] shape) {
        float[] data = new float[(int) NamedArray.elementCount(shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return new NamedArray(name, shape, data);
    }

    /** The expected tensors in canonical order (how the import returns them). */
    Map<String, NamedArray> expectedInCanonicalOrder() {
        Map<String, NamedArray> ordered = new LinkedHashMap<>();
        for (String name : BertTensorNames.required(layers)) {
            if (expected.containsKey(name)) {
                ordered.put(name, expected.get(name));
            }
        }
        return ordered;
    }
}
