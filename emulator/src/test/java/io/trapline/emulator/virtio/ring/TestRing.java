package io.trapline.emulator.virtio.ring;

import io.trapline.emulator.memory.GuestMemory;

/** The driver's side of a split ring, laid out in guest memory by a test: descriptors, avail and used rings. */
final class TestRing {
    final GuestMemory memory;
    final int size;
    final long desc;
    final long avail;
    final long used;
    int availIdx;

    TestRing(GuestMemory memory, int size, long base) {
        this.memory = memory;
        this.size = size;
        this.desc = base;
        this.avail = base + 16L * size;
        this.used = (avail + AvailRing.size(size) + 4095) & -4096L;
    }

    SplitRing deviceRing(boolean eventIdx, boolean indirect) {
        SplitRing ring = new SplitRing(memory);
        ring.configure(size, desc, avail, used);
        ring.setFeatures(eventIdx, indirect, false);
        ring.setReady(true);
        return ring;
    }

    void descriptor(int index, long addr, long len, int flags, int next) {
        writeDescriptor(desc + 16L * index, addr, len, flags, next);
    }

    void writeDescriptor(long at, long addr, long len, int flags, int next) {
        memory.store(at + Descriptor.ADDR, 8, addr);
        memory.store(at + Descriptor.LEN, 4, len);
        memory.store(at + Descriptor.FLAGS, 2, flags);
        memory.store(at + Descriptor.NEXT, 2, next);
    }

    /** Makes chain {@code head} available and publishes the new avail idx. */
    void publish(int head) {
        memory.store(avail + AvailRing.ringEntry(availIdx % size), 2, head);
        availIdx = (availIdx + 1) & 0xFFFF;
        memory.store(avail + AvailRing.IDX, 2, availIdx);
    }

    void setAvailIdx(int idx) {
        availIdx = idx & 0xFFFF;
        memory.store(avail + AvailRing.IDX, 2, availIdx);
    }

    void setUsedEvent(int idx) {
        memory.store(avail + AvailRing.usedEvent(size), 2, idx);
    }

    void setAvailFlags(int flags) {
        memory.store(avail + AvailRing.FLAGS, 2, flags);
    }

    int usedIdx() {
        return memory.loadU16(used + UsedRing.IDX);
    }

    int usedFlags() {
        return memory.loadU16(used + UsedRing.FLAGS);
    }

    int availEvent() {
        return memory.loadU16(used + UsedRing.availEvent(size));
    }

    long usedId(int slot) {
        return memory.loadU32(used + UsedRing.ringEntry(slot) + UsedRing.ELEM_ID);
    }

    long usedLen(int slot) {
        return memory.loadU32(used + UsedRing.ringEntry(slot) + UsedRing.ELEM_LEN);
    }
}
