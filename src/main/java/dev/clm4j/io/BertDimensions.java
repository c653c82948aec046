package dev.clm4j.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The architecture numbers that can be read off BertModel weights: vocabulary, hidden size,
 * intermediate size, positions, token types and layer count. The number of attention heads
 * leaves no trace in the weights (Q/K/V are [hidden, hidden] whatever the split), so it comes
 * from the model card.
 */
public record BertDimensions(int vocabSize, int hidden, int layers, int intermediate, int maxPositions,
                             int typeVocabSize) {

    /**
     * Infers the numbers and checks every required tensor exists with the shape they imply.
     *
     * @throws IllegalArgumentException naming each missing or mis-shaped tensor
     */
    public static BertDimensions infer(Map<String, NamedArray> weights) {
        int[] word = shapeOf(weights, BertTensorNames.WORD_EMBEDDINGS, 2);
        int[] pos = shapeOf(weights, BertTensorNames.POSITION_EMBEDDINGS, 2);
        int[] types = shapeOf(weights, BertTensorNames.TOKEN_TYPE_EMBEDDINGS, 2);
        int[] inter = shapeOf(weights, BertTensorNames.layerPrefix(0) + "intermediate.dense.weight", 2);
        int layers = 0;
        for (String name : weights.keySet()) {
            layers = Math.max(layers, BertTensorNames.layerOf(name) + 1);
        }
        BertDimensions dims = new BertDimensions(word[0], word[1], layers, inter[0], pos[0], types[0]);
        List<String> problems = dims.check(weights);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("weights do not form a BERT encoder: " + String.join("; ", problems));
        }
        return dims;
    }

    /** Every required tensor's expected shape under these numbers, in canonical order. */
    public int[] expectedShape(String name) {
        if (name.equals(BertTensorNames.WORD_EMBEDDINGS)) {
            return new int[] {vocabSize, hidden};
        }
        if (name.equals(BertTensorNames.POSITION_EMBEDDINGS)) {
            return new int[] {maxPositions, hidden};
        }
        if (name.equals(BertTensorNames.TOKEN_TYPE_EMBEDDINGS)) {
            return new int[] {typeVocabSize, hidden};
        }
        if (name.endsWith("intermediate.dense.weight")) {
            return new int[] {intermediate, hidden};
        }
        if (name.endsWith("intermediate.dense.bias")) {
            return new int[] {intermediate};
        }
        if (name.endsWith(".output.dense.weight") && !name.contains("attention")) {
            return new int[] {hidden, intermediate};
        }
        if (name.endsWith(".weight") && !name.contains("LayerNorm")) {
            return new int[] {hidden, hidden};
        }
        return new int[] {hidden};
    }

    /** Problems (missing tensors, wrong shapes) of these weights under these numbers; empty if none. */
    public List<String> check(Map<String, NamedArray> weights) {
        List<String> problems = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : BertTensorNames.required(layers)) {
            NamedArray a = weights.get(name);
            if (a == null) {
                missing.add(name);
            } else if (!Arrays.equals(a.shape(), expectedShape(name))) {
                problems.add(name + " has shape " + Arrays.toString(a.shape()) + ", expected "
                        + Arrays.toString(expectedShape(name)));
            }
        }
        if (!missing.isEmpty()) {
            problems.add(0, "missing " + (missing.size() > 6 ? missing.subList(0, 6) + " and " + (missing.size() - 6)
                    + " more" : missing.toString()));
        }
        return problems;
    }

    /** Parameters of the encoder without pooler: embeddings plus layers. */
    public long encoderParameters() {
        long embeddings = (long) (vocabSize + maxPositions + typeVocabSize) * hidden + 2L * hidden;
        long attention = 4L * (hidden * (long) hidden + hidden) + 2L * hidden;
        long ffn = 2L * hidden * intermediate + intermediate + hidden + 2L * hidden;
        return embeddings + layers * (attention + ffn);
    }

    private static int[] shapeOf(Map<String, NamedArray> weights, String name, int rank) {
        NamedArray a = weights.get(name);
        if (a == null) {
            throw new IllegalArgumentException("weights do not form a BERT encoder: missing " + name);
        }
        if (a.rank() != rank) {
            throw new IllegalArgumentException(name + " has shape " + Arrays.toString(a.shape()) + ", expected rank " + rank);
        }
        return a.shape();
    }
}
