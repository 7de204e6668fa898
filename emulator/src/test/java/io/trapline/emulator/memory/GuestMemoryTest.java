package io.trapline.emulator.memory;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class GuestMemoryTest {

    @Test
    void unwrittenRamReadsAsZeroWithoutAllocating() {
        GuestMemory ram = new GuestMemory(1 << 20);
        byte[] buf = {1, 2, 3, 4};
        assertTrue(ram.read(0x1000, buf, 0, 4));
        assertArrayEquals(new byte[4], buf);
        assertEquals(0, ram.pagesAllocated());
    }

    @Test
    void transfersCrossPageBoundaries() {
        GuestMemory ram = new GuestMemory(1 << 20);
        byte[] src = new byte[10_000];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) (i * 7);
        }
        assertTrue(ram.write(0xFFE, src, 0, src.length));
        byte[] back = new byte[src.length];
        assertTrue(ram.read(0xFFE, back, 0, back.length));
        assertArrayEquals(src, back);
        assertEquals(4, ram.pagesAllocated());
    }

    @Test
    void scalarAccessIsLittleEndian() {
        GuestMemory ram = new GuestMemory(1 << 16);
        ram.store(0xFFC, 8, 0x1122334455667788L);
        assertEquals(0x88, ram.loadU8(0xFFC));
        assertEquals(0x7788, ram.loadU16(0xFFC));
        assertEquals(0x55667788L, ram.loadU32(0xFFC));
        assertEquals(0x1122334455667788L, ram.loadU64(0xFFC));
    }

    @Test
    void outOfRangeDmaIsRefusedAndTransfersNothing() {
        GuestMemory ram = new GuestMemory(1 << 16);
        byte[] buf = {9, 9};
        assertFalse(ram.read((1 << 16) - 1, buf, 0, 2));
        assertArrayEquals(new byte[] {9, 9}, buf);
        assertFalse(ram.write(-1, buf, 0, 2));
        assertFalse(ram.write(Long.MAX_VALUE - 1, buf, 0, 2), "address + length overflow must not wrap");
        assertFalse(ram.read(0x10, buf, 0, -1));
        assertEquals(0, ram.pagesAllocated());
    }

    @Test
    void outOfRangeScalarAccessThrowsAFaultNamingTheAddress() {
        GuestMemory ram = new GuestMemory(1 << 16);
        GuestMemoryFault fault = assertThrows(GuestMemoryFault.class, () -> ram.loadU32(0x10000));
        assertTrue(fault.getMessage().contains("0x10000"), fault.getMessage());
    }

    @Test
    void rejectsSizesThatAreNotWholePages() {
        assertThrows(IllegalArgumentException.class, () -> new GuestMemory(1000));
        assertThrows(IllegalArgumentException.class, () -> new GuestMemory(0));
    }
}
