package dev.clm4j.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.io.BertDimensions;
import dev.clm4j.io.NamedArray;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BertWeightNamingTest {

    private static Map<String, NamedArray> name(byte[] model) throws IOException {
        return OnnxWeights.nameBertWeights(OnnxModelReader.read(new ByteArrayInputStream(model), "t.onnx"), "t.onnx");
    }

    @Test
    void matMulWeightIsNamedByTheBiasOfItsAddAndTransposed() throws IOException {
        Map<String, NamedArray> w = name(OnnxModelReaderTest.smallModel());

        NamedArray q = w.get("encoder.layer.0.attention.self.query.weight");
        assertArrayEquals(new int[] {2, 3}, q.shape());
        // Stored [in=3, out=2] as [[1,2],[3,4],[5,6]]; Hugging Face keeps [out, in].
        assertArrayEquals(new float[] {1, 3, 5, 2, 4, 6}, q.data());
        assertArrayEquals(new float[] {0.5f, -0.5f}, w.get("encoder.layer.0.attention.self.query.bias").data());
        // Neither the int64 buffer nor the anonymous scalar constant is a weight.
        assertEquals(List.of("encoder.layer.0.attention.self.query.weight", "encoder.layer.0.attention.self.query.bias"),
                List.copyOf(w.keySet()));
    }

    @Test
    void biasMayComeSecondAndPrefixesAreDropped() throws IOException {
        byte[] model = new OnnxProtoWriter()
                .rawFloat("onnx::MatMul_8", new long[] {2, 4}, new float[] {1, 2, 3, 4, 5, 6, 7, 8})
                .rawFloat("bert.encoder.layer.0.intermediate.dense.bias", new long[] {4}, new float[] {1, 1, 1, 1})
                .node("MatMul_3", "MatMul", List.of("x", "onnx::MatMul_8"), List.of("mm"))
                .node("Add_4", "Add", List.of("mm", "bert.encoder.layer.0.intermediate.dense.bias"), List.of("y"))
                .model();
        Map<String, NamedArray> w = name(model);
        NamedArray weight = w.get("encoder.layer.0.intermediate.dense.weight");
        assertArrayEquals(new int[] {4, 2}, weight.shape());
        assertArrayEquals(new float[] {1, 5, 2, 6, 3, 7, 4, 8}, weight.data());
        assertTrue(w.containsKey("encoder.layer.0.intermediate.dense.bias"));
    }

    @Test
    void gemmFollowsTransB() throws IOException {
        byte[] model = new OnnxProtoWriter()
                .rawFloat("pooler.dense.weight", new long[] {2, 2}, new float[] {1, 2, 3, 4})
                .rawFloat("pooler.dense.bias", new long[] {2}, new float[] {0, 0})
                .rawFloat("onnx::Gemm_9", new long[] {2, 2}, new float[] {1, 2, 3, 4})
                .rawFloat("encoder.layer.0.intermediate.dense.bias", new long[] {2}, new float[] {0, 0})
                .node("/pooler/dense/Gemm", "Gemm", List.of("h", "pooler.dense.weight", "pooler.dense.bias"),
                        List.of("p"), Map.of("transB", 1L))
                .node("/encoder/layer.0/intermediate/dense/Gemm", "Gemm",
                        List.of("p", "onnx::Gemm_9", "encoder.layer.0.intermediate.dense.bias"), List.of("c"))
                .model();
        Map<String, NamedArray> w = name(model);
        // transB=1: B is already [out, in] and named; kept as is.
        assertArrayEquals(new float[] {1, 2, 3, 4}, w.get("pooler.dense.weight").data());
        // transB=0 (the default): B is [in, out] and is transposed.
        assertArrayEquals(new float[] {1, 3, 2, 4}, w.get("encoder.layer.0.intermediate.dense.weight").data());
    }

    @Test
    void foldedConstantsAreNamedByTheirNodeScope() throws IOException {
        // Bias and LayerNorm scale folded into Constant nodes: only the node names say what they are.
        byte[] model = new OnnxProtoWriter()
                .rawFloat("onnx::MatMul_1", new long[] {1, 2}, new float[] {3, 4})
                .constant("/encoder/layer.1/output/dense/Constant", "/encoder/layer.1/output/dense/Constant_output_0",
                        new long[] {2}, new float[] {7, 8})
                .constant("/encoder/layer.1/output/LayerNorm/Constant_2",
                        "/encoder/layer.1/output/LayerNorm/Constant_2_output_0", new long[] {2}, new float[] {9, 10})
                .rawFloat("onnx::Add_99", new long[] {2}, new float[] {11, 12})
                .constant("/encoder/layer.1/output/LayerNorm/Constant_1",
                        "/encoder/layer.1/output/LayerNorm/Constant_1_output_0", new long[] {}, new float[] {1e-12f})
                .node("/encoder/layer.1/output/dense/MatMul", "MatMul", List.of("x", "onnx::MatMul_1"), List.of("mm"))
                .node("/encoder/layer.1/output/dense/Add", "Add",
                        List.of("/encoder/layer.1/output/dense/Constant_output_0", "mm"), List.of("d"))
                .node("/encoder/layer.1/output/LayerNorm/Add", "Add",
                        List.of("var", "/encoder/layer.1/output/LayerNorm/Constant_1_output_0"), List.of("ve"))
                .node("/encoder/layer.1/output/LayerNorm/Mul", "Mul",
                        List.of("d", "/encoder/layer.1/output/LayerNorm/Constant_2_output_0"), List.of("m"))
                .node("/encoder/layer.1/output/LayerNorm/Add_1", "Add", List.of("m", "onnx::Add_99"), List.of("y"))
                .model();
        Map<String, NamedArray> w = name(model);
        assertArrayEquals(new float[] {3, 4}, w.get("encoder.layer.1.output.dense.weight").data());
        assertArrayEquals(new int[] {2, 1}, w.get("encoder.layer.1.output.dense.weight").shape());
        assertArrayEquals(new float[] {7, 8}, w.get("encoder.layer.1.output.dense.bias").data());
        assertArrayEquals(new float[] {9, 10}, w.get("encoder.layer.1.output.LayerNorm.weight").data());
        assertArrayEquals(new float[] {11, 12}, w.get("encoder.layer.1.output.LayerNorm.bias").data());
        assertEquals(4, w.size(), "the epsilon constant must not become a tensor: " + w.keySet());
    }

    @Test
    void unnameableWeightIsAClearError() {
        byte[] model = new OnnxProtoWriter()
                .rawFloat("onnx::MatMul_5", new long[] {2, 2}, new float[] {1, 2, 3, 4})
                .node("MatMul_5", "MatMul", List.of("x", "onnx::MatMul_5"), List.of("y"))
                .model();
        IOException e = assertThrows(IOException.class, () -> name(model));
        assertTrue(e.getMessage().contains("cannot name weight 'onnx::MatMul_5'"), e.getMessage());
    }

    @Test
    void tinyBertImportsCompletelyWithHuggingFaceLayout() throws IOException {
        TinyBertOnnx tiny = new TinyBertOnnx(2, 4, 8, 11, 6, 2);
        byte[] model = tiny.build();
        Map<String, NamedArray> w = OnnxWeights.readBertWeights(new ByteArrayInputStream(model), "tiny.onnx");
        assertSameTensors(tiny.expectedInCanonicalOrder(), w);
        assertEquals(new BertDimensions(11, 4, 2, 8, 6, 2), OnnxWeights.dimensions(w));
    }

    @Test
    void bertPrefixAndSharedLayerNormScalesAreHandled() throws IOException {
        TinyBertOnnx tiny = new TinyBertOnnx(2, 4, 8, 11, 6, 2);
        tiny.prefix = "bert.";
        tiny.shareLayerNormOnes = true;
        Map<String, NamedArray> w = OnnxWeights.readBertWeights(new ByteArrayInputStream(tiny.build()), "tiny.onnx");
        assertSameTensors(tiny.expectedInCanonicalOrder(), w);
        assertFalse(w.keySet().stream().anyMatch(n -> n.startsWith("bert.")));
    }

    @Test
    void missingTensorIsNamedInTheError() {
        TinyBertOnnx tiny = new TinyBertOnnx(1, 4, 8, 11, 6, 2);
        tiny.omit = "encoder.layer.0.output.LayerNorm.bias";
        IOException e = assertThrows(IOException.class,
                () -> OnnxWeights.readBertWeights(new ByteArrayInputStream(tiny.build()), "tiny.onnx"));
        assertTrue(e.getMessage().startsWith("tiny.onnx: "), e.getMessage());
        assertTrue(e.getMessage().contains("missing [encoder.layer.0.output.LayerNorm.bias]"), e.getMessage());
    }

    static void assertSameTensors(Map<String, NamedArray> expected, Map<String, NamedArray> actual) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
        for (NamedArray e : expected.values()) {
            NamedArray a = actual.get(e.name());
            assertArrayEquals(e.shape(), a.shape(), e.name());
            assertArrayEquals(e.data(), a.data(), e.name());
        }
    }
}
