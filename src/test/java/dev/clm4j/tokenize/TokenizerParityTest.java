package dev.clm4j.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our tokenizer against Hugging Face's own (the Rust tokenizers library through DJL, test scope) on
 * the same tokenizer.json: identical ids on a few hundred varied texts.
 */
class TokenizerParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"all-minilm-l6-v2-tokenizer.json", "bge-small-en-v1.5-tokenizer.json"})
    void sameIdsAsHuggingFace(String resource) throws Exception {
        Path json = Files.createTempFile("tokenizer", ".json");
        try (InputStream in = getClass().getResourceAsStream("/" + resource)) {
            Files.copy(in, json, StandardCopyOption.REPLACE_EXISTING);
        }
        BertTokenizer ours = BertTokenizer.fromResource(resource);
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(json,
                Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"))) {
            for (String text : SampleTexts.sentences()) {
                Encoding e = hf.encode(text);
                long[] expected = e.getIds();
                int[] got = ours.encode(text, 100_000);
                long[] gotLong = new long[got.length];
                for (int i = 0; i < got.length; i++) {
                    gotLong[i] = got[i];
                }
                assertArrayEquals(expected, gotLong, () -> "text: " + text + "\nexpected tokens " + List.of(e.getTokens()));
            }
        } finally {
            Files.deleteIfExists(json);
        }
    }
}
