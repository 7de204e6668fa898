package io.trapline.guest.tcp;

/**
 * A FIFO of bytes with a fixed limit: a socket's send or receive buffer. Storage starts small and doubles
 * up to the limit as data needs it, so thousands of short connections do not each hold the full buffers;
 * it comes from and goes back to the stack's {@link BufferPool}.
 */
final class ByteRing {
    private static final int INITIAL = 2048;
    private static final byte[] NONE = new byte[0];
    private final int limit;
    private final BufferPool pool;
    private byte[] data;
    private int head;
    private int size;

    ByteRing(int limit, BufferPool pool) {
        this.limit = limit;
        this.pool = pool;
        this.data = pool.take(Math.min(INITIAL, limit));
    }

    int size() {
        return size;
    }

    int free() {
        return limit - size;
    }

    int capacity() {
        return limit;
    }

    /** Bytes of storage held now (it grows with the data and goes at {@link #release}). */
    int storage() {
        return data.length;
    }

    /** Gives the storage back to the pool if nothing is buffered; a later write takes storage again. */
    void release() {
        if (size == 0) {
            pool.give(data);
            data = NONE;
            head = 0;
        }
    }

    /** Appends as much as fits; returns the bytes taken. */
    int write(byte[] src, int off, int len) {
        int n = Math.min(len, free());
        if (n <= 0) {
            return 0;
        }
        if (size + n > data.length) {
            grow(size + n);
        }
        int tail = (head + size) % data.length;
        int first = Math.min(n, data.length - tail);
        System.arraycopy(src, off, data, tail, first);
        System.arraycopy(src, off + first, data, 0, n - first);
        size += n;
        return n;
    }

    private void grow(int needed) {
        int cap = Math.max(data.length, Math.min(INITIAL, limit));
        while (cap < needed) {
            cap = (int) Math.min((long) cap * 2, limit);
        }
        byte[] bigger = pool.take(cap);
        peek(0, bigger, 0, size);
        pool.give(data);
        data = bigger;
        head = 0;
    }

    /** Copies {@code len} bytes starting {@code from} bytes after the head, without consuming them. */
    void peek(int from, byte[] dst, int off, int len) {
        if (from < 0 || len < 0 || from + len > size) {
            throw new IndexOutOfBoundsException(from + "+" + len + " of " + size);
        }
        if (len == 0) {
            return;
        }
        int start = (head + from) % data.length;
        int first = Math.min(len, data.length - start);
        System.arraycopy(data, start, dst, off, first);
        System.arraycopy(data, 0, dst, off + first, len - first);
    }

    void skip(int n) {
        if (n < 0 || n > size) {
            throw new IndexOutOfBoundsException(n + " of " + size);
        }
        if (n == 0) {
            return;
        }
        head = (head + n) % data.length;
        size -= n;
    }

    int read(byte[] dst, int off, int len) {
        int n = Math.min(len, size);
        peek(0, dst, off, n);
        skip(n);
        return n;
    }
}
