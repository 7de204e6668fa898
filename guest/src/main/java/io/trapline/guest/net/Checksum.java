package io.trapline.guest.net;

import io.trapline.emulator.net.OnesComplement;

/** The Internet checksum (RFC 1071): ones' complement of the ones' complement sum of 16-bit big-endian words. */
public final class Checksum {
    private Checksum() {
    }

    /**
     * Adds {@code len} bytes at {@code off} (an odd last byte padded with zero) to a running sum, for {@link #finish}
     * ({@link OnesComplement#add}).
     */
    public static long add(long sum, byte[] b, int off, int len) {
        return OnesComplement.add(sum, b, off, len);
    }

    /** Folds a running sum into the 16-bit checksum field value. */
    public static int finish(long sum) {
        return OnesComplement.checksum(sum);
    }

    public static int of(byte[] b, int off, int len) {
        return finish(add(0, b, off, len));
    }

    /** Sum of the IPv4 pseudo-header TCP and UDP checksums cover (RFC 793 section 3.1). */
    public static long pseudoHeader(int srcIp, int dstIp, int protocol, int length) {
        return (srcIp >>> 16) + (srcIp & 0xFFFF) + (dstIp >>> 16) + (dstIp & 0xFFFF) + protocol + length;
    }
}
