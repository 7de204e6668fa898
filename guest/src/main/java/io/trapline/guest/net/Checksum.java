package io.trapline.guest.net;

/** The Internet checksum (RFC 1071): ones' complement of the ones' complement sum of 16-bit big-endian words. */
public final class Checksum {
    private Checksum() {
    }

    /** Adds {@code len} bytes at {@code off} to a running 32-bit sum (an odd last byte is padded with zero). */
    public static long add(long sum, byte[] b, int off, int len) {
        int end = off + len - 1;
        int i = off;
        for (; i < end; i += 2) {
            sum += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
        }
        if (i == end) {
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
