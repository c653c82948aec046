package dev.clm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clm4j.model.ModelCard;
import dev.clm4j.model.OnnxRuntimeOracle;
import dev.clm4j.model.Pretrained;
import dev.clm4j.tokenize.BertTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** `clm embed` reproduces the model's sentence embeddings: ONNX Runtime + mean pooling + L2 norm. */
class EmbedCommandTest {
    @Test
    void embeddingsMatchOnnxRuntimeWithMeanPooling() throws Exception {
        List<String> texts = List.of("I am still waiting on my card?", "what is the exchange rate for yen",
                "Café naïve — déjà vu!", "x");
        CliTest.Run r = CliTest.run(String.join("\n", texts) + "\n", "embed");
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(texts.size(), lines.length);
        ModelCard card = ModelCard.named("minilm-l6");
        BertTokenizer tokenizer = Pretrained.tokenizer(card);
        try (OnnxRuntimeOracle ort = new OnnxRuntimeOracle(card)) {
            for (int i = 0; i < texts.size(); i++) {
                JsonNode v = new ObjectMapper().readTree(lines[i]).get("vector");
                assertEquals(384, v.size());
                BertTokenizer.Batch b = tokenizer.encodeBatch(List.of(texts.get(i)), 256);
                float[] h = ort.lastHiddenState(b.ids(), b.mask(), 1, b.seqLen());
                double[] mean = new double[384];
                for (int t = 0; t < b.seqLen(); t++) {
                    for (int j = 0; j < 384; j++) {
                        mean[j] += h[t * 384 + j] / b.seqLen();
                    }
                }
                double dot = 0;
                double nm = 0;
                double nv = 0;
                for (int j = 0; j < 384; j++) {
                    dot += mean[j] * v.get(j).asDouble();
                    nm += mean[j] * mean[j];
                    nv += v.get(j).asDouble() * v.get(j).asDouble();
                }
                assertEquals(1.0, nv, 1e-4, "unit length");
                double cos = dot / Math.sqrt(nm * nv);
                assertTrue(cos >= 0.9999, "cosine " + cos + " for " + texts.get(i));
            }
        }
    }
}
