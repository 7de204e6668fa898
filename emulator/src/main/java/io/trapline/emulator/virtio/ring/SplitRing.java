package io.trapline.emulator.virtio.ring;

import io.trapline.emulator.memory.DmaMemory;

/**
 * The device side of one split virtqueue (virtio 1.2 section 2.7), independent of any device type and of
 * the transport: it only reads and writes guest memory through a {@link DmaMemory}, its one dependency.
 *
 * <p>Every guest-controlled quantity is bounded before use: a chain walk costs at most the queue size (or
 * the indirect table size) descriptor reads, an element holds at most {@link DescriptorChain#MAX_BUFFERS}
 * buffers, and any rule violation ends the walk with a {@link RingFault}. Nothing allocates after construction.
 */
public final class SplitRing {
    /** Legacy interface alignment of the used ring (virtio 1.2, 2.7.2 "Legacy Interfaces: Virtqueue Layout"). */
    public static final int LEGACY_ALIGN = 4096;

    private final DmaMemory memory;
    private final byte[] desc = new byte[Descriptor.SIZE];
    private final byte[] indirectTable = new byte[DescriptorChain.MAX_BUFFERS * Descriptor.SIZE];
    private final byte[] u16 = new byte[2];
    private final byte[] usedElem = new byte[UsedRing.ELEM_SIZE];

    private int size;
    private long descAddr;
    private long availAddr;
    private long usedAddr;
    private boolean ready;
    private boolean eventIdx;
    private boolean indirectDesc;
    private boolean notifyOnEmpty;
    /** Whether the device currently wants kicks (QEMU's vq->notification). */
    private boolean notification = true;

    private int lastAvailIdx;
    /**
     * The avail->idx last read (QEMU's shadow_avail_idx, hw/virtio/virtio.c): while it is ahead of
     * lastAvailIdx the device knows there is work without reading the index again, so avail->idx is read
     * only when everything known has been taken (or kicks are turned back on).
     */
    private int shadowAvailIdx;
    private int usedIdx;
    private int pendingUsed;
    private int signalledUsed;
    private boolean signalledUsedValid;
    private int inUse;
    // What the driver made this ring do, for DeviceActivity (kept across resets: a replay's whole run).
    private long indirectTables;
    private long usedWraps;

    public SplitRing(DmaMemory memory) {
        this.memory = memory;
    }

    /** Sets the ring addresses the driver gave (modern interface: queue_desc, queue_driver, queue_device). */
    public void configure(int queueSize, long descriptorTable, long availRing, long usedRing) {
        size = queueSize;
        descAddr = descriptorTable;
        availAddr = availRing;
        usedAddr = usedRing;
    }

    /**
     * Legacy layout from a page frame number: descriptor table at pfn x 4096, available ring right after it,
     * used ring at the next 4096-byte boundary (virtio 1.2, 2.7.2).
     */
    public void configureLegacy(int queueSize, long pfn) {
        long base = pfn * LEGACY_ALIGN;
        long avail = base + (long) Descriptor.SIZE * queueSize;
        long used = (avail + AvailRing.size(queueSize) + LEGACY_ALIGN - 1) & -LEGACY_ALIGN;
        configure(queueSize, base, avail, used);
    }

    /** Negotiated ring features: VIRTIO_F_EVENT_IDX, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_NOTIFY_ON_EMPTY. */
    public void setFeatures(boolean eventIdx, boolean indirectDesc, boolean notifyOnEmpty) {
        this.eventIdx = eventIdx;
        this.indirectDesc = indirectDesc;
        this.notifyOnEmpty = notifyOnEmpty;
    }

    public void setReady(boolean ready) {
        this.ready = ready;
    }

    /** Back to the state after device reset: no rings, indices zero. */
    public void reset() {
        size = 0;
        descAddr = 0;
        availAddr = 0;
        usedAddr = 0;
        ready = false;
        lastAvailIdx = 0;
        shadowAvailIdx = 0;
        usedIdx = 0;
        pendingUsed = 0;
        signalledUsed = 0;
        signalledUsedValid = false;
        inUse = 0;
        notification = true;
    }

    public boolean ready() {
        return ready && size > 0;
    }

    public int size() {
        return size;
    }

    public long descAddr() {
        return descAddr;
    }

    public long availAddr() {
        return availAddr;
    }

    public long usedAddr() {
        return usedAddr;
    }

    public int lastAvailIdx() {
        return lastAvailIdx;
    }

    /** Indirect descriptor tables walked. */
    public long indirectTables() {
        return indirectTables;
    }

    /** Times used->idx went past the ring's last slot. */
    public long usedWraps() {
        return usedWraps;
    }

    public int usedIdx() {
        return usedIdx;
    }

    /** True when the driver has made no buffer available beyond what the device already took. */
    public boolean isEmpty() throws RingFault {
        if (!ready()) {
            return true;
        }
        return shadowAvailIdx == lastAvailIdx && readAvailIdx() == lastAvailIdx;
    }

    /**
     * Takes the next available element into {@code chain}; false when there is none. The walk follows NEXT
     * links and at most one level of indirection, spending one hop of a budget equal to the table size per
     * descriptor, so a loop ends with {@link RingError#CHAIN_LOOP} after a bounded number of reads.
     */
    public boolean pop(DescriptorChain chain) throws RingFault {
        if (!ready()) {
            return false;
        }
        if (isEmpty()) {
            return false;
        }
        // Checked against the remembered index too: an index read by isEmpty() or setNotification() is
        // used here without a second read.
        if (((shadowAvailIdx - lastAvailIdx) & 0xFFFF) > size) {
            throw new RingFault(RingError.AVAIL_IDX_JUMP);
        }
        if (inUse >= size) {
            // CVE-2016-5403: a driver that re-posts buffers without waiting for their completion would make
            // the device hold more elements than the ring has; QEMU now calls this a device error.
            throw new RingFault(RingError.QUEUE_SIZE_EXCEEDED);
        }
        int head = readU16(availAddr + AvailRing.ringEntry(lastAvailIdx % size));
        if (head >= size) {
            throw new RingFault(RingError.DESCRIPTOR_INDEX_OUT_OF_RANGE);
        }
        chain.reset(head);
        walk(head, chain);
        lastAvailIdx = (lastAvailIdx + 1) & 0xFFFF;
        inUse++;
        // QEMU 7.2 (virtqueue_split_pop) publishes avail_event = last_avail_idx after every pop with
        // EVENT_IDX while kicks are wanted (vring_set_avail_event does nothing with notification off).
        if (eventIdx && notification) {
            writeU16(usedAddr + UsedRing.availEvent(size), lastAvailIdx);
        }
        return true;
    }

    /** Gives back the last {@code count} popped elements, unused (QEMU's virtqueue_unpop). */
    public void unpop(int count) {
        int n = Math.min(count, inUse);
        lastAvailIdx = (lastAvailIdx - n) & 0xFFFF;
        inUse -= n;
    }

    private void walk(int head, DescriptorChain chain) throws RingFault {
        int index = head;
        for (int hops = 0; ; hops++) {
            if (hops >= size) {
                throw new RingFault(RingError.CHAIN_LOOP);
            }
            if (!memory.read(descAddr + (long) Descriptor.SIZE * index, desc, 0, Descriptor.SIZE)) {
                throw new RingFault(RingError.RING_OUT_OF_RAM);
            }
            int flags = Descriptor.flags(desc, 0);
            long length = Descriptor.len(desc, 0);
            long address = Descriptor.addr(desc, 0);
            if ((flags & Descriptor.F_INDIRECT) != 0) {
                if (!indirectDesc) {
                    throw new RingFault(RingError.INDIRECT_NOT_NEGOTIATED);
                }
                if ((flags & Descriptor.F_NEXT) != 0) {
                    throw new RingFault(RingError.INDIRECT_WITH_NEXT);
                }
                indirectTables++;
                walkIndirect(address, length, chain);
                return;
            }
            chain.add(address, length, (flags & Descriptor.F_WRITE) != 0);
            if ((flags & Descriptor.F_NEXT) == 0) {
                return;
            }
            index = Descriptor.next(desc, 0);
            if (index >= size) {
                throw new RingFault(RingError.DESCRIPTOR_INDEX_OUT_OF_RANGE);
            }
        }
    }

    /** An indirect table (virtio 1.2, 2.7.5.3): read whole, walked with a budget of its own entry count. */
    private void walkIndirect(long table, long length, DescriptorChain chain) throws RingFault {
        if (length == 0 || length % Descriptor.SIZE != 0) {
            throw new RingFault(RingError.INDIRECT_TABLE_SIZE);
        }
        long entries = length / Descriptor.SIZE;
        if (entries > DescriptorChain.MAX_BUFFERS) {
            throw new RingFault(RingError.CHAIN_TOO_LONG);
        }
        int n = (int) entries;
        if (!memory.read(table, indirectTable, 0, n * Descriptor.SIZE)) {
            throw new RingFault(RingError.BUFFER_OUT_OF_RAM);
        }
        int index = 0;
        for (int hops = 0; ; hops++) {
            if (hops >= n) {
                throw new RingFault(RingError.CHAIN_LOOP);
            }
            int at = index * Descriptor.SIZE;
            int flags = Descriptor.flags(indirectTable, at);
            if ((flags & Descriptor.F_INDIRECT) != 0) {
                throw new RingFault(RingError.INDIRECT_IN_INDIRECT);
            }
            chain.add(Descriptor.addr(indirectTable, at), Descriptor.len(indirectTable, at),
                    (flags & Descriptor.F_WRITE) != 0);
            if ((flags & Descriptor.F_NEXT) == 0) {
                return;
            }
            index = Descriptor.next(indirectTable, at);
            if (index >= n) {
                throw new RingFault(RingError.DESCRIPTOR_INDEX_OUT_OF_RANGE);
            }
        }
    }

    /**
     * Writes a used element for chain {@code head} with {@code written} bytes; it becomes visible to the
     * driver at {@link #flushUsed()} (QEMU's virtqueue_fill / virtqueue_flush split).
     */
    public void fillUsed(int head, long written) throws RingFault {
        if (!ready()) {
            return;
        }
        UsedRing.putElem(usedElem, head, written);
        int slot = ((usedIdx + pendingUsed) & 0xFFFF) % size;
        if (!memory.write(usedAddr + UsedRing.ringEntry(slot), usedElem, 0, UsedRing.ELEM_SIZE)) {
            throw new RingFault(RingError.RING_OUT_OF_RAM);
        }
        pendingUsed++;
    }

    /** Publishes the filled elements by advancing used->idx. */
    public void flushUsed() throws RingFault {
        if (pendingUsed == 0) {
            return;
        }
        int old = usedIdx;
        if (size > 0 && (old % size) + pendingUsed >= size) {
            usedWraps++; // the used ring went past its last slot
        }
        usedIdx = (usedIdx + pendingUsed) & 0xFFFF;
        inUse = Math.max(0, inUse - pendingUsed);
        pendingUsed = 0;
        writeU16(usedAddr + UsedRing.IDX, usedIdx);
        // QEMU (virtqueue_split_flush): if the index ran past the last signalled value by a whole wrap, the
        // remembered value no longer orders correctly; signal unconditionally next time.
        if ((short) (usedIdx - signalledUsed) < ((usedIdx - old) & 0xFFFF)) {
            signalledUsedValid = false;
        }
    }

    /** fillUsed + flushUsed for one element. */
    public void pushUsed(int head, long written) throws RingFault {
        fillUsed(head, written);
        flushUsed();
    }

    /**
     * Whether the driver wants an interrupt for what was just published (virtio 1.2, 2.7.7 and 2.7.10): with
     * EVENT_IDX, only when used->idx passed used_event since the last interrupt; otherwise unless the driver
     * set NO_INTERRUPT. Mirrors QEMU's virtio_split_should_notify, including NOTIFY_ON_EMPTY for legacy drivers.
     */
    public boolean shouldInterrupt() throws RingFault {
        if (!ready()) {
            return false;
        }
        if (notifyOnEmpty && inUse == 0 && isEmpty()) {
            return true;
        }
        if (!eventIdx) {
            return (readU16(availAddr + AvailRing.FLAGS) & AvailRing.F_NO_INTERRUPT) == 0;
        }
        boolean valid = signalledUsedValid;
        int old = signalledUsed;
        signalledUsedValid = true;
        signalledUsed = usedIdx;
        int event = readU16(availAddr + AvailRing.usedEvent(size));
        return !valid || needEvent(event, usedIdx, old);
    }

    /**
     * Turns driver notifications (kicks) on or off (virtio 1.2, 2.7.10): without EVENT_IDX through the
     * NO_NOTIFY flag; with it, "on" publishes avail_event = the current avail->idx and "off" leaves
     * avail_event behind (and pops stop moving it) while the driver adds more, as QEMU 7.2 does
     * (virtio_queue_split_set_notification, vring_set_avail_event).
     */
    public void setNotification(boolean enable) throws RingFault {
        notification = enable;
        if (!ready()) {
            return;
        }
        if (eventIdx) {
            if (enable) {
                writeU16(usedAddr + UsedRing.availEvent(size), readAvailIdx());
            }
        } else {
            writeU16(usedAddr + UsedRing.FLAGS, enable ? 0 : UsedRing.F_NO_NOTIFY);
        }
    }

    /**
     * The event-index test of virtio 1.2, 2.7.7.2 / 2.7.10.2: true when {@code event} lies in
     * [old, new), all in u16 arithmetic.
     */
    public static boolean needEvent(int event, int newIdx, int oldIdx) {
        return ((newIdx - event - 1) & 0xFFFF) < ((newIdx - oldIdx) & 0xFFFF);
    }

    /**
     * Names the part of this ring at guest address {@code address} for an access of {@code length} bytes:
     * {@code desc 5}, {@code desc 5.len}, {@code avail idx}, {@code avail ring[3]}, {@code avail used_event},
     * {@code used idx}, {@code used[1]}, {@code used[1].len}, {@code used avail_event}; null when the address is
     * outside the ring or the ring has no size. Reads no memory and changes nothing.
     */
    public String describe(long address, long length) {
        if (size <= 0) {
            return null;
        }
        long off = address - usedAddr;
        if (Long.compareUnsigned(off, UsedRing.size(size)) < 0) {
            int o = (int) off;
            if (o < UsedRing.IDX) {
                return "used flags";
            } else if (o < UsedRing.RING) {
                return "used idx";
            } else if (o >= UsedRing.availEvent(size)) {
                return "used avail_event";
            }
            int slot = (o - UsedRing.RING) / UsedRing.ELEM_SIZE;
            int in = (o - UsedRing.RING) % UsedRing.ELEM_SIZE;
            String field = in == 0 && Long.compareUnsigned(length, UsedRing.ELEM_SIZE) >= 0 ? ""
                    : in < UsedRing.ELEM_LEN ? ".id" : ".len";
            return "used[" + slot + "]" + field;
        }
        off = address - availAddr;
        if (Long.compareUnsigned(off, AvailRing.size(size)) < 0) {
            int o = (int) off;
            if (o < AvailRing.IDX) {
                return "avail flags";
            } else if (o < AvailRing.RING) {
                return "avail idx";
            } else if (o >= AvailRing.usedEvent(size)) {
                return "avail used_event";
            }
            return "avail ring[" + (o - AvailRing.RING) / 2 + "]";
        }
        off = address - descAddr;
        if (Long.compareUnsigned(off, (long) Descriptor.SIZE * size) < 0) {
            int o = (int) off;
            int in = o % Descriptor.SIZE;
            String field = in == 0 && Long.compareUnsigned(length, Descriptor.SIZE) >= 0 ? ""
                    : in < Descriptor.LEN ? ".addr" : in < Descriptor.FLAGS ? ".len" : in < Descriptor.NEXT ? ".flags"
                    : ".next";
            return "desc " + o / Descriptor.SIZE + field;
        }
        return null;
    }

    private int readAvailIdx() throws RingFault {
        shadowAvailIdx = readU16(availAddr + AvailRing.IDX);
        return shadowAvailIdx;
    }

    private int readU16(long addr) throws RingFault {
        if (!memory.read(addr, u16, 0, 2)) {
            throw new RingFault(RingError.RING_OUT_OF_RAM);
        }
        return Descriptor.u16(u16, 0);
    }

    private void writeU16(long addr, int value) throws RingFault {
        u16[0] = (byte) value;
        u16[1] = (byte) (value >>> 8);
        if (!memory.write(addr, u16, 0, 2)) {
            throw new RingFault(RingError.RING_OUT_OF_RAM);
        }
    }
}
