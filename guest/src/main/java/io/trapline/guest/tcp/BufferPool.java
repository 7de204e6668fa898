package io.trapline.guest.tcp;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Byte arrays handed back by one stack's sockets for the next ones, by exact length: a web workload opens a
 * connection per request, and each one's buffers used to be new arrays that the collector then had to find dead
 * (about a third of what a run allocated; docs/benchmarks.md). Linux recycles socket memory the same way through
 * its page and slab allocators. Holds at most {@code limitBytes} so that a burst of closing connections does not
 * pin memory for the rest of the run. One stack runs on one thread at a time, so there is no locking.
 *
 * <p>An array taken keeps whatever bytes it last held: its user must only read what it wrote.
 */
public final class BufferPool {
    private final long limitBytes;
    private final Map<Integer, ArrayDeque<byte[]>> free = new HashMap<>();
    private long heldBytes;

    public BufferPool(long limitBytes) {
        if (limitBytes < 0) {
            throw new IllegalArgumentException("pool limit " + limitBytes + " is negative");
        }
        this.limitBytes = limitBytes;
    }

    /** An array of exactly {@code length} bytes: one given back before, or a new one. */
    public byte[] take(int length) {
        ArrayDeque<byte[]> q = free.get(length);
        byte[] a = q == null ? null : q.poll();
        if (a == null) {
            return new byte[length];
        }
        heldBytes -= length;
        return a;
    }

    /**
     * Keeps {@code array} for a later {@link #take} of its length, unless the pool is full (it is then left to the
     * collector). The caller must not touch it afterwards.
     */
    public void give(byte[] array) {
        int length = array.length;
        if (length == 0 || heldBytes + length > limitBytes) {
            return;
        }
        free.computeIfAbsent(length, k -> new ArrayDeque<>()).push(array);
        heldBytes += length;
    }

    /** Bytes held for reuse now. */
    public long heldBytes() {
        return heldBytes;
    }
}
