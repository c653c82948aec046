package dev.clm4j.tensor.cpu;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Arrays nobody refers to any more, handed out again for outputs of the same length. An encoder
 * layer allocates about 100 MiB of intermediates at batch 32 x 128, and Java zeroes every new array
 * on the allocating thread while the workers wait: about a tenth of an inference pass, and more of a
 * training step, whose backward makes as many arrays again. A recycled array is not zeroed, so only
 * ops that overwrite every entry of their output take from here.
 */
final class BufferPool {
    /**
     * Arrays kept per length. An encoder layer gives back about ten of its hidden-sized arrays at once
     * in inference (at 8 per length, two per layer were dropped and allocated again: 2% of a pass);
     * backward gives back a whole layer's activations and gradients, and a full step's 36 weight
     * gradients come in two lengths.
     */
    private static final int PER_LENGTH = 64;
    /** Floats kept in all (default 1 GiB; {@code -Dclm.pool.maxFloats} for experiments). */
    private final long maxFloats;

    /**
     * Free arrays by length, the length asked for or given least recently first. Training batches
     * come in many lengths (the longest text of each), so when the pool is full the lengths no
     * recent step used make room.
     */
    private final LinkedHashMap<Integer, ArrayDeque<float[]>> free = new LinkedHashMap<>(64, 0.75f, true);
    private final Set<float[]> pooled = Collections.newSetFromMap(new IdentityHashMap<>());
    private long floats;

    BufferPool() {
        this(Long.getLong("clm.pool.maxFloats", 1L << 28));
    }

    BufferPool(long maxFloats) {
        this.maxFloats = maxFloats;
    }

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
        if (a.length == 0 || a.length > maxFloats || pooled.contains(a)) {
            return;
        }
        ArrayDeque<float[]> q = free.computeIfAbsent(a.length, k -> new ArrayDeque<>());
        if (q.size() >= PER_LENGTH) {
            return;
        }
        evictOtherLengths(a.length, floats + a.length - maxFloats);
        if (floats + a.length > maxFloats) {
            return;
        }
        q.addFirst(a);
        pooled.add(a);
        floats += a.length;
    }

    /** Drops at least {@code excess} floats of arrays of other lengths, least recently used first. */
    private void evictOtherLengths(int keep, long excess) {
        Iterator<Map.Entry<Integer, ArrayDeque<float[]>>> it = free.entrySet().iterator();
        while (excess > 0 && it.hasNext()) {
            Map.Entry<Integer, ArrayDeque<float[]>> e = it.next();
            if (e.getKey() == keep) {
                continue;
            }
            ArrayDeque<float[]> q = e.getValue();
            while (excess > 0 && !q.isEmpty()) {
                float[] dropped = q.pollLast();
                pooled.remove(dropped);
                floats -= dropped.length;
                excess -= dropped.length;
            }
            if (q.isEmpty()) {
                it.remove();
            }
        }
    }
}
