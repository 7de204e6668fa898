package io.trapline.guest.tcp;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class BufferPoolTest {

    @Test
    void anArrayGivenBackIsTakenAgainForItsLengthOnly() {
        BufferPool pool = new BufferPool(1 << 20);
        byte[] a = pool.take(4096);
        assertEquals(4096, a.length);
        pool.give(a);
        assertEquals(4096, pool.heldBytes());
        byte[] other = pool.take(2048);
        assertNotSame(a, other);
        assertEquals(2048, other.length);
        assertSame(a, pool.take(4096));
        assertEquals(0, pool.heldBytes());
        assertNotSame(a, pool.take(4096), "an array is handed out once per give");
    }

    @Test
    void thePoolHoldsNoMoreThanItsLimit() {
        BufferPool pool = new BufferPool(10_000);
        pool.give(new byte[4096]);
        pool.give(new byte[4096]);
        pool.give(new byte[4096]); // would pass the limit: left to the collector
        assertEquals(8192, pool.heldBytes());
        pool.give(new byte[0]);
        assertEquals(8192, pool.heldBytes());
    }

    @Test
    void aRingOnReusedStorageReadsOnlyWhatWasWrittenToIt() {
        BufferPool pool = new BufferPool(1 << 20);
        for (int size = 2048; size <= 65536; size *= 2) {
            byte[] junk = new byte[size];
            Arrays.fill(junk, (byte) 0x5A);
            pool.give(junk);
        }
        ByteRing ring = new ByteRing(65536, pool);
        byte[] data = new byte[20_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        assertEquals(3000, ring.write(data, 0, 3000));
        byte[] back = new byte[1000];
        assertEquals(1000, ring.read(back, 0, back.length)); // the head moves, so growing has to unwrap
        assertEquals(17_000, ring.write(data, 3000, 17_000)); // grows through the pooled sizes
        byte[] rest = new byte[19_000];
        assertEquals(19_000, ring.read(rest, 0, rest.length));
        assertArrayEquals(Arrays.copyOfRange(data, 1000, 20_000), rest);
        assertEquals(0, ring.read(back, 0, back.length));
    }

    @Test
    void aRingGivesBackTheStorageItOutgrowsAndAllOfItWhenReleased() {
        BufferPool pool = new BufferPool(1 << 20);
        ByteRing ring = new ByteRing(65536, pool);
        ring.write(new byte[5000], 0, 5000); // 2 KiB -> 8 KiB at once: the 2 KiB array goes back
        assertEquals(2048, pool.heldBytes());
        byte[] sink = new byte[5000];
        ring.read(sink, 0, sink.length);
        ring.release();
        assertEquals(2048 + 8192, pool.heldBytes());
        assertEquals(0, ring.storage());
    }
}
