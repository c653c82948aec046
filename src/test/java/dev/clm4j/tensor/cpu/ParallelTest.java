package dev.clm4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The loop pool: every index exactly once, failures, nesting, concurrent callers, helper lifetime. */
class ParallelTest {
    private static final long MS = 1_000_000L;

    @Test
    void runsEveryIndexExactlyOnce() {
        for (int threads : new int[] {1, 2, 3, 5}) {
            try (Parallel p = new Parallel(threads)) {
                for (int n : new int[] {1, 2, 3, 7, 100, 1001}) {
                    for (int rep = 0; rep < 20; rep++) {
                        AtomicIntegerArray hits = new AtomicIntegerArray(n);
                        p.forEach(n, hits::incrementAndGet);
                        for (int i = 0; i < n; i++) {
                            assertEquals(1, hits.get(i), "threads " + threads + ", n " + n + ", index " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void forRangeCoversEveryIndexOnce() {
        try (Parallel p = new Parallel(3)) {
            for (int n : new int[] {1, 5, 64, 999}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                p.forRange(n, 4, (s, e) -> {
                    for (int i = s; i < e; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits.get(i));
                }
            }
        }
    }

    @Test
    void helpersRunTasksAtTheSameTime() throws InterruptedException {
        try (Parallel p = new Parallel(2)) {
            // Both tasks wait for each other: only two threads at once get through.
            CountDownLatch both = new CountDownLatch(2);
            Set<Thread> seen = ConcurrentHashMap.newKeySet();
            AtomicInteger metUp = new AtomicInteger();
            p.forEach(2, i -> {
                seen.add(Thread.currentThread());
                both.countDown();
                try {
                    if (both.await(10, TimeUnit.SECONDS)) {
                        metUp.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertEquals(2, metUp.get());
            assertEquals(2, seen.size());
        }
    }

    @Test
    void nestedLoopsRunInline() {
        try (Parallel p = new Parallel(2)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(8 * 8);
            p.forEach(8, i -> {
                Thread outer = Thread.currentThread();
                p.forEach(8, j -> {
                    assertEquals(outer, Thread.currentThread());
                    hits.incrementAndGet(i * 8 + j);
                });
            });
            for (int i = 0; i < 64; i++) {
                assertEquals(1, hits.get(i));
            }
        }
    }

    @Test
    void aFailingTaskReachesTheCallerAndThePoolStaysUsable() {
        try (Parallel p = new Parallel(2)) {
            for (int failAt : new int[] {0, 5, 99}) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.forEach(100, i -> {
                    if (i == failAt) {
                        throw new IllegalStateException("task " + i);
                    }
                }));
                assertEquals("task " + failAt, e.getMessage());
                AtomicIntegerArray hits = new AtomicIntegerArray(50);
                p.forEach(50, hits::incrementAndGet);
                for (int i = 0; i < 50; i++) {
                    assertEquals(1, hits.get(i));
                }
            }
        }
    }

    @Test
    void concurrentCallersEachGetAllTheirWork() throws InterruptedException {
        try (Parallel p = new Parallel(2)) {
            List<Thread> callers = new ArrayList<>();
            AtomicInteger wrong = new AtomicInteger();
            for (int c = 0; c < 4; c++) {
                Thread t = new Thread(() -> {
                    for (int rep = 0; rep < 300; rep++) {
                        int n = 1 + rep % 17;
                        AtomicIntegerArray hits = new AtomicIntegerArray(n);
                        p.forEach(n, hits::incrementAndGet);
                        for (int i = 0; i < n; i++) {
                            if (hits.get(i) != 1) {
                                wrong.incrementAndGet();
                            }
                        }
                    }
                });
                callers.add(t);
                t.start();
            }
            for (Thread t : callers) {
                t.join(60_000);
            }
            assertEquals(0, wrong.get());
        }
    }

    @Test
    void idleHelpersEndAndAreStartedAgain() throws InterruptedException {
        try (Parallel p = new Parallel(2, 0, 20 * MS)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(10);
            p.forEach(10, hits::incrementAndGet);
            assertTrue(awaitNoHelpers(p), "an idle helper should end after its keep-alive");
            for (int rep = 0; rep < 3; rep++) {
                p.forEach(10, hits::incrementAndGet);
            }
            for (int i = 0; i < 10; i++) {
                assertEquals(4, hits.get(i));
            }
        }
    }

    @Test
    void closeEndsTheHelpersAndLaterLoopsRunOnTheCaller() throws InterruptedException {
        Parallel p = new Parallel(3);
        p.forEach(10, i -> { });
        p.close();
        assertTrue(awaitNoHelpers(p), "close should end every helper");
        Thread caller = Thread.currentThread();
        AtomicInteger onCaller = new AtomicInteger();
        p.forEach(10, i -> onCaller.addAndGet(Thread.currentThread() == caller ? 1 : 0));
        assertEquals(10, onCaller.get());
    }

    private static boolean awaitNoHelpers(Parallel p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (p.liveHelpers() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return p.liveHelpers() == 0;
    }
}
