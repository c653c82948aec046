package dev.clm4j.tensor;

import java.util.List;
import java.util.Locale;

/**
 * Picks a backend by name at run time. "cpu" (Vector API and threads) is the default; "reference"
 * is the scalar oracle; "cuda" needs an NVIDIA GPU and its driver. The fast backends are looked up
 * by class name so that this layer does not depend on their packages.
 */
public final class Backends {
    public static final List<String> NAMES = List.of("cpu", "reference", "cuda");
    public static final String DEFAULT = "cpu";

    private static final String CPU_CLASS = "dev.clm4j.tensor.cpu.CpuBackend";
    private static final String CUDA_CLASS = "dev.clm4j.tensor.cuda.CudaBackend";

    private Backends() {
    }

    /**
     * A backend by name; threads &lt;= 0 means all cores. Throws IllegalArgumentException for an
     * unknown name and UnsupportedOperationException when the backend cannot run here (no GPU).
     */
    public static Backend create(String name, int threads) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "reference":
                return new ReferenceBackend();
            case "cpu":
                return instantiate(CPU_CLASS, threads);
            case "cuda":
                return instantiate(CUDA_CLASS, threads);
            default:
                throw new IllegalArgumentException("unknown backend '" + name + "'; known backends: " + String.join(", ", NAMES));
        }
    }

    private static Backend instantiate(String className, int threads) {
        try {
            Class<?> c = Class.forName(className);
            try {
                return (Backend) c.getMethod("create", int.class).invoke(null, threads);
            } catch (java.lang.reflect.InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                throw new UnsupportedOperationException(cause.getMessage(), cause);
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new UnsupportedOperationException("backend class " + className + " is not available: " + e, e);
        }
    }
}
