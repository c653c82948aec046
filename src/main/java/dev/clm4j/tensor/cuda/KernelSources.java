package dev.clm4j.tensor.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the kernels come from: the fatbin that native/build-kernels.sh compiled with nvcc, or the
 * .cu sources for NVRTC. Both are classpath resources under {@value #RESOURCE_DIR}; the sources are
 * also read from the directory named by the system property {@code clm.cuda.kernels} (default
 * {@code kernels}, relative to the working directory) so that a source checkout works before the
 * resources were built.
 */
final class KernelSources {
    static final String RESOURCE_DIR = "/dev/clm4j/kernels/";
    static final String FATBIN = "clm4j.fatbin";

    /** The kernel families (kernels/*.cu), in the order the translation unit includes them. */
    static final List<String> FAMILIES = List.of("adamw.cu", "attention.cu", "bias.cu", "embedding.cu",
            "gelu.cu", "layernorm.cu", "loss.cu", "pooling.cu", "prefix.cu", "reduce.cu", "residual.cu", "rowgrad.cu",
            "softmax.cu");

    static final List<String> HEADERS = List.of("common.cuh");

    /** Every kernel the backend launches; loading checks that the module has each of them. */
    static final List<String> KERNELS = List.of(
            "adamw_dense", "adamw_masked",
            "attention_forward", "attention_backward_query", "attention_backward_key_value",
            "add_bias", "column_sums_partial", "column_sums_finish",
            "gather_rows", "scatter_add_rows",
            "gelu_forward", "gelu_backward",
            "layer_norm_forward", "layer_norm_backward_input", "layer_norm_param_grad_partial",
            "cross_entropy_forward", "mean_of", "cross_entropy_backward",
            "mean_pool_inverse_counts", "masked_mean_pool_forward", "masked_mean_pool_backward",
            "prepend_rows", "prepend_rows_backward_rows", "prepend_rows_backward_prefix",
            "sum_squares_partial", "dot_partial", "sum_partials",
            "add_vectors", "add_into", "scale_in_place",
            "gather_columns",
            "softmax_rows_forward", "softmax_rows_backward");

    private KernelSources() {
    }

    /** The nvcc-built fatbin, or null when the build had no nvcc. */
    static byte[] fatbin() {
        try (InputStream in = KernelSources.class.getResourceAsStream(RESOURCE_DIR + FATBIN)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel resource " + FATBIN, e);
        }
    }

    /** The one translation unit NVRTC compiles: an #include of every family (as the nvcc build does). */
    static String translationUnit() {
        StringBuilder unit = new StringBuilder();
        for (String family : FAMILIES) {
            unit.append("#include \"").append(family).append("\"\n");
        }
        return unit.toString();
    }

    /** File name to contents for every family and header, to hand to NVRTC as include files. */
    static Map<String, String> includeFiles() {
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : HEADERS) {
            files.put(name, read(name));
        }
        for (String name : FAMILIES) {
            files.put(name, read(name));
        }
        return files;
    }

    static String read(String name) {
        try (InputStream in = KernelSources.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in != null) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Path dir = Path.of(System.getProperty("clm.cuda.kernels", "kernels"));
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                return Files.readString(file, StandardCharsets.UTF_8);
            }
            throw new CudaException("kernel source " + name + " is neither the classpath resource " + RESOURCE_DIR
                    + name + " nor the file " + file.toAbsolutePath() + " (run native/build-kernels.sh, or set "
                    + "-Dclm.cuda.kernels=<the kernels directory>)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel source " + name, e);
        }
    }
}
