package io.trapline.guest.net;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** The Internet checksum (RFC 1071): ones' complement of the ones' complement sum of 16-bit big-endian words. */
public final class Checksum {
    private static final VarHandle BIG_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Checksum() {
    }

    /**
     * Adds {@code len} bytes at {@code off} (an odd last byte padded with zero) to a running sum, for {@link #finish}.
     * The sum is of non-negative terms congruent to the 16-bit words modulo 0xFFFF, which is all the folding in
     * {@link #finish} keeps (RFC 1071 2(B): the sum may be taken in wider words). It reads 8 bytes at a time and adds
     * them as two 32-bit halves, since 2^16 and 2^32 are both 1 modulo 0xFFFF: four times fewer steps than word by
     * word, where the checksums of every frame, sent and received, took a fifth of a web run.
     */
    public static long add(long sum, byte[] b, int off, int len) {
        int end = off + len;
        if (off < 0 || len < 0 || end > b.length || end < 0) {
            throw new IndexOutOfBoundsException("bytes " + off + "+" + len + " of " + b.length);
        }
        int i = off;
        for (int last8 = end - 8; i <= last8; i += 8) {
            long x = (long) BIG_ENDIAN_LONG.get(b, i);
            sum += (x >>> 32) + (x & 0xFFFF_FFFFL);
        }
        for (; i < end - 1; i += 2) {
            sum += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
        }
        if (i < end) {
            sum += (b[i] & 0xFF) << 8;
        }
        return sum;
    }

    /** Folds a running sum into the 16-bit checksum field value. */
    public static int finish(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    public static int of(byte[] b, int off, int len) {
        return finish(add(0, b, off, len));
    }

    /** Sum of the IPv4 pseudo-header TCP and UDP checksums cover (RFC 793 section 3.1). */
    public static long pseudoHeader(int srcIp, int dstIp, int protocol, int length) {
        return (srcIp >>> 16) + (srcIp & 0xFFFF) + (dstIp >>> 16) + (dstIp & 0xFFFF) + protocol + length;
    }
}
