package io.trapline.emulator.net;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The ones' complement sum behind the Internet checksum (RFC 1071), shared by the device models' checksum offloads
 * and the guest's TCP/IP stacks.
 *
 * <p>A running sum here is a sum of non-negative terms congruent, modulo 0xFFFF, to the sum of the data's big-endian
 * 16-bit words, and zero only when they all are: that is all {@link #fold} keeps (RFC 1071 2(B): the sum may be taken
 * in wider words). {@link #add} reads 8 bytes at a time and adds them as two 32-bit halves, since 2^16 and 2^32 are
 * both 1 modulo 0xFFFF: four times fewer steps than word by word, where checksums took a fifth of a web run in the
 * guest and an eighth in e1000's TSO path (docs/benchmarks.md, eighteenth round).
 */
public final class OnesComplement {
    private static final VarHandle BIG_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private OnesComplement() {
    }

    /**
     * Adds {@code len} bytes of {@code b} at {@code off} to a running sum, as 16-bit big-endian words (an odd last byte
     * padded with zero). A sum of up to 2^31 bytes cannot overflow.
     */
    public static long add(long sum, byte[] b, int off, int len) {
        int end = off + len;
        if (off < 0 || len < 0 || end < 0 || end > b.length) {
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

    /** A running sum folded to 16 bits with end-around carries: 0 for a zero sum, otherwise 1 to 0xFFFF. */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The checksum field's value for a running sum: the ones' complement of its fold. */
    public static int checksum(long sum) {
        return ~fold(sum) & 0xFFFF;
    }
}
