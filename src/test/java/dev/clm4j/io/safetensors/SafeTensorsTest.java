package dev.clm4j.io.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.io.NamedArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractCollection;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    private static NamedArray array(String name, int[] shape, float... data) {
        return new NamedArray(name, shape, data);
    }

    private static Map<String, NamedArray> sample() {
        float[] big = new float[300_000]; // 1.2 MB: crosses the 1 MB copy chunk
        for (int i = 0; i < big.length; i++) {
            big[i] = i * 0.5f - 7;
        }
        Map<String, NamedArray> t = new LinkedHashMap<>();
        t.put("embeddings.word_embeddings.weight", array("embeddings.word_embeddings.weight", new int[] {2, 3},
                1, 2, 3, 4, 5, 6));
        t.put("special", array("special", new int[] {6}, Float.NaN, Float.intBitsToFloat(0x7fc01234), -0f,
                Float.POSITIVE_INFINITY, Float.MIN_VALUE, -Float.MAX_VALUE));
        t.put("scalar", array("scalar", new int[] {}, 42));
        t.put("empty", array("empty", new int[] {0, 5}));
        t.put("big", array("big", new int[] {300, 1000}, big));
        return t;
    }

    @Test
    void roundTripKeepsOrderShapesBitsAndMetadata() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("config", "{\"hidden\": 384}");
        meta.put("ünïcode", "çødé ✓");
        SafeTensors.write(file, sample(), meta);

        SafeTensorsFile read = SafeTensors.read(file);
        assertEquals(List.copyOf(sample().keySet()), List.copyOf(read.tensors().keySet()));
        for (NamedArray expected : sample().values()) {
            NamedArray actual = read.tensor(expected.name());
            assertEquals(expected.name(), actual.name());
            assertArrayEquals(expected.shape(), actual.shape(), expected.name());
            for (int i = 0; i < expected.data().length; i++) {
                assertEquals(Float.floatToRawIntBits(expected.data()[i]), Float.floatToRawIntBits(actual.data()[i]),
                        expected.name() + "[" + i + "]");
            }
        }
        assertEquals(meta, read.metadata());
        assertEquals(List.copyOf(meta.keySet()), List.copyOf(read.metadata().keySet()));
        StandardFormatCheck.assertStandard(Files.readAllBytes(file));
    }

    @Test
    void withoutMetadataTheKeyIsAbsent() throws IOException {
        Path file = dir.resolve("m.safetensors");
        SafeTensors.write(file, sample(), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        assertFalse(new String(bytes, StandardCharsets.UTF_8).contains("__metadata__"));
        assertTrue(SafeTensors.read(file).metadata().isEmpty());
        SafeTensors.write(file, sample(), null);
        assertTrue(SafeTensors.read(file).metadata().isEmpty());
        StandardFormatCheck.assertStandard(Files.readAllBytes(file));
    }

    /** Byte-for-byte what the reference implementation writes for the same input (its own test cases). */
    @Test
    void bytesMatchTheReferenceWriter() throws IOException {
        float[] six = {0, 1, 2, 3, 4, 5};
        assertEquals(expected("{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}", six),
                written(Map.of("attn.0", array("attn.0", new int[] {1, 2, 3}, six)), null));
        // 65 header bytes: padded with 7 spaces so the data starts at byte 80.
        assertEquals(expected("{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ", six),
                written(Map.of("attn0", array("attn0", new int[] {1, 1, 2, 3}, six)), null));
        assertEquals(expected("{}      ", new float[0]), written(Map.of(), null));
        assertEquals(expected("{\"__metadata__\":{\"framework\":\"pt\"}}     ", new float[0]),
                written(Map.of(), Map.of("framework", "pt")));
    }

    private String written(Map<String, NamedArray> tensors, Map<String, String> meta) throws IOException {
        Path file = dir.resolve("ref.safetensors");
        SafeTensors.write(file, tensors, meta);
        return hex(Files.readAllBytes(file));
    }

    private static String expected(String header, float[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (float f : data) {
            b.putFloat(f);
        }
        return hex(b.array());
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte x : bytes) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }

    @Test
    void readsFilesFromOtherWritersInAnyKeyOrderWithoutPadding() throws IOException {
        // Keys listed out of data order, spaces inside the JSON, header length not a multiple of 8.
        String header = "{ \"b\": {\"data_offsets\": [8, 12], \"dtype\": \"F32\", \"shape\": [1]},"
                + " \"__metadata__\": {\"k\": \"v\"}, \"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]} }";
        Path file = raw("foreign.safetensors", header, new float[] {1, 2, 3});
        SafeTensorsFile read = SafeTensors.read(file);
        assertEquals(List.of("a", "b"), List.copyOf(read.tensors().keySet()));
        assertArrayEquals(new float[] {1, 2}, read.tensor("a").data());
        assertArrayEquals(new float[] {3}, read.tensor("b").data());
        assertEquals(Map.of("k", "v"), read.metadata());
    }

    @Test
    void tamperedHeadersAreRejectedWithClearMessages() throws IOException {
        String ok = "\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":";
        assertRejected("{\"a\":{" + ok + "[0,8]},\"b\":{" + ok + "[4,12]}}", 12, "'b' overlaps 'a'");
        assertRejected("{\"a\":{" + ok + "[0,8]},\"b\":{" + ok + "[12,20]}}", 20, "gap in the data before tensor 'b'");
        assertRejected("{\"a\":{" + ok + "[0,8]}}", 12, "4 bytes after the last tensor belong to no tensor");
        assertRejected("{\"a\":{" + ok + "[0,12]}}", 12, "span 12 bytes but shape needs 8");
        assertRejected("{\"a\":{" + ok + "[8,0]}}", 8, "end 0 is before begin 8");
        assertRejected("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4,
                "dtype F16 is not supported (only F32)");
        assertRejected("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "dtype missing");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "not a dimension");
        assertRejected("{\"a\":{" + ok + "[0,8]},\"a\":{" + ok + "[0,8]}}", 8, "not valid JSON");
        assertRejected("{\"a\":{" + ok + "[0,8]}} x", 8, "not valid JSON");
        assertRejected("{\"a\":{" + ok + "[0,8]}", 8, "not valid JSON");
        assertRejected("[1,2]   ", 0, "does not start with '{'");
        assertRejected("{\"__metadata__\":{\"n\":1}}", 0, "value of 'n' is not a string");
    }

    private void assertRejected(String header, int dataBytes, String expectedProblem) throws IOException {
        Path file = raw("bad.safetensors", header, new float[dataBytes / 4]);
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(file), header);
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expectedProblem), "for " + header + " got: " + e.getMessage());
    }

    @Test
    void implausibleHeaderLengthIsRejectedBeforeAllocating() throws IOException {
        Path file = dir.resolve("huge.safetensors");
        byte[] bytes = new byte[64];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
        Files.write(file, bytes);
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().contains("header length 1099511627776 is not plausible"), e.getMessage());
    }

    @Test
    void flippedByteInAWrittenHeaderIsCaught() throws IOException {
        Path file = dir.resolve("flip.safetensors");
        SafeTensors.write(file, sample(), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\"F32\"");
        bytes[at + 2] = '6';
        bytes[at + 3] = '4';
        Files.write(file, bytes);
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().contains("dtype F64 is not supported"), e.getMessage());
    }

    @Test
    void truncatedFilesAreReportedAsTruncated() throws IOException {
        Path full = dir.resolve("full.safetensors");
        SafeTensors.write(full, sample(), Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(full);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int dataStart = (int) (8 + headerLength);
        for (int cut : new int[] {0, 5, 8, 20, dataStart - 1, dataStart, dataStart + 10, bytes.length - 1}) {
            Path file = dir.resolve("cut-" + cut + ".safetensors");
            Files.write(file, Arrays.copyOf(bytes, cut));
            IOException e = assertThrows(IOException.class, () -> SafeTensors.read(file), "cut at " + cut);
            assertTrue(e.getMessage().startsWith(file + ": file is truncated"), "cut at " + cut + ": " + e.getMessage());
        }
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("sub/dir/ckpt.safetensors");
        SafeTensors.write(file, Map.of("a", array("a", new int[] {1}, 1)), Map.of());
        SafeTensors.write(file, Map.of("b", array("b", new int[] {1}, 2)), Map.of());
        assertEquals(List.of("b"), List.copyOf(SafeTensors.read(file).tensors().keySet()));
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void failedWriteLeavesThePreviousFileIntact() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        SafeTensors.write(file, sample(), Map.of("v", "1"));
        byte[] before = Files.readAllBytes(file);

        Map<String, NamedArray> failing = new LinkedHashMap<>(sample()) {
            @Override
            public Collection<NamedArray> values() {
                return new FailingAfterFirst(super.values());
            }
        };
        assertThrows(UncheckedIOException.class, () -> SafeTensors.write(file, failing, Map.of("v", "2")));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(file, Map.of("__metadata__", array("__metadata__", new int[] {1}, 1)), null));
    }

    /** A value collection whose iteration fails after the first tensor, like a disk error mid-write. */
    private static final class FailingAfterFirst extends AbstractCollection<NamedArray> {
        private final Collection<NamedArray> inner;

        FailingAfterFirst(Collection<NamedArray> inner) {
            this.inner = inner;
        }

        @Override
        public Iterator<NamedArray> iterator() {
            Iterator<NamedArray> it = inner.iterator();
            return new Iterator<>() {
                int given;

                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public NamedArray next() {
                    if (given++ == 1) {
                        throw new UncheckedIOException(new IOException("simulated disk failure"));
                    }
                    return it.next();
                }
            };
        }

        @Override
        public int size() {
            return inner.size();
        }
    }

    private Path raw(String name, String header, float[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (float f : data) {
            b.putFloat(f);
        }
        Path file = dir.resolve(name);
        Files.write(file, b.array());
        return file;
    }
}
