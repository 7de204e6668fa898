package io.trapline.guest.kernel;

import io.trapline.emulator.memory.GuestMemory;

/** Guest RAM that drivers hand to devices (rings, buffers): a bump allocator, never freed, as a driver keeps its rings. */
public final class DmaArena {
    private final GuestMemory memory;
    private long next;
    private final long end;

    public DmaArena(GuestMemory memory, long start, long end) {
        this.memory = memory;
        this.next = start;
        this.end = end;
    }

    /** {@code size} bytes aligned to {@code align} (a power of two); zeroed, as dma_alloc_coherent returns. */
    public long allocate(long size, long align) {
        long at = (next + align - 1) & -align;
        if (at + size > end) {
            throw new IllegalStateException("guest DMA memory exhausted: " + size + " bytes at 0x" + Long.toHexString(at));
        }
        next = at + size;
        memory.fill(at, size, (byte) 0);
        return at;
    }

    public GuestMemory memory() {
        return memory;
    }
}
