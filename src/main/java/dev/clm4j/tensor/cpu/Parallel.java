package dev.clm4j.tensor.cpu;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * Parallel loops on a fixed number of threads: the calling thread plus (threads - 1) helper
 * threads pull task indices from a shared counter, so uneven tasks balance themselves. A loop
 * started from inside a loop body (by any thread, the caller included) runs inline: no nested
 * fan-out, no thread waiting on work queued behind its own. A loop started while another thread's
 * loop holds the helpers runs on its caller alone.
 *
 * <p>Why not a ForkJoinPool: a training step runs many loops (every elementwise op, two per GEMM
 * depth slice), many of them a fraction of a millisecond long, and a parked pool thread takes tens of microseconds to wake on a virtual
 * machine (a futex wake, an interrupt to a halted vCPU). With the pool, the helper of a 2-thread
 * step ran 12% less than the caller (JFR samples on a 2-vCPU VM, session 13). So helpers here spin
 * for {@link #SPIN_NANOS} after each loop, the way OpenMP runtimes and OpenBLAS threads do, and
 * only then park. They never spin when there are more threads than processors.
 *
 * <p>The caller waits only for helpers that have claimed a task: a helper that wakes after the
 * caller has taken every index finds none and leaves, so a late helper never delays a loop.
 */
final class Parallel implements AutoCloseable {
    /** Depth of loop bodies the current thread is running (per thread, any Parallel). */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    /** How long an idle helper polls for the next loop before it parks. */
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(Long.getLong("clm.parallel.spinMicros", 200));
    /** A helper parked this long with nothing to do ends; the next loop starts a new one. */
    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final int threads;
    private final long spinNanos;
    private final long keepAliveNanos;
    private final Helper[] helpers;
    /** Held by the thread whose loop the helpers are serving. */
    private final ReentrantLock owner = new ReentrantLock();
    /** The loop the helpers should join (a new object per loop); null before the first. */
    private volatile Loop current;
    private volatile boolean closed;

    Parallel(int threads) {
        this(threads, threads <= Runtime.getRuntime().availableProcessors() ? SPIN_NANOS : 0, KEEP_ALIVE_NANOS);
    }

    /** With the helpers' spell of polling and their idle lifetime given (tests shorten both). */
    Parallel(int threads, long spinNanos, long keepAliveNanos) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.spinNanos = spinNanos;
        this.keepAliveNanos = keepAliveNanos;
        this.helpers = new Helper[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper(i);
        }
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
        if (n == 1 || helpers.length == 0 || depth[0] > 0 || closed || !owner.tryLock()) {
            runInline(n, body, depth);
            return;
        }
        Loop loop = new Loop(n, body);
        try {
            current = loop;
            int wanted = Math.min(helpers.length, n - 1);
            for (int i = 0; i < wanted; i++) {
                helpers[i].wake();
            }
            depth[0]++;
            try {
                loop.work();
            } finally {
                depth[0]--;
            }
            loop.awaitHelpers();
        } finally {
            owner.unlock();
        }
        loop.rethrow();
    }

    private static void runInline(int n, IntConsumer body, int[] depth) {
        depth[0]++;
        try {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
        } finally {
            depth[0]--;
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

    /** Helper threads alive now (for tests). */
    int liveHelpers() {
        int n = 0;
        for (Helper h : helpers) {
            Thread t = h.thread;
            n += t != null && t.isAlive() ? 1 : 0;
        }
        return n;
    }

    @Override
    public void close() {
        closed = true;
        for (Helper h : helpers) {
            h.wake();
        }
    }

    /** One parallel loop: its task counter, the helpers inside it, and the first failure. */
    private static final class Loop {
        final int n;
        final IntConsumer body;
        final AtomicInteger next = new AtomicInteger();
        /** Helpers that entered this loop and have not left it. */
        final AtomicInteger inside = new AtomicInteger();
        volatile Throwable failure;

        Loop(int n, IntConsumer body) {
            this.n = n;
            this.body = body;
        }

        /** Takes tasks until none is left; a failure stops the hand-out and is kept. */
        void work() {
            try {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    body.accept(i);
                }
            } catch (RuntimeException | Error e) {
                next.set(n);
                synchronized (this) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            }
        }

        /**
         * Every index has been taken when the caller gets here; a helper that took one registered
         * in {@link #inside} before taking it, so waiting for zero waits for all the work.
         */
        void awaitHelpers() {
            while (inside.get() > 0) {
                Thread.onSpinWait();
            }
        }

        void rethrow() {
            Throwable f = failure;
            if (f instanceof RuntimeException r) {
                throw r;
            }
            if (f instanceof Error e) {
                throw e;
            }
        }
    }

    /** A helper thread slot; its thread is started on first use and ends after a long idle spell. */
    private final class Helper implements Runnable {
        private final int index;
        private volatile Thread thread;
        private volatile boolean parked;

        Helper(int index) {
            this.index = index;
        }

        /** Makes sure this slot's thread will look at {@link #current} soon. */
        void wake() {
            Thread t = thread;
            if (t == null) {
                if (closed) {
                    return;
                }
                t = new Thread(this, "clm-cpu-" + index);
                t.setDaemon(true);
                thread = t;
                t.start();
            } else if (parked) {
                LockSupport.unpark(t);
            }
        }

        @Override
        public void run() {
            Loop seen = null;
            int[] depth = DEPTH.get();
            while (!closed) {
                Loop loop = awaitNewLoop(seen);
                if (loop == null) {
                    break;
                }
                seen = loop;
                loop.inside.incrementAndGet();
                depth[0]++;
                try {
                    loop.work();
                } finally {
                    depth[0]--;
                    loop.inside.decrementAndGet();
                }
            }
        }

        /** The next loop after {@code seen}, or null when closed or idle for too long. */
        private Loop awaitNewLoop(Loop seen) {
            long spinStart = System.nanoTime();
            while (System.nanoTime() - spinStart < spinNanos) {
                Loop loop = current;
                if (loop != seen || closed) {
                    return closed ? null : loop;
                }
                Thread.onSpinWait();
            }
            long idleStart = System.nanoTime();
            while (true) {
                // Announce the park before the last look: a caller that publishes a loop after
                // that look sees the flag and unparks.
                parked = true;
                Loop loop = current;
                if (loop != seen || closed) {
                    parked = false;
                    return closed ? null : loop;
                }
                LockSupport.parkNanos(Parallel.this, keepAliveNanos);
                parked = false;
                if (System.nanoTime() - idleStart >= keepAliveNanos && current == seen) {
                    thread = null;
                    // A caller may have published a loop and seen the old thread between the check
                    // and the line above: such a loop finishes on its caller (which takes every
                    // task nobody else took), and the next one starts a fresh thread.
                    return null;
                }
            }
        }
    }
}
