package io.trapline.emulator.virtio.pci;

import io.trapline.emulator.memory.DmaMemory;
import io.trapline.emulator.virtio.ring.DescriptorChain;
import io.trapline.emulator.virtio.ring.SplitRing;

/**
 * The transport's per-queue registers (queue_size, queue_enable, ring addresses, MSI-X vector) and the
 * split ring they configure once the driver enables the queue. The registers hold what the driver wrote;
 * the ring only takes them at enable time, as virtio 1.2 section 4.1.4.3.2 orders.
 */
final class QueueRegisters {
    final int maxSize;
    final SplitRing ring;
    final DescriptorChain chain;
    int size;
    boolean enabled;
    long desc;
    long driver;
    long device;
    int vector = VirtioPciRegisters.NO_VECTOR;

    QueueRegisters(DmaMemory memory, int maxSize) {
        this.maxSize = maxSize;
        this.ring = new SplitRing(memory);
        this.chain = new DescriptorChain(memory);
        reset();
    }

    void reset() {
        size = maxSize;
        enabled = false;
        desc = 0;
        driver = 0;
        device = 0;
        vector = VirtioPciRegisters.NO_VECTOR;
        ring.reset();
    }

    static long setLow(long value, long low) {
        return (value & 0xFFFF_FFFF_0000_0000L) | (low & 0xFFFF_FFFFL);
    }

    static long setHigh(long value, long high) {
        return (value & 0xFFFF_FFFFL) | (high << 32);
    }
}
