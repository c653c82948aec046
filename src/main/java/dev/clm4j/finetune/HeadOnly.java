package dev.clm4j.finetune;

import dev.clm4j.model.Classifier;
import dev.clm4j.nn.Parameter;

/** A linear probe: the encoder stays frozen; only the classifier head trains. */
public final class HeadOnly implements TrainingMethod {
    @Override
    public String name() {
        return "head";
    }

    /** Nothing in the encoder trains, so the rate is unused. */
    @Override
    public double defaultEncoderLr() {
        return 0;
    }

    @Override
    public int frozenLayersHint(Classifier model) {
        return model.encoder().layers().size();
    }

    @Override
    public void configure(Classifier model, MethodContext context) {
        model.encoder().parameters().forEach(Parameter::freeze);
    }
}
