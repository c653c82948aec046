package dev.clm4j.io.safetensors;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clm4j.io.NamedArray;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a safetensors file: building it for a writer and parsing plus validating it
 * for a reader, by the rules of the reference implementation (huggingface/safetensors): tensor
 * bytes are contiguous from offset 0 with no gap or overlap, each is exactly shape x dtype size,
 * and "__metadata__" maps strings to strings. The header is padded with spaces so the data
 * starts 8-byte aligned.
 */
final class SafeTensorsHeader {
    static final String METADATA_KEY = "__metadata__";
    static final String F32 = "F32";
    /** The reference reader refuses headers above 100 MB; so do we, before allocating one. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    // Like the reference reader: a repeated key or anything but whitespace after the object is an error.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SafeTensorsHeader() {
    }

    /** Header bytes for these tensors laid out in map order, padded with spaces to a multiple of 8. */
    static byte[] build(Map<String, NamedArray> tensors, Map<String, String> metadata) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.getFactory().createGenerator(buf)) {
            g.writeStartObject();
            if (metadata != null && !metadata.isEmpty()) {
                g.writeObjectFieldStart(METADATA_KEY);
                for (Map.Entry<String, String> e : metadata.entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            long offset = 0;
            for (Map.Entry<String, NamedArray> e : tensors.entrySet()) {
                NamedArray a = e.getValue();
                long end = offset + (long) a.data().length * Float.BYTES;
                g.writeObjectFieldStart(e.getKey());
                g.writeStringField("dtype", F32);
                g.writeArrayFieldStart("shape");
                for (int d : a.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                g.writeNumber(end);
                g.writeEndArray();
                g.writeEndObject();
                offset = end;
            }
            g.writeEndObject();
        }
        while (buf.size() % 8 != 0) {
            buf.write(' ');
        }
        return buf.toByteArray();
    }

    /** Parsed and validated header content. */
    record Parsed(List<TensorEntry> entries, Map<String, String> metadata) {
    }

    /**
     * Parses the header and checks every entry against the data region's length.
     *
     * @param file       for messages
     * @param dataLength bytes that follow the header in the file
     */
    static Parsed parse(String file, byte[] header, long dataLength) throws IOException {
        JsonNode root = readJson(file, header);
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorEntry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(METADATA_KEY)) {
                readMetadata(file, field.getValue(), metadata);
            } else {
                entries.add(readEntry(file, field.getKey(), field.getValue()));
            }
        }
        checkLayout(file, entries, dataLength);
        return new Parsed(entries, metadata);
    }

    private static JsonNode readJson(String file, byte[] header) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(header)).toString();
        } catch (CharacterCodingException e) {
            throw error(file, "header is not valid UTF-8");
        }
        if (!text.startsWith("{")) {
            throw error(file, "header does not start with '{': not a safetensors file");
        }
        try {
            JsonNode root = JSON.readTree(text);
            if (root == null || !root.isObject()) {
                throw error(file, "header is not a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw error(file, "header is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static void readMetadata(String file, JsonNode node, Map<String, String> out) throws IOException {
        if (!node.isObject()) {
            throw error(file, METADATA_KEY + " must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw error(file, METADATA_KEY + " value of '" + e.getKey() + "' is not a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static TensorEntry readEntry(String file, String name, JsonNode node) throws IOException {
        String where = "tensor '" + name + "': ";
        if (!node.isObject()) {
            throw error(file, where + "entry is not an object");
        }
        JsonNode dtype = node.get("dtype");
        if (dtype == null || !dtype.isTextual()) {
            throw error(file, where + "dtype missing");
        }
        if (!dtype.textValue().equals(F32)) {
            throw error(file, where + "dtype " + dtype.textValue() + " is not supported (only F32)");
        }
        int[] shape = intArray(file, where + "shape", node.get("shape"));
        long[] offsets = longArray(file, where + "data_offsets", node.get("data_offsets"));
        if (offsets[1] < offsets[0]) {
            throw error(file, where + "data_offsets end " + offsets[1] + " is before begin " + offsets[0]);
        }
        long expected;
        try {
            expected = Math.multiplyExact(NamedArray.elementCount(shape), (long) Float.BYTES);
        } catch (ArithmeticException e) {
            throw error(file, where + "shape is too large");
        }
        if (expected > Integer.MAX_VALUE - 8L) {
            throw error(file, where + "tensor of " + expected + " bytes exceeds what one Java array holds");
        }
        if (offsets[1] - offsets[0] != expected) {
            throw error(file, where + "data_offsets " + offsets[0] + ".." + offsets[1] + " span "
                    + (offsets[1] - offsets[0]) + " bytes but shape needs " + expected);
        }
        return new TensorEntry(name, F32, shape, offsets[0], offsets[1]);
    }

    /** Entries sorted by offset must tile the data region exactly, as the reference reader requires. */
    private static void checkLayout(String file, List<TensorEntry> entries, long dataLength) throws IOException {
        List<TensorEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long expectedBegin = 0;
        String previous = null;
        for (TensorEntry e : sorted) {
            if (e.begin() < expectedBegin) {
                throw error(file, "tensor '" + e.name() + "' overlaps '" + previous + "' (bytes " + e.begin() + ".."
                        + e.end() + ")");
            }
            if (e.begin() > expectedBegin) {
                throw error(file, "gap in the data before tensor '" + e.name() + "' (bytes " + expectedBegin + ".."
                        + e.begin() + " belong to no tensor)");
            }
            if (e.end() > dataLength) {
                throw error(file, "file is truncated: tensor '" + e.name() + "' ends at data byte " + e.end()
                        + " but the data region holds only " + dataLength + " bytes");
            }
            expectedBegin = e.end();
            previous = e.name();
        }
        if (expectedBegin != dataLength) {
            throw error(file, (dataLength - expectedBegin) + " bytes after the last tensor belong to no tensor");
        }
    }

    private static int[] intArray(String file, String what, JsonNode node) throws IOException {
        if (node == null || !node.isArray()) {
            throw error(file, what + " missing or not an array");
        }
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
                throw error(file, what + " holds " + v + ", not a dimension");
            }
            out[i] = v.intValue();
        }
        return out;
    }

    private static long[] longArray(String file, String what, JsonNode node) throws IOException {
        if (node == null || !node.isArray() || node.size() != 2) {
            throw error(file, what + " must be [begin, end]");
        }
        long[] out = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw error(file, what + " holds " + v + ", not an offset");
            }
            out[i] = v.longValue();
        }
        return out;
    }

    static IOException error(String file, String problem) {
        return new IOException(file + ": " + problem);
    }
}
