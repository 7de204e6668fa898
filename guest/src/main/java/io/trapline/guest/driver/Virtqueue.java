package io.trapline.guest.driver;

import io.trapline.emulator.memory.GuestMemory;
import io.trapline.emulator.virtio.ring.AvailRing;
import io.trapline.emulator.virtio.ring.Descriptor;
import io.trapline.emulator.virtio.ring.SplitRing;
import io.trapline.emulator.virtio.ring.UsedRing;

/**
 * A split virtqueue seen from the driver (virtio 1.x, 2.6), written from the behaviour Linux's virtio_ring
 * shows: buffers are added to the available ring; a kick is needed only when the device asked for one
 * (VIRTIO_F_EVENT_IDX: avail_event; otherwise the used ring's NO_NOTIFY flag); interrupts are suppressed
 * with used_event (EVENT_IDX) or the NO_INTERRUPT flag, and "delayed" re-enabling asks for an interrupt
 * only after three quarters of the outstanding buffers are used.
 */
final class Virtqueue {
    final int index;
    final int size;
    final long desc;
    final long avail;
    final long used;
    private final GuestMemory memory;
    private final boolean eventIdx;
    private final int[] freeNext;
    private int freeHead;
    private int numFree;
    private int availIdx;
    private int lastUsed;
    /** avail idx at the previous kick decision (Linux: avail idx minus num_added). */
    private int kickedAt;
    private int availFlags;
    private final int[] chainLength;

    /**
     * Lays the rings out at {@code base}: descriptors, then the available ring, then the used ring at the next
     * {@code align} boundary (4096 for the legacy layout, the same here for simplicity of the modern one).
     */
    Virtqueue(GuestMemory memory, int index, int size, long base, boolean eventIdx) {
        this.memory = memory;
        this.index = index;
        this.size = size;
        this.eventIdx = eventIdx;
        this.desc = base;
        this.avail = base + (long) Descriptor.SIZE * size;
        this.used = (avail + AvailRing.size(size) + SplitRing.LEGACY_ALIGN - 1) & -(long) SplitRing.LEGACY_ALIGN;
        memory.fill(desc, used + UsedRing.size(size) - desc, (byte) 0);
        freeNext = new int[size];
        chainLength = new int[size];
        for (int i = 0; i < size; i++) {
            freeNext[i] = (i + 1) % size;
        }
        numFree = size;
    }

    /** Bytes the rings take at {@code base} (to place the next queue). */
    static long footprint(int size) {
        long availEnd = (long) Descriptor.SIZE * size + AvailRing.size(size);
        long used = (availEnd + SplitRing.LEGACY_ALIGN - 1) & -(long) SplitRing.LEGACY_ALIGN;
        return (used + UsedRing.size(size) + SplitRing.LEGACY_ALIGN - 1) & -(long) SplitRing.LEGACY_ALIGN;
    }

    /** The descriptor the next add will start with. */
    int peekFreeHead() {
        return freeHead;
    }

    int numFree() {
        return numFree;
    }

    /** Adds a chain of {@code count} buffers (first {@code outCount} device-readable); returns the head or -1 when full. */
    int add(long[] addrs, int[] lens, int count, int outCount) {
        if (numFree < count) {
            return -1;
        }
        int head = freeHead;
        int d = head;
        for (int i = 0; i < count; i++) {
            int next = freeNext[d];
            long at = desc + (long) Descriptor.SIZE * d;
            memory.store(at + Descriptor.ADDR, 8, addrs[i]);
            memory.store(at + Descriptor.LEN, 4, lens[i]);
            int flags = (i >= outCount ? Descriptor.F_WRITE : 0) | (i + 1 < count ? Descriptor.F_NEXT : 0);
            memory.store(at + Descriptor.FLAGS, 2, flags);
            memory.store(at + Descriptor.NEXT, 2, i + 1 < count ? next : 0);
            if (i + 1 < count) {
                d = next;
            } else {
                freeHead = next;
            }
        }
        numFree -= count;
        chainLength[head] = count;
        memory.store(avail + AvailRing.ringEntry(availIdx % size), 2, head);
        availIdx = (availIdx + 1) & 0xFFFF;
        memory.store(avail + AvailRing.IDX, 2, availIdx);
        return head;
    }

    /** virtqueue_kick_prepare: does the device want to hear about what was added since the last decision? */
    boolean kickPrepare() {
        int old = kickedAt;
        kickedAt = availIdx;
        if (old == availIdx) {
            return false;
        }
        if (eventIdx) {
            return SplitRing.needEvent(memory.loadU16(used + UsedRing.availEvent(size)), availIdx, old);
        }
        return (memory.loadU16(used + UsedRing.FLAGS) & UsedRing.F_NO_NOTIFY) == 0;
    }

    boolean hasUsed() {
        return memory.loadU16(used + UsedRing.IDX) != lastUsed;
    }

    /**
     * Takes the next used element: returns {@code id << 32 | len}, or -1 when there is none. The chain's
     * descriptors go back to the free list.
     */
    long takeUsed() {
        if (!hasUsed()) {
            return -1;
        }
        long at = used + UsedRing.ringEntry(lastUsed % size);
        long id = memory.loadU32(at + UsedRing.ELEM_ID);
        long len = memory.loadU32(at + UsedRing.ELEM_LEN);
        lastUsed = (lastUsed + 1) & 0xFFFF;
        int head = (int) id;
        if (head >= 0 && head < size) {
            int count = Math.max(chainLength[head], 1);
            int d = head;
            for (int i = 1; i < count; i++) {
                d = freeNext[d]; // a chain was taken from the free list in order, so its links are still there
            }
            freeNext[d] = freeHead;
            freeHead = head;
            numFree += count;
        }
        return id << 32 | len;
    }

    /** virtqueue_disable_cb: without EVENT_IDX, ask the device not to interrupt. */
    void disableCallbacks() {
        if (!eventIdx && (availFlags & AvailRing.F_NO_INTERRUPT) == 0) {
            availFlags |= AvailRing.F_NO_INTERRUPT;
            memory.store(avail + AvailRing.FLAGS, 2, availFlags);
        }
    }

    /** virtqueue_enable_cb_prepare: interrupt at the next used buffer; returns the used index seen (for {@link #poll}). */
    int enableCallbacksPrepare() {
        if (eventIdx) {
            memory.store(avail + AvailRing.usedEvent(size), 2, lastUsed);
        } else if ((availFlags & AvailRing.F_NO_INTERRUPT) != 0) {
            availFlags &= ~AvailRing.F_NO_INTERRUPT;
            memory.store(avail + AvailRing.FLAGS, 2, availFlags);
        }
        return lastUsed;
    }

    /** virtqueue_poll: has the device used buffers since {@code seen}? */
    boolean poll(int seen) {
        return memory.loadU16(used + UsedRing.IDX) != seen;
    }

    /**
     * virtqueue_enable_cb_delayed: interrupt only once about three quarters of the outstanding buffers are used.
     * Returns false when that many were already used (the caller then polls again).
     */
    boolean enableCallbacksDelayed() {
        int outstanding = (availIdx - lastUsed) & 0xFFFF;
        if (eventIdx) {
            int event = (lastUsed + outstanding * 3 / 4) & 0xFFFF;
            memory.store(avail + AvailRing.usedEvent(size), 2, event);
            int usedIdx = memory.loadU16(used + UsedRing.IDX);
            return ((usedIdx - event - 1) & 0xFFFF) >= ((usedIdx - lastUsed) & 0xFFFF) || usedIdx == lastUsed;
        }
        if ((availFlags & AvailRing.F_NO_INTERRUPT) != 0) {
            availFlags &= ~AvailRing.F_NO_INTERRUPT;
            memory.store(avail + AvailRing.FLAGS, 2, availFlags);
        }
        return !hasUsed();
    }
}
