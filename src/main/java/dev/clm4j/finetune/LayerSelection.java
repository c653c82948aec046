package dev.clm4j.finetune;

import dev.clm4j.model.Classifier;
import dev.clm4j.nn.EncoderLayer;
import dev.clm4j.nn.Parameter;
import java.util.List;

/**
 * Layer selection: the top {@code top} transformer layers train fully (with the head); the
 * embeddings and every layer below stay frozen. Nothing below the lowest trained layer changes, so
 * the trainer computes that frozen prefix once and starts every step from it.
 */
public final class LayerSelection implements TrainingMethod {
    public static final int DEFAULT_TOP = 2;

    private final int top;

    public LayerSelection(int top) {
        if (top < 1) {
            throw new IllegalArgumentException("layer selection needs at least 1 top layer, got " + top);
        }
        this.top = top;
    }

    @Override
    public String name() {
        return "layers";
    }

    /**
     * 5e-5: the trained layers are pretrained weights finetuned end to end, so the rate is full
     * finetuning's (Devlin et al.: 2e-5 to 5e-5; Lee et al. 2019, freezing lower layers, keep
     * that recipe), the top of the range for a small encoder.
     */
    @Override
    public double defaultEncoderLr() {
        return 5e-5;
    }

    public int top() {
        return top;
    }

    @Override
    public int frozenLayersHint(Classifier model) {
        return Math.max(0, model.encoder().layers().size() - top);
    }

    @Override
    public void configure(Classifier model, MethodContext context) {
        model.encoder().parameters().forEach(Parameter::freeze);
        List<EncoderLayer> layers = model.encoder().layers();
        int first = Math.max(0, layers.size() - top);
        if (layers.size() < top) {
            context.log().printf("layers: the encoder has only %d layers; all of them train%n", layers.size());
        }
        for (int l = first; l < layers.size(); l++) {
            layers.get(l).parameters().forEach(Parameter::trainAll);
        }
    }
}
