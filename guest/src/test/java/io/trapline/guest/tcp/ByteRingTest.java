package io.trapline.guest.tcp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ByteRingTest {

    @Test
    void releaseKeepsBufferedBytesAndDropsTheStorageOfAnEmptyRing() {
        ByteRing ring = new ByteRing(65536, new BufferPool(1 << 20));
        byte[] data = new byte[10_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        assertEquals(data.length, ring.write(data, 0, data.length));
        ring.release();
        assertEquals(data.length, ring.size(), "a ring holding bytes is not released");
        byte[] back = new byte[data.length];
        assertEquals(data.length, ring.read(back, 0, back.length));
        assertArrayEquals(data, back);
        ring.release();
        assertEquals(0, ring.storage());
    }

    @Test
    void aReleasedRingWorksAgain() {
        ByteRing ring = new ByteRing(65536, new BufferPool(1 << 20));
        ring.release();
        byte[] none = new byte[8];
        assertEquals(0, ring.read(none, 0, none.length));
        ring.skip(0);
        assertEquals(0, ring.write(none, 0, 0));
        byte[] data = {1, 2, 3, 4, 5};
        assertEquals(5, ring.write(data, 0, data.length));
        byte[] back = new byte[5];
        ring.peek(1, back, 0, 4);
        assertArrayEquals(new byte[] {2, 3, 4, 5, 0}, back);
        assertEquals(65536 - 5, ring.free());
    }
}
