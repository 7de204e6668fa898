package io.trapline.emulator.virtio.ring;

import io.trapline.emulator.memory.DmaMemory;

/**
 * One element taken from the available ring: its head index and the buffers of its chain, device-readable
 * ones first (virtio 1.2, 2.7.4.2). The device owns one instance per queue and reuses it for every pop, so
 * walking a chain allocates nothing. Copies go through the ring's {@link DmaMemory}, so a recorder sees them.
 */
public final class DescriptorChain {
    /** QEMU bounds one element at VIRTQUEUE_MAX_SIZE (1024) buffers (hw/virtio/virtio.c). */
    public static final int MAX_BUFFERS = 1024;

    private final DmaMemory memory;
    private final long[] addr = new long[MAX_BUFFERS];
    private final int[] len = new int[MAX_BUFFERS];
    private int head;
    private int count;
    private int readableCount;
    private long readableBytes;
    private long writableBytes;

    public DescriptorChain(DmaMemory memory) {
        this.memory = memory;
    }

    void reset(int headIndex) {
        head = headIndex;
        count = 0;
        readableCount = 0;
        readableBytes = 0;
        writableBytes = 0;
    }

    void add(long address, long length, boolean writable) throws RingFault {
        if (length == 0) {
            throw new RingFault(RingError.ZERO_LENGTH_BUFFER);
        }
        if (Long.compareUnsigned(address + length - 1, address) < 0) {
            throw new RingFault(RingError.BUFFER_OUT_OF_RAM);
        }
        if (!writable && count > readableCount) {
            throw new RingFault(RingError.READABLE_AFTER_WRITABLE);
        }
        if (count == MAX_BUFFERS) {
            throw new RingFault(RingError.CHAIN_TOO_LONG);
        }
        addr[count] = address;
        len[count] = (int) length;
        count++;
        if (writable) {
            writableBytes += length;
        } else {
            readableCount++;
            readableBytes += length;
        }
    }

    /** Descriptor index of the chain's head: the id the used ring reports back. */
    public int head() {
        return head;
    }

    public int buffers() {
        return count;
    }

    public long readableBytes() {
        return readableBytes;
    }

    public long writableBytes() {
        return writableBytes;
    }

    public long address(int buffer) {
        return addr[buffer];
    }

    /** Length of buffer {@code buffer} (u32, as unsigned). */
    public long length(int buffer) {
        return len[buffer] & 0xFFFF_FFFFL;
    }

    public boolean writable(int buffer) {
        return buffer >= readableCount;
    }

    /** Guest address of the byte {@code offset} bytes into the writable part, or -1 past its end. */
    public long writableAddress(long offset) {
        long skip = offset;
        for (int i = readableCount; i < count; i++) {
            long length = len[i] & 0xFFFF_FFFFL;
            if (skip < length) {
                return addr[i] + skip;
            }
            skip -= length;
        }
        return -1;
    }

    /**
     * Copies {@code n} bytes starting {@code from} bytes into the readable part into {@code dst[off..]}.
     * Returns false when the readable part is shorter or a buffer is outside guest RAM.
     */
    public boolean read(long from, byte[] dst, int off, int n) {
        return copy(0, readableCount, from, dst, off, n, false);
    }

    /** Copies {@code n} bytes to the writable part, starting {@code from} bytes into it. */
    public boolean write(long from, byte[] src, int off, int n) {
        return copy(readableCount, count, from, src, off, n, true);
    }

    private boolean copy(int first, int end, long from, byte[] data, int off, int n, boolean toGuest) {
        long skip = from;
        int done = 0;
        for (int i = first; i < end && done < n; i++) {
            long length = len[i] & 0xFFFF_FFFFL;
            if (skip >= length) {
                skip -= length;
                continue;
            }
            int chunk = (int) Math.min(length - skip, n - done);
            boolean ok = toGuest
                    ? memory.write(addr[i] + skip, data, off + done, chunk)
                    : memory.read(addr[i] + skip, data, off + done, chunk);
            if (!ok) {
                return false;
            }
            done += chunk;
            skip = 0;
        }
        return done == n;
    }
}
