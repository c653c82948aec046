package dev.clm4j.finetune;

import dev.clm4j.model.Classifier;
import dev.clm4j.nn.EncoderLayer;
import dev.clm4j.nn.Linear;
import dev.clm4j.nn.LoraAdapter;
import dev.clm4j.nn.MultiHeadAttention;
import dev.clm4j.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * LoRA (Hu et al. 2021): every encoder weight stays frozen; low-rank adapters on the target
 * linears of every layer train (with the head). Adapters start at zero (B = 0), so training starts
 * from the pretrained encoder and the probe-warm-started head. After training {@link #finish}
 * merges them into the base weights, so the saved model is the plain architecture.
 *
 * <p>Cost: the adapters of layer 0 train, so backward runs through every layer for the input
 * gradients (no frozen prefix to cache), but no frozen weight gets a weight gradient.
 */
public final class LoraMethod implements TrainingMethod {
    private final LoraOptions options;

    public LoraMethod(LoraOptions options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "lora";
    }

    /**
     * 5e-4: Hu et al. trained LoRA on RoBERTa-base (GLUE) at 4e-4 to 5e-4 with r = 8, alpha = 16;
     * adapters starting from zero need about ten times the rate of full finetuning (PEFT's
     * examples use 3e-4 to 1e-3).
     */
    @Override
    public double defaultEncoderLr() {
        return 5e-4;
    }

    public LoraOptions options() {
        return options;
    }

    @Override
    public void configure(Classifier model, MethodContext context) {
        model.encoder().parameters().forEach(Parameter::freeze);
        // One seeded stream, walked in layer order: the same seed gives the same adapters.
        SplittableRandom rng = new SplittableRandom(context.config().seed() ^ 0x4C6F5241L);
        long count = 0;
        for (EncoderLayer layer : model.encoder().layers()) {
            for (Linear linear : targets(layer, options.targets())) {
                LoraAdapter adapter = linear.attachAdapter(context.backend(), rng, options.rank(), options.alpha(),
                        options.dropout());
                count += adapter.a().trainableCount() + adapter.b().trainableCount();
            }
        }
        context.log().printf("lora: rank %d, alpha %s, dropout %s on %s linears, %d adapter parameters%n",
                options.rank(), options.alpha(), options.dropout(),
                options.targets() == LoraOptions.Targets.QV ? "query and value" : "all", count);
    }

    /** Folds every adapter into its base weight: the model is a plain encoder again. */
    @Override
    public void finish(Classifier model, MethodContext context) {
        mergeAll(model, context);
    }

    static void mergeAll(Classifier model, MethodContext context) {
        for (EncoderLayer layer : model.encoder().layers()) {
            for (Linear linear : layer.linears()) {
                linear.mergeAdapter(context.backend());
            }
        }
    }

    static List<Linear> targets(EncoderLayer layer, LoraOptions.Targets targets) {
        if (targets == LoraOptions.Targets.ALL) {
            return layer.linears();
        }
        MultiHeadAttention attention = layer.attention();
        List<Linear> qv = new ArrayList<>();
        qv.add(attention.query());
        qv.add(attention.value());
        return qv;
    }
}
