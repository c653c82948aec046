package dev.clm4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Tape;
import dev.clm4j.autograd.Var;
import dev.clm4j.finetune.MethodContext;
import dev.clm4j.finetune.TokenizedExample;
import dev.clm4j.finetune.TrainConfig;
import dev.clm4j.finetune.TokenizerVocabulary;
import dev.clm4j.finetune.TrainingMethod;
import dev.clm4j.finetune.clm.ClmMethod;
import dev.clm4j.model.Pretrained;
import dev.clm4j.tokenize.BertTokenizer;
import dev.clm4j.model.Classifier;
import dev.clm4j.model.ModelCard;
import dev.clm4j.nn.AdamW;
import dev.clm4j.nn.Parameter;
import dev.clm4j.nn.Sequences;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Indices;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Times whole inference passes or training steps of a model-sized encoder on random token ids and
 * random weights of the model's shapes (speed does not depend on the values), and prints one JSON
 * line. Peers (ONNX Runtime, PyTorch) are timed by the runners in benchmarks/.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time inference or a training step; prints one JSON line (ms_per_iter, seq_per_s, settings).")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "infer or train")
    String mode;

    @Option(names = "--method", defaultValue = "full", description = "Finetuning method for train (default ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--model", defaultValue = ModelCard.DEFAULT, description = "Model card (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--batch", defaultValue = "32", description = "Sequences per batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", description = "Tokens per sequence (default 128 for infer, 64 for train).")
    Integer seq;

    @Option(names = "--threads", defaultValue = "0", description = "Threads for the cpu backend (0: all cores).")
    int threads;

    @Option(names = "--backend", defaultValue = "cpu", description = "cpu, reference or cuda (default ${DEFAULT-VALUE}).")
    String backendName;

    @Option(names = "--iters", defaultValue = "10", description = "Timed iterations (default ${DEFAULT-VALUE}).")
    int iters;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed iterations first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--classes", defaultValue = "77", description = "Classes of the head (default ${DEFAULT-VALUE}).")
    int classes;

    @Override
    public Integer call() throws Exception {
        if (!mode.equals("infer") && !mode.equals("train")) {
            throw new UserError("bench: the mode is 'infer' or 'train', not '" + mode + "'");
        }
        int len = seq != null ? seq : mode.equals("infer") ? 128 : 64;
        if (batch < 1 || len < 2 || iters < 1 || warmup < 0) {
            throw new UserError("bench: --batch, --seq, --iters must be positive");
        }
        ModelCard card = CliSupport.card(model);
        Backend backend = CliSupport.backend(backendName, threads);
        Classifier classifier = Classifier.random(backend, card.architecture(), classes, card.defaultPooling(), 1);
        SplittableRandom rng = new SplittableRandom(2);
        int[] ids = new int[batch * len];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % len == 0 ? 101 : i % len == len - 1 ? 102 : 1000 + rng.nextInt(20000);
        }
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = rng.nextInt(classes);
        }
        float[] mask = new float[batch * len];
        Arrays.fill(mask, 1f);
        Sequences sequences = new Sequences(batch, len, backend.upload(mask, batch, len));
        Indices tokenIds = new Indices(ids);
        Indices labelIds = new Indices(labels);

        Runnable step;
        int frozenLayers = 0;
        if (mode.equals("infer")) {
            step = () -> backend.download(classifier.logits(Ops.inference(backend), tokenIds, sequences).value());
        } else {
            TrainingMethod m = CliSupport.method(method);
            List<TokenizedExample> data = new ArrayList<>();
            for (int b = 0; b < batch; b++) {
                data.add(new TokenizedExample(Arrays.copyOfRange(ids, b * len, (b + 1) * len), labels[b], false));
            }
            classifier.parameters().forEach(Parameter::freeze);
            if (m instanceof ClmMethod clm) {
                // The step's cost depends on the mask's shape, not on which rows it holds: run the
                // method's own stages on texts made of the batch's tokens (no new tokens are added).
                BertTokenizer tokenizer = Pretrained.tokenizer(card);
                List<String> texts = new ArrayList<>();
                for (int b = 0; b < batch; b++) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 1; i < len - 1; i++) {
                        sb.append(tokenizer.token(ids[b * len + i]).replace("##", "")).append(' ');
                    }
                    texts.add(sb.toString());
                }
                List<String> names = new ArrayList<>();
                for (int c = 0; c < classes; c++) {
                    names.add("c" + c);
                }
                clm.prepare(texts, labels, names, new TokenizerVocabulary(tokenizer));
            }
            m.configure(classifier, new MethodContext(backend, data, TrainConfig.defaults(), 0, System.err));
            classifier.head().parameters().forEach(Parameter::trainAll);
            List<Parameter> trainable = new ArrayList<>();
            for (Parameter p : classifier.parameters()) {
                if (p.trainable()) {
                    trainable.add(p);
                }
            }
            AdamW opt = AdamW.standard(backend, 0.01f);
            // As in training: the input of the lowest trainable layer is computed once (the
            // trainer's frozen-prefix cache), and each step starts there.
            int lowest = classifier.encoder().lowestTrainableLayer();
            frozenLayers = lowest;
            Var layerInput = lowest == 0 ? null : Var.constant(
                    classifier.encoder().forwardUpTo(Ops.inference(backend), tokenIds, sequences, lowest).value());
            step = () -> {
                Tape tape = new Tape();
                Ops ops = new Ops(backend, tape).recycling(); // as the trainer's steps
                Var logits = layerInput == null ? classifier.logits(ops, tokenIds, sequences)
                        : classifier.logitsFrom(ops, layerInput, sequences, lowest);
                Var loss = ops.crossEntropy(logits, labelIds);
                backend.download(loss.value());
                tape.backward(backend, loss);
                opt.step(trainable, p -> 1e-5);
                ops.releaseAll();
            };
        }
        for (int i = 0; i < warmup; i++) {
            step.run();
        }
        long[] times = new long[iters];
        for (int i = 0; i < iters; i++) {
            long t0 = System.nanoTime();
            step.run();
            times[i] = System.nanoTime() - t0;
        }
        Arrays.sort(times);
        double medianMs = times[iters / 2] / 1e6;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mode", mode);
        if (mode.equals("train")) {
            out.put("method", method);
            out.put("frozen_layers", frozenLayers);
        }
        out.put("model", card.name());
        out.put("backend", backend.name());
        out.put("threads", threads <= 0 ? Runtime.getRuntime().availableProcessors() : threads);
        out.put("batch", batch);
        out.put("seq", len);
        out.put("iters", iters);
        out.put("ms_per_iter", medianMs);
        out.put("min_ms", times[0] / 1e6);
        out.put("seq_per_s", batch / (medianMs / 1e3));
        System.out.println(new ObjectMapper().writeValueAsString(out));
        backend.close();
        return 0;
    }
}
