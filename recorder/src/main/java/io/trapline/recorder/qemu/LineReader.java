package io.trapline.recorder.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Splits a byte stream into lines without allocating per line: after {@link #next()} the line is
 * {@code buffer()[start() .. end())} (no '\n', no trailing '\r'). Lines longer than {@link #MAX_LINE} are cut
 * and flagged {@link #overlong()} so one runaway line (binary junk without newlines) cannot exhaust memory.
 * A read error (e.g. a truncated compressed stream) ends the input and is kept in {@link #failure()}.
 */
final class LineReader {
    static final int MAX_LINE = 1 << 16;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final InputStream in;
    private byte[] buf = new byte[1 << 17];
    private final byte[] cut = new byte[MAX_LINE];
    private byte[] line;
    private int pos;
    private int limit;
    private boolean eof;
    private IOException failure;
    private long lineNumber;
    private int start;
    private int end;
    private boolean overlong;
    private boolean binary;
    private boolean unterminated;

    LineReader(InputStream in) {
        this.in = in;
    }

    /** Advances to the next line; false at the end of input (or after a read error). */
    boolean next() {
        overlong = false;
        binary = false;
        int scanned = 0;
        while (true) {
            byte[] b = buf;
            int lim = limit;
            int i = pos + scanned;
            // eight bytes at a time while none is a control byte (newline included), DEL or non-ASCII
            while (i + 8 <= lim) {
                long w = (long) LONG_LE.get(b, i);
                long flagged = ((w - 0x2020202020202020L) & ~w) | w | (((w ^ 0x7f7f7f7f7f7f7f7fL) - 0x0101010101010101L)
                        & ~(w ^ 0x7f7f7f7f7f7f7f7fL));
                if ((flagged & 0x8080808080808080L) != 0) {
                    break;
                }
                i += 8;
            }
            for (; i < lim; i++) {
                byte c = b[i];
                if (c == '\n') {
                    if (i - pos > MAX_LINE) {
                        overlong = true;
                        setLine(b, pos, pos + MAX_LINE);
                    } else {
                        setLine(b, pos, i);
                    }
                    pos = i + 1;
                    return true;
                }
                if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
                    binary = true;
                }
            }
            scanned = lim - pos;
            if (scanned >= MAX_LINE) {
                System.arraycopy(b, pos, cut, 0, MAX_LINE);
                overlong = true;
                pos = lim;
                skipToNewline();
                setLine(cut, 0, MAX_LINE);
                return true;
            }
            if (!fill()) {
                if (limit > pos) {
                    setLine(buf, pos, limit);
                    pos = limit;
                    unterminated = true;
                    return true;
                }
                return false;
            }
        }
    }

    private void setLine(byte[] b, int s, int e) {
        lineNumber++;
        line = b;
        start = s;
        end = (e > s && b[e - 1] == '\r') ? e - 1 : e;
    }

    private void skipToNewline() {
        while (true) {
            for (int i = pos; i < limit; i++) {
                if (buf[i] == '\n') {
                    pos = i + 1;
                    return;
                }
            }
            pos = limit;
            if (!fill()) {
                return;
            }
        }
    }

    /** Reads more input after compacting the buffer; false at end of input or on a read error. */
    private boolean fill() {
        if (eof) {
            return false;
        }
        if (pos > 0) {
            int rest = limit - pos;
            System.arraycopy(buf, pos, buf, 0, rest);
            limit = rest;
            pos = 0;
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int n;
        try {
            n = in.read(buf, limit, buf.length - limit);
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException(e.toString(), e);
            eof = true;
            return false;
        }
        if (n < 0) {
            eof = true;
            return false;
        }
        limit += n;
        return true;
    }

    byte[] buffer() {
        return line;
    }

    int start() {
        return start;
    }

    int end() {
        return end;
    }

    long lineNumber() {
        return lineNumber;
    }

    /** The line held bytes that never occur in a text trace (control characters other than tab/CR, DEL). */
    boolean binary() {
        return binary;
    }

    /** The line was longer than {@link #MAX_LINE}; only its start is shown. */
    boolean overlong() {
        return overlong;
    }

    /** The current line is the last one and had no terminating newline. */
    boolean unterminated() {
        return unterminated;
    }

    /** The read error that ended the input early, or null. */
    IOException failure() {
        return failure;
    }
}
