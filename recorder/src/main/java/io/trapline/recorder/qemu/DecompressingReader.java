package io.trapline.recorder.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs a decompressing stream on its own thread, handing full blocks to the reader through a small bounded
 * queue, so decompression (xz is the slower half of an import) overlaps with parsing. Memory stays bounded
 * ({@link #BLOCKS} blocks of {@link #BLOCK_SIZE}). A decompression error reaches the reader as an
 * IOException at the point in the stream where it happened; closing stops the thread.
 */
final class DecompressingReader extends InputStream {
    static final int BLOCK_SIZE = 1 << 18;
    static final int BLOCKS = 4;

    private static final byte[] END = new byte[0];

    private final InputStream source;
    private final String format;
    private final BlockingQueue<byte[]> full = new ArrayBlockingQueue<>(BLOCKS);
    private final Thread thread;
    private volatile boolean closed;
    private volatile IOException failure;
    private byte[] block;
    private int blockLength;
    private int pos;
    private boolean ended;

    DecompressingReader(InputStream source, String format, String name) {
        this.source = source;
        this.format = format;
        this.thread = new Thread(this::pump, "decompress " + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void pump() {
        boolean more = true;
        while (more && !closed) {
            byte[] b = new byte[BLOCK_SIZE + 4];
            int n = 0;
            try {
                while (n < BLOCK_SIZE) {
                    int r = source.read(b, 4 + n, BLOCK_SIZE - n);
                    if (r < 0) {
                        more = false;
                        break;
                    }
                    n += r;
                }
            } catch (IOException | RuntimeException e) {
                // hand over what was decoded before the error, then the error
                failure = e instanceof IOException io ? io : new IOException(e.toString(), e);
                more = false;
            }
            if (n > 0) {
                b[0] = (byte) (n >>> 24);
                b[1] = (byte) (n >>> 16);
                b[2] = (byte) (n >>> 8);
                b[3] = (byte) n;
                if (!put(b)) {
                    return;
                }
            }
        }
        put(END);
    }

    private boolean put(byte[] b) {
        try {
            while (!closed) {
                if (full.offer(b, 100, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** The compression being undone: "xz" or "gzip". */
    String format() {
        return format;
    }

    private boolean nextBlock() throws IOException {
        if (ended) {
            return false;
        }
        byte[] b;
        try {
            b = full.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while decompressing");
        }
        if (b == END) {
            ended = true;
            if (failure != null) {
                throw failure;
            }
            return false;
        }
        block = b;
        blockLength = (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
        pos = 0;
        return true;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] dst, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (block == null || pos == blockLength) {
            if (!nextBlock()) {
                return -1;
            }
        }
        int n = Math.min(len, blockLength - pos);
        System.arraycopy(block, 4 + pos, dst, off, n);
        pos += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        full.clear();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        source.close();
    }
}
