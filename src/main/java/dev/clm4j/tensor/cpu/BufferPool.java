package dev.clm4j.tensor.cpu;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Arrays that inference no longer needs, handed out again for outputs of the same length. An
 * encoder layer allocates about 100 MiB of intermediates at batch 32 x 128, and Java zeroes every new
 * array on the allocating thread while the workers wait: about a tenth of an inference pass. A
 * recycled array is not zeroed, so only ops that overwrite every entry of their output take from here.
 */
final class BufferPool {
    /**
     * Arrays kept per length. An encoder layer gives back about ten of its hidden-sized arrays at once
     * (Q, K, V, the attention output, projections, residual sums, LayerNorms, and its input), and any
     * beyond this bound would be dropped and allocated again, zeroed, by the next layer: at 8, two per
     * layer were, 2% of an inference pass.
     */
    private static final int PER_LENGTH = 16;
    /** Floats kept in all (1 GiB). */
    private static final long MAX_FLOATS = 1L << 28;

    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private final Set<float[]> pooled = Collections.newSetFromMap(new IdentityHashMap<>());
    private long floats;

    /** An array of exactly n floats with arbitrary contents. */
    synchronized float[] take(int n) {
        ArrayDeque<float[]> q = free.get(n);
        float[] a = q == null ? null : q.pollFirst();
        if (a == null) {
            return new float[n];
        }
        pooled.remove(a);
        floats -= n;
        return a;
    }

    /** Hands an array back; it must not be used by its giver again. Giving one twice keeps it once. */
    synchronized void give(float[] a) {
        if (a.length == 0 || pooled.contains(a) || floats + a.length > MAX_FLOATS) {
            return;
        }
        ArrayDeque<float[]> q = free.computeIfAbsent(a.length, k -> new ArrayDeque<>());
        if (q.size() >= PER_LENGTH) {
            return;
        }
        q.addFirst(a);
        pooled.add(a);
        floats += a.length;
    }
}
