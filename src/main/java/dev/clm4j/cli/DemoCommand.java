package dev.clm4j.cli;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Tape;
import dev.clm4j.model.BertConfig;
import dev.clm4j.model.Classifier;
import dev.clm4j.nn.AdamW;
import dev.clm4j.nn.Parameter;
import dev.clm4j.nn.Pooling;
import dev.clm4j.nn.Sequences;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.ReferenceBackend;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A self-check of the engine: trains a tiny random encoder on a synthetic keyword task (the label
 * is which keyword token occurs in the sequence) and prints the loss falling.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train a tiny random encoder on a synthetic task and print the loss (an install check).")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--steps", defaultValue = "200", description = "Training steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (steps < 1) {
            throw new UserError("--steps must be 1 or more, got " + steps);
        }
        Backend b = new ReferenceBackend();
        int classes = 4;
        Classifier model = Classifier.random(b, new BertConfig(23, 16, 2, 2, 32, 16, 2, 1e-12f), classes, Pooling.CLS, seed);
        List<Parameter> params = model.parameters();
        params.forEach(Parameter::trainAll);
        AdamW opt = AdamW.standard(b, 0f);
        SplittableRandom rng = new SplittableRandom(seed + 1);
        double window = 0;
        for (int step = 1; step <= steps; step++) {
            int batch = 16;
            int len = 8;
            int[] ids = new int[batch * len];
            float[] mask = new float[batch * len];
            int[] labels = new int[batch];
            for (int s = 0; s < batch; s++) {
                labels[s] = rng.nextInt(classes);
                ids[s * len] = 1;
                for (int i = 1; i < len; i++) {
                    ids[s * len + i] = 10 + rng.nextInt(13);
                    mask[s * len + i] = 1f;
                }
                mask[s * len] = 1f;
                ids[s * len + 1 + rng.nextInt(len - 1)] = 3 + labels[s];
            }
            Tape tape = new Tape();
            Ops ops = new Ops(b, tape);
            var loss = ops.crossEntropy(model.logits(ops, new Indices(ids), new Sequences(batch, len, b.upload(mask, batch, len))),
                    new Indices(labels));
            window += b.download(loss.value())[0];
            tape.backward(b, loss);
            opt.step(params, p -> 3e-3);
            if (step % 20 == 0) {
                System.out.printf("step %4d  loss %.4f%n", step, window / 20);
                window = 0;
            }
        }
        return 0;
    }
}
