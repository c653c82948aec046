package dev.clm4j.finetune;

import dev.clm4j.model.Classifier;
import dev.clm4j.nn.Parameter;

/** End-to-end finetuning: every encoder parameter trains. */
public final class FullFinetuning implements TrainingMethod {
    @Override
    public String name() {
        return "full";
    }

    /** 5e-5: the usual BERT finetuning rate (Devlin et al. recommend 2e-5 to 5e-5); small models take the top. */
    @Override
    public double defaultEncoderLr() {
        return 5e-5;
    }

    @Override
    public void configure(Classifier model, MethodContext context) {
        model.encoder().parameters().forEach(Parameter::trainAll);
    }
}
