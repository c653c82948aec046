package dev.clm4j.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/** ONNX Runtime (Java API) running the model's own ONNX graph: the independent oracle for our encoder. */
public final class OnnxRuntimeOracle implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    public OnnxRuntimeOracle(ModelCard card) throws Exception {
        byte[] model;
        try (InputStream in = OnnxRuntimeOracle.class.getResourceAsStream("/" + card.onnxResource())) {
            if (in == null) {
                throw new IOException("no resource " + card.onnxResource());
            }
            model = in.readAllBytes();
        }
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(2);
        session = env.createSession(model, options);
    }

    /** last_hidden_state [batch, length, hidden] flattened, for padded ids and a 0/1 mask. */
    public float[] lastHiddenState(int[] ids, float[] mask, int batch, int length) throws Exception {
        long[] idv = new long[ids.length];
        long[] maskv = new long[ids.length];
        long[] types = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            idv[i] = ids[i];
            maskv[i] = mask[i] > 0 ? 1 : 0;
        }
        long[] shape = {batch, length};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(idv), shape));
        inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(maskv), shape));
        if (session.getInputNames().contains("token_type_ids")) {
            inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
        }
        try (OrtSession.Result r = session.run(inputs)) {
            float[][][] out = (float[][][]) r.get(0).getValue();
            int hidden = out[0][0].length;
            float[] flat = new float[batch * length * hidden];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < length; t++) {
                    System.arraycopy(out[b][t], 0, flat, (b * length + t) * hidden, hidden);
                }
            }
            return flat;
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    String outputNames() throws Exception {
        return session.getOutputNames().toString() + " inputs " + session.getInputNames();
    }

    @Override
    public void close() throws Exception {
        session.close();
    }
}
