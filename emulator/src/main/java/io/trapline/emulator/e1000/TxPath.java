package io.trapline.emulator.e1000;

import io.trapline.emulator.device.DeviceContext;
import io.trapline.emulator.memory.LittleEndian;
import io.trapline.emulator.net.OnesComplement;

import static io.trapline.emulator.e1000.E1000Registers.*;

/**
 * The transmit path: runs synchronously when the guest writes TDT or TCTL, walking descriptors from TDH
 * to TDT (SDM 3.3), as QEMU 7.2 does (hw/net/e1000.c start_xmit / process_tx_desc / xmit_seg).
 *
 * <p>Legacy descriptors, context descriptors (checksum offload and TSO parameters, SDM 3.3.6) and data
 * descriptors (SDM 3.3.7) are supported. Checksums are inserted when POPTS asks; with TSE the payload is
 * cut into MSS-sized segments, each sent with the saved header after fixing IPv4 total length and id (or
 * the IPv6 payload length as QEMU computes it), TCP sequence number and PSH/FIN, or UDP length.
 *
 * <p>Hostile input is bounded: one kick visits at most the ring's descriptors (and stops after one when
 * TDH starts outside the ring), a frame never grows past {@link #MAX_FRAME} bytes, and a TSO descriptor
 * whose payload cannot advance ends the descriptor (the CVE-2015-6815 / CVE-2021-20257 loops).
 */
final class TxPath {
    /** Frame assembly buffer size, as QEMU's tx.data. */
    static final int MAX_FRAME = 0x10000;
    /** Bytes kept in front of the frame so a VLAN tag can be inserted without copying the payload. */
    private static final int HEADROOM = 4;
    private static final int MAX_HEADER = 256;

    /** Where frames sent in PHY loopback mode go. */
    interface Loopback {
        void deliver(byte[] frame, int offset, int length);
    }

    /** Offload parameters from a context descriptor (SDM 3.3.6). */
    static final class Context {
        int ipcss;
        int ipcso;
        int ipcse;
        int tucss;
        int tucso;
        int tucse;
        int paylen;
        int hdrLen;
        int mss;
        boolean ip;
        boolean tcp;

        void load(byte[] d) {
            ipcss = d[0] & 0xFF;
            ipcso = d[1] & 0xFF;
            ipcse = LittleEndian.u16(d, 2);
            tucss = d[4] & 0xFF;
            tucso = d[5] & 0xFF;
            tucse = LittleEndian.u16(d, 6);
            int cmdAndLength = LittleEndian.s32(d, 8);
            paylen = cmdAndLength & 0xFFFFF;
            ip = (cmdAndLength & TXD_CMD_IP) != 0;
            tcp = (cmdAndLength & TXD_CMD_TCP) != 0;
            hdrLen = d[13] & 0xFF;
            mss = LittleEndian.u16(d, 14);
        }

        void clear() {
            ipcss = ipcso = ipcse = tucss = tucso = tucse = paylen = hdrLen = mss = 0;
            ip = tcp = false;
        }
    }

    private final int[] regs;
    private final DeviceContext ctx;
    private final Interrupts interrupts;
    private final Phy phy;
    private final Loopback loopback;

    private final byte[] descriptor = new byte[DESCRIPTOR_SIZE];
    private final byte[] status = new byte[4];
    private final byte[] buffer = new byte[HEADROOM + MAX_FRAME];
    private final byte[] header = new byte[MAX_HEADER];
    private final Context plain = new Context();
    private final Context tso = new Context();
    private int size;
    private int sumNeeded;
    private boolean segmenting;
    private boolean vlanNeeded;
    private int vlanTag;
    private int segmentsSent;
    private boolean busy;
    private long framesSent;
    // What the guest made this path do, for DeviceActivity (never read by the path itself).
    private long descriptors;
    private long contextDescriptors;
    private long tsoSegments;
    private long checksumsInserted;
    private long vlanTagsInserted;
    private long ringWraps;
    private long dmaFaults;

    TxPath(int[] regs, DeviceContext ctx, Interrupts interrupts, Phy phy, Loopback loopback) {
        this.regs = regs;
        this.ctx = ctx;
        this.interrupts = interrupts;
        this.phy = phy;
        this.loopback = loopback;
    }

    void reset() {
        plain.clear();
        tso.clear();
        size = 0;
        sumNeeded = 0;
        segmenting = false;
        vlanNeeded = false;
        segmentsSent = 0;
    }

    long framesSent() {
        return framesSent;
    }

    /** Descriptors, context descriptors, TSO segments, checksums, VLAN tags, ring wraps, DMA faults, in that order. */
    long[] activity() {
        return new long[] {descriptors, contextDescriptors, tsoSegments, checksumsInserted, vlanTagsInserted,
                ringWraps, dmaFaults};
    }

    /** Buffer address of the last descriptor fetched, for naming (0 for none, or a context descriptor). */
    long lastBufferAddress() {
        int lower = LittleEndian.s32(descriptor, 8);
        return (lower & (TXD_CMD_DEXT | TXD_DTYP_D)) == TXD_CMD_DEXT ? 0 : LittleEndian.u64(descriptor, 0);
    }

    /** Buffer length of the last descriptor fetched, for naming. */
    int lastBufferLength() {
        return LittleEndian.s32(descriptor, 8) & TXD_LENGTH_MASK;
    }

    /** Processes the ring from TDH to TDT (called on TDT and TCTL writes). */
    void start() {
        if ((regs[TCTL >>> 2] & TCTL_EN) == 0 || busy) {
            return;
        }
        busy = true;
        int cause = ICR_TXQE;
        int headStart = regs[TDH >>> 2];
        int ringLength = regs[TDLEN >>> 2];
        long base = ((long) regs[TDBAH >>> 2] << 32) + (regs[TDBAL >>> 2] & 0xFFFF_FFF0L);
        try {
            while (regs[TDH >>> 2] != regs[TDT >>> 2]) {
                long address = base + (long) DESCRIPTOR_SIZE * regs[TDH >>> 2];
                if (!ctx.read(address, descriptor, 0, DESCRIPTOR_SIZE)) {
                    // Outside guest RAM: the device sees an all-zero descriptor (an empty legacy one).
                    java.util.Arrays.fill(descriptor, (byte) 0);
                    dmaFaults++;
                }
                descriptors++;
                process();
                cause |= writeBack(address);
                int head = regs[TDH >>> 2] + 1;
                if ((long) head * DESCRIPTOR_SIZE >= ringLength) {
                    head = 0;
                    ringWraps++;
                }
                regs[TDH >>> 2] = head;
                // Bogus TDT/TDLEN/TDH: stop after one lap, or after one descriptor when TDH began outside the ring.
                if (head == headStart || headStart >= ringLength / DESCRIPTOR_SIZE) {
                    break;
                }
            }
        } finally {
            busy = false;
        }
        interrupts.raise(cause);
    }

    private int writeBack(long address) {
        int lower = LittleEndian.s32(descriptor, 8);
        if ((lower & (TXD_CMD_RS | TXD_CMD_RPS)) == 0) {
            return 0;
        }
        int upper = (LittleEndian.s32(descriptor, 12) | TXD_STAT_DD) & ~(TXD_STAT_EC | TXD_STAT_LC | TXD_STAT_TU);
        LittleEndian.put32(status, 0, upper);
        ctx.write(address + 12, status, 0, 4);
        return ICR_TXDW;
    }

    private void process() {
        int lower = LittleEndian.s32(descriptor, 8);
        int type = lower & (TXD_CMD_DEXT | TXD_DTYP_D);
        int length = lower & TXD_LENGTH_MASK;
        if ((lower & TXD_CMD_IDE) != 0) {
            interrupts.noteIde();
        }
        if (type == TXD_CMD_DEXT) {
            contextDescriptors++;
            if ((lower & TXD_CMD_TSE) != 0) {
                tso.load(descriptor);
                segmentsSent = 0;
            } else {
                plain.load(descriptor);
            }
            return;
        } else if (type == (TXD_CMD_DEXT | TXD_DTYP_D)) {
            if (size == 0) {
                sumNeeded = descriptor[13] & 0xFF;
            }
            segmenting = (lower & TXD_CMD_TSE) != 0;
        } else {
            segmenting = false;
        }

        if ((regs[CTRL >>> 2] & CTRL_VME) != 0 && (lower & TXD_CMD_VLE) != 0
                && (segmenting || (lower & TXD_CMD_EOP) != 0)) {
            vlanNeeded = true;
            vlanTag = (regs[VET >>> 2] & 0xFFFF) << 16 | LittleEndian.u16(descriptor, 14);
        }

        long address = LittleEndian.u64(descriptor, 0);
        if (segmenting) {
            int segmentEnd = tso.hdrLen + tso.mss;
            int remaining = length;
            int bytes;
            do {
                if (size >= segmentEnd) {
                    break;
                }
                bytes = Math.min(remaining, segmentEnd - size);
                bytes = Math.min(bytes, MAX_FRAME - size);
                dmaRead(address, size, bytes);
                int filled = size + bytes;
                if (filled >= tso.hdrLen && size < tso.hdrLen) {
                    System.arraycopy(buffer, HEADROOM, header, 0, tso.hdrLen);
                }
                size = filled;
                address += bytes;
                if (filled == segmentEnd) {
                    sendSegment();
                    System.arraycopy(header, 0, buffer, HEADROOM, tso.hdrLen);
                    size = tso.hdrLen;
                }
                remaining -= bytes;
            } while (bytes != 0 && remaining != 0);
        } else {
            int bytes = Math.min(length, MAX_FRAME - size);
            dmaRead(address, size, bytes);
            size += bytes;
        }

        if ((lower & TXD_CMD_EOP) == 0) {
            return;
        }
        if (!(segmenting && size < tso.hdrLen)) {
            sendSegment();
        }
        segmentsSent = 0;
        sumNeeded = 0;
        vlanNeeded = false;
        size = 0;
        segmenting = false;
    }

    private void dmaRead(long address, int at, int bytes) {
        if (bytes > 0 && !ctx.read(address, buffer, HEADROOM + at, bytes)) {
            // Outside guest RAM: those bytes read as zeros.
            java.util.Arrays.fill(buffer, HEADROOM + at, HEADROOM + at + bytes, (byte) 0);
            dmaFaults++;
        }
    }

    /** Finishes and sends the frame in the buffer: TSO header fix-ups, checksums, VLAN tag. */
    private void sendSegment() {
        Context props = segmenting ? tso : plain;
        byte[] b = buffer;
        int d = HEADROOM;
        if (segmenting) {
            int css = props.ipcss;
            if (props.ip) {
                putBe16(b, d + css + 2, size - css);
                putBe16(b, d + css + 4, getBe16(b, d + css + 4) + segmentsSent);
            } else {
                // QEMU 7.2 writes size - ipcss into the IPv6 payload length (it includes the 40-byte header).
                putBe16(b, d + css + 4, size - css);
            }
            css = props.tucss;
            int len = (size - css) & 0xFFFF;
            if (props.tcp) {
                int sofar = segmentsSent * props.mss;
                putBe32(b, d + css + 4, getBe32(b, d + css + 4) + sofar);
                if (Integer.compareUnsigned(props.paylen - sofar, props.mss) > 0) {
                    b[d + css + 13] &= ~9; // not the last segment: clear PSH and FIN
                } else if (segmentsSent != 0) {
                    Statistics.increment(regs, TSCTC);
                }
            } else {
                putBe16(b, d + css + 4, len);
            }
            if ((sumNeeded & TXD_POPTS_TXSM) != 0) {
                // Linux leaves the pseudo-header sum without length in the checksum field; add this segment's length.
                int sum = getBe16(b, d + props.tucso) + len;
                sum = (sum >>> 16) + (sum & 0xFFFF);
                putBe16(b, d + props.tucso, sum);
            }
            segmentsSent++;
            tsoSegments++;
        }
        if ((sumNeeded & TXD_POPTS_TXSM) != 0) {
            insertChecksum(props.tucso, props.tucss, props.tucse);
        }
        if ((sumNeeded & TXD_POPTS_IXSM) != 0) {
            insertChecksum(props.ipcso, props.ipcss, props.ipcse);
        }
        if (vlanNeeded) {
            vlanTagsInserted++;
            // Move the two MAC addresses into the headroom and put the 802.1Q tag after them.
            System.arraycopy(b, d, b, 0, 12);
            putBe32(b, 12, vlanTag);
            send(b, 0, size + 4);
        } else {
            send(b, d, size);
        }
        Statistics.increment(regs, TPT);
        Statistics.add64(regs, TOTL, size + 4L);
        Statistics.increment(regs, GPTC);
        Statistics.add64(regs, GOTCL, size + 4L);
    }

    private void send(byte[] frame, int offset, int length) {
        framesSent++;
        if (phy.loopback()) {
            loopback.deliver(frame, offset, length);
        } else {
            ctx.transmit(frame, offset, length);
        }
        if (length >= 6) {
            if (isBroadcast(frame, offset)) {
                Statistics.increment(regs, BPTC);
            } else if ((frame[offset] & 1) != 0) {
                Statistics.increment(regs, MPTC);
            }
        }
        Statistics.countSize(regs, PTC64, length + 4);
    }

    static boolean isBroadcast(byte[] f, int off) {
        for (int i = 0; i < 6; i++) {
            if (f[off + i] != (byte) 0xFF) {
                return false;
            }
        }
        return true;
    }

    /** Stores the Internet checksum of bytes [css, end] at offset sloc (SDM 3.3.6: CSE 0 means end of frame). */
    private void insertChecksum(int sloc, int css, int cse) {
        int n = size;
        if (cse != 0 && cse < n) {
            n = cse + 1;
        }
        checksumsInserted++;
        if (sloc + 1 < n) {
            int sum = css < n ? onesComplementSum(buffer, HEADROOM + css, n - css) : 0;
            int folded = ~sum & 0xFFFF;
            putBe16(buffer, HEADROOM + sloc, folded == 0 ? 0xFFFF : folded);
        }
    }

    /** RFC 1071 sum of big-endian 16-bit words, folded to 16 bits. */
    static int onesComplementSum(byte[] b, int off, int len) {
        return OnesComplement.fold(OnesComplement.add(0, b, off, len));
    }

    private static int getBe16(byte[] b, int off) {
        return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
    }

    private static void putBe16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static int getBe32(byte[] b, int off) {
        return getBe16(b, off) << 16 | getBe16(b, off + 2);
    }

    private static void putBe32(byte[] b, int off, int v) {
        putBe16(b, off, v >>> 16);
        putBe16(b, off + 2, v);
    }
}
