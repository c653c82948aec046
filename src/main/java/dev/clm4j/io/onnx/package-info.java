/**
 * Import of BERT-family weights from ONNX files, without running the graph.
 *
 * <p>{@link dev.clm4j.io.onnx.OnnxModelReader} walks the protobuf wire format by field number
 * (no generated classes) and returns initializers and nodes. {@link dev.clm4j.io.onnx.OnnxWeights}
 * turns them into Hugging Face BertModel tensors.
 *
 * <p>What the langchain4j exports (all-MiniLM-L6-v2, bge-small-en-v1.5; PyTorch exporter, opset
 * 14-ish) look like, which is what the naming rules were written against:
 * <ul>
 *   <li>embeddings and LayerNorm parameters are initializers with their parameter names
 *       ("embeddings.word_embeddings.weight", "encoder.layer.0.output.LayerNorm.bias"), no "bert." prefix;
 *   <li>each Linear is {@code MatMul(x, onnx::MatMul_N) -> Add(<module>.bias, .)}, the weight
 *       stored [in, out]; node names carry the module scope ("/encoder/layer.0/attention/self/query/MatMul");
 *   <li>LayerNorm is decomposed (ReduceMean, Sub, Pow, Sqrt, Div, Mul(weight), Add(bias));
 *       epsilon and other scalars are Constant nodes;
 *   <li>MiniLM keeps its pooler as {@code Gemm(transB=1)} with named weight; bge-small has no pooler;
 *   <li>position ids are an INT64 initializer ("embeddings.position_ids" or "onnx::Slice_N"), not a weight.
 * </ul>
 */
package dev.clm4j.io.onnx;
