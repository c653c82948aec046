package dev.clm4j.tensor.cpu;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/** A fork-join pool of a fixed size and a parallel loop over index ranges. */
final class Parallel implements AutoCloseable {
    private final ForkJoinPool pool;
    private final int threads;

    Parallel(int threads) {
        this.threads = threads;
        this.pool = new ForkJoinPool(threads);
    }

    int threads() {
        return threads;
    }

    /** Runs body(i) for i in [0, n), in parallel when n > 1 and there is more than one thread. */
    void forEach(int n, IntConsumer body) {
        if (n <= 1 || threads == 1) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        try {
            pool.submit(() -> IntStream.range(0, n).parallel().forEach(body)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    /** Splits [0, n) into about chunks-per-thread ranges and runs body(start, end) on each. */
    void forRange(int n, int minChunk, RangeBody body) {
        int chunks = Math.max(1, Math.min(threads * 4, n / Math.max(1, minChunk)));
        int size = (n + chunks - 1) / chunks;
        forEach(chunks, c -> {
            int start = c * size;
            int end = Math.min(n, start + size);
            if (start < end) {
                body.run(start, end);
            }
        });
    }

    /** A loop body over [start, end). */
    interface RangeBody {
        void run(int start, int end);
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
