package dev.clm4j.tensor.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Parallel loops on a fixed number of threads: the calling thread plus (threads - 1) fork-join
 * workers pull task indices from a shared counter, so uneven tasks balance themselves. A loop
 * started from inside a loop body (by any thread, the caller included) runs inline: no nested
 * fan-out, no thread waiting on work queued behind its own.
 */
final class Parallel implements AutoCloseable {
    /** Depth of loop bodies the current thread is running (per thread, any Parallel). */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final int threads;
    private final ForkJoinPool pool;

    Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads > 1 ? new ForkJoinPool(threads - 1) : null;
    }

    int threads() {
        return threads;
    }

    /** Runs body(i) for every i in [0, n), spread over the threads. */
    void forEach(int n, IntConsumer body) {
        if (n <= 0) {
            return;
        }
        int[] depth = DEPTH.get();
        if (n == 1 || pool == null || depth[0] > 0) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            int[] d = DEPTH.get();
            d[0]++;
            try {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    body.accept(i);
                }
            } catch (RuntimeException | Error e) {
                next.set(n); // stop handing out work
                throw e;
            } finally {
                d[0]--;
            }
        };
        int helpers = Math.min(threads, n) - 1;
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[helpers];
        for (int t = 0; t < helpers; t++) {
            tasks[t] = pool.submit(worker);
        }
        Throwable failure = null;
        try {
            worker.run();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (ForkJoinTask<?> task : tasks) {
            try {
                task.join();
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    /**
     * Splits [0, n) into contiguous ranges of at least minChunk indices (about four per thread, for
     * balance) and runs body(start, end) on each in parallel; one range when n is small.
     */
    void forRange(int n, int minChunk, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = Math.max(1, Math.min(threads * 4, n / Math.max(1, minChunk)));
        if (chunks == 1) {
            body.run(0, n);
            return;
        }
        int size = (n + chunks - 1) / chunks;
        int count = (n + size - 1) / size;
        forEach(count, c -> body.run(c * size, Math.min(n, c * size + size)));
    }

    /** A loop body over [start, end). */
    interface RangeBody {
        void run(int start, int end);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
