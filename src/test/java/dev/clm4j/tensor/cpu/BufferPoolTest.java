package dev.clm4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The buffer pool: exact lengths, no array handed out twice, the least recently used lengths make room. */
class BufferPoolTest {
    @Test
    void handsBackAGivenArrayOfTheSameLengthOnly() {
        BufferPool pool = new BufferPool();
        float[] a = pool.take(100);
        pool.give(a);
        assertNotSame(a, pool.take(101));
        assertSame(a, pool.take(100));
        assertNotSame(a, pool.take(100), "an array is handed out once");
    }

    @Test
    void givingTwiceKeepsOneCopy() {
        BufferPool pool = new BufferPool();
        float[] a = pool.take(64);
        pool.give(a);
        pool.give(a);
        assertSame(a, pool.take(64));
        assertNotSame(a, pool.take(64));
    }

    @Test
    void lengthsNotUsedRecentlyMakeRoomWhenFull() {
        BufferPool pool = new BufferPool(8000);
        int n = 1000; // 8 of these fill the cap
        List<float[]> first = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            first.add(pool.take(n));
        }
        first.forEach(pool::give);
        List<float[]> second = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            second.add(pool.take(n + 1));
        }
        second.forEach(pool::give);
        // The newer length is kept whole; the older one lost what did not fit.
        for (int i = 0; i < 5; i++) {
            float[] a = pool.take(n + 1);
            assertTrue(second.stream().anyMatch(x -> x == a));
        }
        int keptOld = 0;
        for (int i = 0; i < 5; i++) {
            float[] a = pool.take(n);
            keptOld += first.stream().anyMatch(x -> x == a) ? 1 : 0;
        }
        assertTrue(keptOld < 5, "older length evicted in part, kept " + keptOld);
    }
}
