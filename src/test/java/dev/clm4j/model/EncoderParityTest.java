package dev.clm4j.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.autograd.Ops;
import dev.clm4j.nn.ClassifierHead;
import dev.clm4j.nn.Pooling;
import dev.clm4j.nn.Sequences;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Backends;
import dev.clm4j.tensor.Indices;
import dev.clm4j.tokenize.BertTokenizer;
import dev.clm4j.tokenize.SampleTexts;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our encoder against ONNX Runtime running the model's own graph (test-scoped oracle), on the same
 * token ids: 56 texts of varied length in padded batches of 8 on the cpu backend (fewer on the
 * slow scalar reference backend). last_hidden_state must agree to
 * 1e-4 (max abs) on every real token, and pooled, L2-normalised sentence embeddings to cosine 0.9999.
 */
class EncoderParityTest {

    @ParameterizedTest
    @CsvSource({"minilm-l6, cpu, 56", "bge-small, cpu, 56", "minilm-l6, reference, 16", "bge-small, reference, 8"})
    void lastHiddenStateMatchesOnnxRuntime(String modelName, String backendName, int textCount) throws Exception {
        ModelCard card = ModelCard.named(modelName);
        Backend backend = Backends.create(backendName, 0);
        BertTokenizer tokenizer = Pretrained.tokenizer(card);
        BertEncoder encoder = Pretrained.encoder(backend, card);
        ClassifierHead pooler = new ClassifierHead(backend, new SplittableRandom(0), 384, 1, card.defaultPooling());
        List<String> all = SampleTexts.sentences().stream().filter(s -> !s.isBlank()).limit(textCount).toList();
        double maxDiff = 0;
        double minCos = 1;
        try (OnnxRuntimeOracle ort = new OnnxRuntimeOracle(card)) {
            for (int start = 0; start < all.size(); start += 8) {
                List<String> texts = all.subList(start, Math.min(all.size(), start + 8));
                BertTokenizer.Batch b = tokenizer.encodeBatch(texts, 48);
                float[] expected = ort.lastHiddenState(b.ids(), b.mask(), b.batch(), b.seqLen());
                Sequences seq = new Sequences(b.batch(), b.seqLen(), backend.upload(b.mask(), b.batch(), b.seqLen()));
                Ops ops = Ops.inference(backend);
                var hidden = encoder.forward(ops, new Indices(b.ids()), seq);
                float[] got = backend.download(hidden.value());
                for (int i = 0; i < got.length; i++) {
                    if (b.mask()[i / 384] > 0) {
                        maxDiff = Math.max(maxDiff, Math.abs(got[i] - expected[i]));
                    }
                }
                float[] pooledOurs = backend.download(pooler.pool(ops, hidden, seq).value());
                float[] pooledOrt = pool(expected, b.mask(), b.batch(), b.seqLen(), card.defaultPooling());
                for (int s = 0; s < b.batch(); s++) {
                    minCos = Math.min(minCos, cosine(pooledOurs, pooledOrt, s * 384, 384));
                }
            }
        }
        assertTrue(maxDiff <= 1e-4, modelName + ": max abs difference " + maxDiff);
        assertTrue(minCos >= 0.9999, modelName + ": min cosine " + minCos);
    }

    private static float[] pool(float[] h, float[] mask, int batch, int len, Pooling pooling) {
        float[] out = new float[batch * 384];
        for (int b = 0; b < batch; b++) {
            double count = 0;
            for (int t = 0; t < len; t++) {
                if (pooling == Pooling.CLS && t > 0) {
                    break;
                }
                if (mask[b * len + t] > 0) {
                    count++;
                    for (int j = 0; j < 384; j++) {
                        out[b * 384 + j] += h[(b * len + t) * 384 + j];
                    }
                }
            }
            for (int j = 0; j < 384; j++) {
                out[b * 384 + j] /= count;
            }
        }
        return out;
    }

    private static double cosine(float[] a, float[] b, int off, int n) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = off; i < off + n; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
