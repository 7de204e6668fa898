package io.trapline.guest.tcp;

/**
 * The TCP behaviour of one side. {@link #linux()} models the guest (Linux 6.1 defaults), {@link #slirp()}
 * the host side of QEMU's user networking as seen in the shared captures.
 *
 * @param mss               MSS we announce and our upper bound for sending: MTU 1500 - 40 bytes of headers
 * @param receiveBuffer     receive buffer in bytes; the window is announced from its free space (no window
 *                          scaling: the captures' SYNs carry only the MSS option, so windows stay below 64 KiB)
 * @param roundWindowToMss  announce windows in whole MSS (Linux: 65535 -> 64240 = 44 x 1460 in the captures)
 * @param sendBuffer        send buffer in bytes; writes beyond it wait for ACKs
 * @param initialCwnd       initial congestion window in segments (RFC 6928; Linux uses 10)
 * @param nagle             Nagle's algorithm, Minshall's variant as Linux: hold a short segment while an earlier
 *                          short segment is unacknowledged
 * @param ackEverySegment   ACK each received data segment at once (slirp does: every guest segment in the
 *                          captures gets its own ACK)
 * @param quickAckSegments  Linux's quick-ACK mode: the first segments of a connection are ACKed at once
 *                          (up to 16, TCP_MAX_QUICKACKS)
 * @param delayedAckNs      delayed-ACK timeout (Linux TCP_ATO_MIN = 40 ms)
 * @param initialRtoNs      retransmission timeout before an RTT sample (RFC 6298: 1 s)
 * @param minRtoNs          lower bound of the RTO (Linux TCP_RTO_MIN = 200 ms)
 * @param maxRtoNs          upper bound of the RTO (Linux TCP_RTO_MAX = 120 s)
 * @param maxRetransmits    retransmissions of one segment before the connection is reset
 * @param timeWaitNs        TIME_WAIT duration (Linux TCP_TIMEWAIT_LEN = 60 s)
 */
public record TcpConfig(
        int mss,
        int receiveBuffer,
        boolean roundWindowToMss,
        int sendBuffer,
        int initialCwnd,
        boolean nagle,
        boolean ackEverySegment,
        int quickAckSegments,
        long delayedAckNs,
        long initialRtoNs,
        long minRtoNs,
        long maxRtoNs,
        int maxRetransmits,
        long timeWaitNs) {

    public TcpConfig {
        if (mss < 64 || mss > 65495 || receiveBuffer < mss || receiveBuffer > 65535 || sendBuffer < mss) {
            throw new IllegalArgumentException("bad TCP config: mss " + mss + ", buffers " + receiveBuffer + "/" + sendBuffer);
        }
    }

    public static TcpConfig linux() {
        return new TcpConfig(1460, 65535, true, 262_144, 10, true, false, 16,
                40_000_000L, 1_000_000_000L, 200_000_000L, 120_000_000_000L, 15, 60_000_000_000L);
    }

    /** The host side: slirp announces 65535 and keeps it (the host socket drains at once), ACKs every segment. */
    public static TcpConfig slirp() {
        return new TcpConfig(1460, 65535, false, 262_144, 10, true, true, 0,
                40_000_000L, 1_000_000_000L, 200_000_000L, 120_000_000_000L, 15, 60_000_000_000L);
    }

    public TcpConfig withReceiveBuffer(int bytes) {
        return new TcpConfig(mss, bytes, roundWindowToMss, sendBuffer, initialCwnd, nagle, ackEverySegment,
                quickAckSegments, delayedAckNs, initialRtoNs, minRtoNs, maxRtoNs, maxRetransmits, timeWaitNs);
    }

    public TcpConfig withTimeWait(long ns) {
        return new TcpConfig(mss, receiveBuffer, roundWindowToMss, sendBuffer, initialCwnd, nagle, ackEverySegment,
                quickAckSegments, delayedAckNs, initialRtoNs, minRtoNs, maxRtoNs, maxRetransmits, ns);
    }
}
