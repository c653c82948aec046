package dev.clm4j.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnnxModelReaderTest {

    /** A MatMul -> Add chain with one raw_data weight, a float_data bias, an int64 constant and a Constant node. */
    static byte[] smallModel() {
        return new OnnxProtoWriter()
                .graphInput("x").graphOutput("y")
                .int64("embeddings.position_ids", new long[] {1, 3}, new long[] {0, 1, 2})
                .rawFloat("onnx::MatMul_7", new long[] {3, 2}, new float[] {1, 2, 3, 4, 5, 6})
                .listedFloat("encoder.layer.0.attention.self.query.bias", new long[] {2}, new float[] {0.5f, -0.5f})
                .constant("/Constant", "/Constant_output_0", new long[] {}, new float[] {2f})
                .node("/encoder/layer.0/attention/self/query/MatMul", "MatMul", List.of("x", "onnx::MatMul_7"),
                        List.of("mm"))
                .node("/encoder/layer.0/attention/self/query/Add", "Add",
                        List.of("encoder.layer.0.attention.self.query.bias", "mm"), List.of("y"))
                .model();
    }

    @Test
    void readsInitializersNodesAndGraphIo() throws IOException {
        OnnxGraph g = OnnxModelReader.read(new ByteArrayInputStream(smallModel()), "small.onnx");

        assertEquals(List.of("x"), g.inputs());
        assertEquals(List.of("y"), g.outputs());
        assertEquals(List.of("Constant", "MatMul", "Add"), g.nodes().stream().map(OnnxNode::opType).toList());
        assertEquals(List.of("x", "onnx::MatMul_7"), g.nodes().get(1).inputs());

        OnnxTensor w = g.initializers().get("onnx::MatMul_7");
        assertArrayEquals(new long[] {3, 2}, w.dims());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, w.floats());
        OnnxTensor b = g.initializers().get("encoder.layer.0.attention.self.query.bias");
        assertArrayEquals(new float[] {0.5f, -0.5f}, b.floats());
        OnnxTensor ids = g.initializers().get("embeddings.position_ids");
        assertEquals(OnnxTensor.INT64, ids.dataType());
        assertNull(ids.floats());
        assertArrayEquals(new long[] {0, 1, 2}, ids.int64s());
        // The Constant node's tensor is exposed under its output name.
        OnnxTensor c = g.initializers().get("/Constant_output_0");
        assertArrayEquals(new long[] {}, c.dims());
        assertArrayEquals(new float[] {2f}, c.floats());
    }

    @Test
    void everyTruncationIsReportedAsTruncated() {
        byte[] model = smallModel();
        for (int cut = 0; cut < model.length; cut++) {
            byte[] prefix = Arrays.copyOf(model, cut);
            try {
                OnnxModelReader.read(new ByteArrayInputStream(prefix), "cut.onnx");
                fail("a model cut at byte " + cut + " of " + model.length + " was accepted");
            } catch (IOException e) {
                assertTrue(e.getMessage().startsWith("cut.onnx: "), e.getMessage());
                assertTrue(e.getMessage().contains("truncated"), "cut at " + cut + ": " + e.getMessage());
            } catch (RuntimeException e) {
                throw new AssertionError("cut at " + cut + " crashed instead of reporting truncation", e);
            }
        }
    }

    @Test
    void truncationInsideRawDataNamesTheTensorAndOffset() {
        byte[] model = smallModel();
        byte[] weightBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).array();
        int at = indexOf(model, weightBytes);
        assertTrue(at > 0);
        byte[] prefix = Arrays.copyOf(model, at + 6);
        IOException e = assertThrows(IOException.class,
                () -> OnnxModelReader.read(new ByteArrayInputStream(prefix), "cut.onnx"));
        assertTrue(e.getMessage().contains("file is truncated: input ended at byte " + (at + 6)), e.getMessage());
        assertTrue(e.getMessage().contains("'onnx::MatMul_7'") && e.getMessage().contains("raw_data"), e.getMessage());
    }

    @Test
    void lengthLargerThanItsParentIsMalformedNotTruncated() {
        // graph { initializer (claims 100 bytes) + 8 bytes } followed by more file: the lie is inside the graph.
        byte[] graph = concat(new byte[] {(5 << 3) | 2, 100}, new byte[8]);
        byte[] model = concat(new byte[] {(7 << 3) | 2, (byte) graph.length}, graph, new byte[200]);
        IOException e = assertThrows(IOException.class,
                () -> OnnxModelReader.read(new ByteArrayInputStream(model), "bad.onnx"));
        assertTrue(e.getMessage().startsWith("bad.onnx: malformed ONNX file"), e.getMessage());
    }

    @Test
    void rawDataThatDisagreesWithDimsIsRejected() {
        byte[] model = new OnnxProtoWriter()
                .rawFloat("w", new long[] {2, 2}, new float[] {1, 2, 3})
                .model();
        IOException e = assertThrows(IOException.class,
                () -> OnnxModelReader.read(new ByteArrayInputStream(model), "dims.onnx"));
        assertTrue(e.getMessage().contains("'w' has dims [2, 2] (4 floats) but raw_data holds 12 bytes"), e.getMessage());
    }

    @Test
    void fileWithoutGraphIsRejected() {
        IOException e = assertThrows(IOException.class,
                () -> OnnxModelReader.read(new ByteArrayInputStream(new byte[] {8, 8}), "empty.onnx"));
        assertTrue(e.getMessage().contains("no graph found"), e.getMessage());
    }

    @Test
    void gemmTransBAttributeIsRead() throws IOException {
        byte[] model = new OnnxProtoWriter()
                .node("/pooler/dense/Gemm", "Gemm", List.of("a", "w", "b"), List.of("y"), Map.of("transB", 1L))
                .model();
        OnnxGraph g = OnnxModelReader.read(new ByteArrayInputStream(model), "gemm.onnx");
        assertEquals(1L, g.nodes().get(0).intAttribute("transB", 0));
        assertEquals(0L, g.nodes().get(0).intAttribute("transA", 0));
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }
}
