package dev.clm4j.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.io.BertDimensions;
import dev.clm4j.io.BertTensorNames;
import dev.clm4j.io.NamedArray;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The two BERT exports shipped in the langchain4j embedding jars (test classpath resources). */
class RealOnnxModelsTest {
    private static final String MINILM = "all-minilm-l6-v2.onnx";
    private static final String BGE = "bge-small-en-v1.5.onnx";

    @Test
    void miniLmL6ImportsWithHuggingFaceNamesAndLayout() throws IOException {
        OnnxGraph graph;
        try (InputStream in = open(MINILM)) {
            graph = OnnxModelReader.read(in, MINILM);
        }
        Map<String, NamedArray> w = OnnxWeights.nameBertWeights(graph, MINILM);

        BertDimensions dims = OnnxWeights.dimensions(w);
        assertEquals(new BertDimensions(30522, 384, 6, 1536, 512, 2), dims);
        checkEncoder(w, 6);
        assertArrayEquals(new int[] {384, 384}, w.get("pooler.dense.weight").shape());
        assertArrayEquals(new int[] {384}, w.get("pooler.dense.bias").shape());
        assertEquals(BertTensorNames.required(6).size() + 2, w.size(), "unexpected extras: " + w.keySet());
        // 22.7M: the Hugging Face count for this model with its pooler.
        assertEquals(22_713_216L, total(w));
        assertEquals(22_565_376L, dims.encoderParameters());

        // Layer 0's query weight is the transpose of the MatMul initializer that feeds its MatMul.
        OnnxNode matMul = graph.nodes().stream()
                .filter(n -> n.name().equals("/encoder/layer.0/attention/self/query/MatMul")).findFirst().orElseThrow();
        OnnxTensor stored = graph.initializers().get(matMul.inputs().get(1));
        assertTrue(stored.name().startsWith("onnx::MatMul_"), stored.name());
        NamedArray query = w.get("encoder.layer.0.attention.self.query.weight");
        for (int[] ij : new int[][] {{0, 0}, {1, 0}, {0, 1}, {17, 300}, {383, 5}}) {
            int in = ij[0];
            int out = ij[1];
            assertEquals(stored.floats()[in * 384 + out], query.data()[out * 384 + in]);
        }
    }

    @Test
    void bgeSmallImportsTwelveLayers() throws IOException {
        Map<String, NamedArray> w = OnnxWeights.readBertResource(BGE);
        assertEquals(new BertDimensions(30522, 384, 12, 1536, 512, 2), OnnxWeights.dimensions(w));
        checkEncoder(w, 12);
        // This export has no pooler: exactly the encoder, 33.2M parameters.
        assertEquals(BertTensorNames.required(12), List.copyOf(w.keySet()));
        assertEquals(33_212_160L, total(w));
    }

    @Test
    void truncatedRealModelNamesTheTensorBeingRead() throws IOException {
        // 20 MB in is inside the word embedding table (about 47 MB, the first large tensor).
        try (InputStream in = new FirstBytes(open(MINILM), 20_000_000)) {
            IOException e = assertThrows(IOException.class, () -> OnnxWeights.readBertWeights(in, MINILM));
            assertTrue(e.getMessage().startsWith(MINILM + ": file is truncated: input ended at byte 20000000"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("'embeddings.word_embeddings.weight'"), e.getMessage());
        }
    }

    private static void checkEncoder(Map<String, NamedArray> w, int layers) {
        assertArrayEquals(new int[] {30522, 384}, w.get("embeddings.word_embeddings.weight").shape());
        assertArrayEquals(new int[] {512, 384}, w.get("embeddings.position_embeddings.weight").shape());
        assertArrayEquals(new int[] {2, 384}, w.get("embeddings.token_type_embeddings.weight").shape());
        assertArrayEquals(new int[] {384}, w.get("embeddings.LayerNorm.weight").shape());
        assertArrayEquals(new int[] {384}, w.get("embeddings.LayerNorm.bias").shape());
        for (int i = 0; i < layers; i++) {
            String p = "encoder.layer." + i + ".";
            for (String m : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense")) {
                assertArrayEquals(new int[] {384, 384}, w.get(p + m + ".weight").shape(), p + m);
                assertArrayEquals(new int[] {384}, w.get(p + m + ".bias").shape(), p + m);
            }
            assertArrayEquals(new int[] {1536, 384}, w.get(p + "intermediate.dense.weight").shape());
            assertArrayEquals(new int[] {1536}, w.get(p + "intermediate.dense.bias").shape());
            assertArrayEquals(new int[] {384, 1536}, w.get(p + "output.dense.weight").shape());
            assertArrayEquals(new int[] {384}, w.get(p + "output.dense.bias").shape());
            for (String ln : List.of("attention.output.LayerNorm", "output.LayerNorm")) {
                assertArrayEquals(new int[] {384}, w.get(p + ln + ".weight").shape());
                assertArrayEquals(new int[] {384}, w.get(p + ln + ".bias").shape());
            }
        }
        assertFalse(w.containsKey("encoder.layer." + layers + ".output.dense.weight"));
        // Every tensor holds finite values, and LayerNorm scales are not the all-ones of an untrained model.
        for (NamedArray a : w.values()) {
            for (float v : a.data()) {
                assertTrue(Float.isFinite(v), a.name());
            }
        }
        float[] scale = w.get("encoder.layer.0.output.LayerNorm.weight").data();
        assertNotNull(scale);
        assertTrue(scale[0] != 1f || scale[1] != 1f);
    }

    private static long total(Map<String, NamedArray> w) {
        return w.values().stream().mapToLong(NamedArray::size).sum();
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = RealOnnxModelsTest.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException(resource + " is not on the test classpath");
        }
        return new BufferedInputStream(in, 1 << 20);
    }

    /** Only the first n bytes of a stream, as a file cut short would give. */
    private static final class FirstBytes extends FilterInputStream {
        private long left;

        FirstBytes(InputStream in, long n) {
            super(in);
            this.left = n;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            left--;
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), left);
        }
    }
}
