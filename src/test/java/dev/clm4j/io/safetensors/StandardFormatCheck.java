package dev.clm4j.io.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An independent check of a safetensors file against the rules of the reference implementation
 * (huggingface/safetensors, Metadata::validate and read_metadata) and the conventions of its
 * writer, written from the format description rather than from our reader.
 */
final class StandardFormatCheck {
    private StandardFormatCheck() {
    }

    static void assertStandard(byte[] file) throws IOException {
        assertTrue(file.length >= 8, "shorter than the 8-byte length prefix");
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertTrue(n > 0 && n <= 100_000_000L, "header length " + n);
        assertTrue(8 + n <= file.length, "header runs past the file");
        // Writer conventions: data 8-byte aligned, padding is spaces after the JSON object.
        assertEquals(0, (8 + n) % 8, "data is not 8-byte aligned");
        String header = new String(file, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{"), "header must start with '{'");
        String trimmed = header.stripTrailing();
        assertTrue(trimmed.endsWith("}"));
        assertTrue(header.substring(trimmed.length()).chars().allMatch(c -> c == ' '), "padding must be spaces");

        JsonNode root = new ObjectMapper().readTree(trimmed);
        List<long[]> spans = new ArrayList<>();
        boolean first = true;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); first = false) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                assertTrue(first, "the reference writer puts __metadata__ first");
                e.getValue().fields().forEachRemaining(m -> assertTrue(m.getValue().isTextual(), m.getKey()));
                continue;
            }
            JsonNode info = e.getValue();
            assertEquals(List.of("dtype", "shape", "data_offsets"), fieldNames(info), e.getKey());
            assertEquals("F32", info.get("dtype").asText());
            long elements = 1;
            for (JsonNode d : info.get("shape")) {
                assertTrue(d.isIntegralNumber() && d.longValue() >= 0);
                elements *= d.longValue();
            }
            long begin = info.get("data_offsets").get(0).longValue();
            long end = info.get("data_offsets").get(1).longValue();
            assertEquals(elements * 4, end - begin, e.getKey() + ": offsets disagree with shape x dtype size");
            spans.add(new long[] {begin, end});
        }
        spans.sort((a, b) -> Long.compare(a[0], b[0]));
        long start = 0;
        for (long[] s : spans) {
            assertEquals(start, s[0], "tensors must tile the data from offset 0 without gaps or overlap");
            start = s[1];
        }
        assertEquals(file.length, 8 + n + start, "the last tensor must end at the end of the file");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
