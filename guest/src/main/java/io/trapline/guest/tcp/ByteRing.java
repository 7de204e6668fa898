package io.trapline.guest.tcp;

/** A fixed-capacity FIFO of bytes: a socket's send or receive buffer. */
final class ByteRing {
    private final byte[] data;
    private int head;
    private int size;

    ByteRing(int capacity) {
        this.data = new byte[capacity];
    }

    int size() {
        return size;
    }

    int free() {
        return data.length - size;
    }

    int capacity() {
        return data.length;
    }

    /** Appends as much as fits; returns the bytes taken. */
    int write(byte[] src, int off, int len) {
        int n = Math.min(len, free());
        int tail = (head + size) % data.length;
        int first = Math.min(n, data.length - tail);
        System.arraycopy(src, off, data, tail, first);
        System.arraycopy(src, off + first, data, 0, n - first);
        size += n;
        return n;
    }

    /** Copies {@code len} bytes starting {@code from} bytes after the head, without consuming them. */
    void peek(int from, byte[] dst, int off, int len) {
        if (from < 0 || len < 0 || from + len > size) {
            throw new IndexOutOfBoundsException(from + "+" + len + " of " + size);
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
