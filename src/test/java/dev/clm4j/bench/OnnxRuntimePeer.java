package dev.clm4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.clm4j.model.ModelCard;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Not a test: the ONNX Runtime peer of `clm bench infer` (same model file, batch and length, all
 * graph optimisations, a fixed thread count). Prints one JSON line like clm bench. Run through
 * benchmarks/compare-cpu.sh, which times both in one run and prints the ratio.
 */
public final class OnnxRuntimePeer {
    public static void main(String[] args) throws Exception {
        int batch = 32;
        int seq = 128;
        int threads = 2;
        int iters = 10;
        int warmup = 3;
        String model = ModelCard.DEFAULT;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--batch" -> batch = Integer.parseInt(args[i + 1]);
                case "--seq" -> seq = Integer.parseInt(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--iters" -> iters = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--model" -> model = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ModelCard card = ModelCard.named(model);
        byte[] bytes;
        try (InputStream in = OnnxRuntimePeer.class.getResourceAsStream("/" + card.onnxResource())) {
            bytes = in.readAllBytes();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        try (OrtSession session = env.createSession(bytes, options)) {
            long[] ids = new long[batch * seq];
            long[] mask = new long[batch * seq];
            long[] types = new long[batch * seq];
            SplittableRandom rng = new SplittableRandom(2);
            for (int i = 0; i < ids.length; i++) {
                ids[i] = i % seq == 0 ? 101 : i % seq == seq - 1 ? 102 : 1000 + rng.nextInt(20000);
                mask[i] = 1;
            }
            long[] shape = {batch, seq};
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
            for (int i = 0; i < warmup; i++) {
                session.run(inputs).close();
            }
            long[] times = new long[iters];
            for (int i = 0; i < iters; i++) {
                long t0 = System.nanoTime();
                session.run(inputs).close();
                times[i] = System.nanoTime() - t0;
            }
            Arrays.sort(times);
            double ms = times[iters / 2] / 1e6;
            System.out.printf("{\"peer\":\"onnxruntime-java\",\"mode\":\"infer\",\"model\":\"%s\",\"threads\":%d,\"batch\":%d,"
                    + "\"seq\":%d,\"iters\":%d,\"ms_per_iter\":%.3f,\"min_ms\":%.3f,\"seq_per_s\":%.3f}%n",
                    card.name(), threads, batch, seq, iters, ms, times[0] / 1e6, batch / (ms / 1e3));
        }
    }
}
