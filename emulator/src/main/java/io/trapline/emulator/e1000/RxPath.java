package io.trapline.emulator.e1000;

import io.trapline.emulator.device.DeviceContext;
import io.trapline.emulator.memory.LittleEndian;

import java.util.Arrays;

import static io.trapline.emulator.e1000.E1000Registers.*;

/**
 * The receive path: address filtering (SDM 3.2.1: RAL/RAH exact match with AV, MTA hash per RCTL.MO,
 * UPE/MPE promiscuous, BAM broadcast, VLAN filter with RCTL.VFE), then the frame into legacy receive
 * descriptors from RDH (SDM 3.2.3), several descriptors per frame when it exceeds the buffer size
 * (RCTL.BSIZE/BSEX), EOP on the last. Mirrors QEMU 7.2 (hw/net/e1000.c e1000_can_receive /
 * e1000_receive_iov):
 * <ul>
 * <li>no free descriptor at all (RDH == RDT), receiver disabled, link down, bus mastering off, or within
 *     1 s of an RCTL write: the device cannot receive; the frame stays queued in the backend
 *     ({@link #receive} returns false) until the device calls rxReady (RDT write, link up, bus master on,
 *     end of the RCTL settle time);</li>
 * <li>some descriptors free but too few for this frame: the frame is dropped and counted (RNBC, MPC) and
 *     RXO is raised.</li>
 * </ul>
 */
final class RxPath {
    /** Largest frame the device takes from the backend; larger ones are dropped and counted in ROC. */
    static final int MAX_FRAME = 0x10000;
    private static final int MIN_FRAME = 60;
    private static final int ETH_HEADER = 14;
    private static final int VLAN_HEADER = 4;
    private static final int MTU = 1500;
    /** Largest frame with LPE set: 16 KiB less the FCS (QEMU e1000x_is_oversized). */
    private static final int MAX_LONG_FRAME = 16384 - 4;
    private static final int[] MTA_SHIFT = {4, 3, 2, 0};

    private final int[] regs;
    private final DeviceContext ctx;
    private final Interrupts interrupts;
    private final byte[] frame = new byte[MAX_FRAME];
    private final byte[] descriptor = new byte[DESCRIPTOR_SIZE];
    private final byte[] statusByte = new byte[1];
    private int bufferSize = 2048;
    /** RXDMT0 threshold as a shift of RDLEN: RDMTS 0/1/2 = 1/2, 1/4, 1/8 of the ring. */
    private int thresholdShift = 1;
    private long framesDelivered;
    private long framesDropped;
    // What the guest and the network made this path do, for DeviceActivity (never read by the path itself).
    private long overruns;
    private long multiDescriptorFrames;
    private long vlanTagsStripped;
    private long ringWraps;
    private long dmaFaults;

    RxPath(int[] regs, DeviceContext ctx, Interrupts interrupts) {
        this.regs = regs;
        this.ctx = ctx;
        this.interrupts = interrupts;
    }

    void reset() {
        bufferSize = 2048;
        thresholdShift = 1;
    }

    /** RCTL changed: recompute the buffer size and the RXDMT0 threshold. */
    void rctlChanged(int rctl) {
        bufferSize = bufferSize(rctl);
        thresholdShift = ((rctl >>> RCTL_RDMTS_SHIFT) & 3) + 1;
    }

    int bufferSize() {
        return bufferSize;
    }

    /** Buffer address of the last descriptor fetched, for naming (0 for none). */
    long lastBufferAddress() {
        return LittleEndian.u64(descriptor, 0);
    }

    long framesDelivered() {
        return framesDelivered;
    }

    long framesDropped() {
        return framesDropped;
    }

    /**
     * Frames over several descriptors, VLAN tags stripped, ring wraps, frames refused for want of descriptors
     * (overruns), frames dropped otherwise (filtered, oversized), DMA faults, in that order.
     */
    long[] activity() {
        return new long[] {multiDescriptorFrames, vlanTagsStripped, ringWraps, overruns, framesDropped - overruns,
                dmaFaults};
    }

    /** Buffer size from RCTL.BSIZE and BSEX (SDM 13.4.22); reserved encodings give 2048 as QEMU does. */
    static int bufferSize(int rctl) {
        int bsize = (rctl >>> RCTL_BSIZE_SHIFT) & 3;
        if ((rctl & RCTL_BSEX) != 0) {
            switch (bsize) {
                case 1: return 16384;
                case 2: return 8192;
                case 3: return 4096;
                default: return 2048;
            }
        }
        switch (bsize) {
            case 1: return 1024;
            case 2: return 512;
            case 3: return 256;
            default: return 2048;
        }
    }

    /** Whether the ring holds enough free descriptors for {@code totalSize} bytes. */
    boolean hasBuffers(long totalSize) {
        int head = regs[RDH >>> 2];
        int tail = regs[RDT >>> 2];
        if (totalSize <= bufferSize) {
            return head != tail;
        }
        long free;
        if (head < tail) {
            free = tail - head;
        } else if (head > tail) {
            free = regs[RDLEN >>> 2] / DESCRIPTOR_SIZE + tail - head;
        } else {
            return false;
        }
        return totalSize <= free * bufferSize;
    }

    /** A frame from the network; see the class comment for when it returns false. */
    boolean receive(byte[] src, int offset, int length, boolean canReceive) {
        if (!canReceive) {
            return false;
        }
        if (length > MAX_FRAME) {
            Statistics.increment(regs, ROC);
            framesDropped++;
            return true;
        }
        System.arraycopy(src, offset, frame, 0, length);
        int size = length;
        if (size < MIN_FRAME) {
            Arrays.fill(frame, size, MIN_FRAME, (byte) 0);
            size = MIN_FRAME;
        }
        int rctl = regs[RCTL >>> 2];
        if (oversized(rctl, size)) {
            Statistics.increment(regs, ROC);
            framesDropped++;
            return true;
        }
        int vet = regs[VET >>> 2] & 0xFFFF;
        boolean tagged = etherType(frame) == vet;
        if ((tagged && !vlanAccepted(rctl)) || !addressAccepted(rctl)) {
            framesDropped++;
            return true;
        }
        int special = 0;
        int vlanStatus = 0;
        int start = 0;
        if ((regs[CTRL >>> 2] & CTRL_VME) != 0 && tagged) {
            // Strip the 802.1Q tag into the descriptor's special field.
            special = (frame[14] & 0xFF) << 8 | (frame[15] & 0xFF);
            System.arraycopy(frame, 0, frame, VLAN_HEADER, 12);
            start = VLAN_HEADER;
            size -= VLAN_HEADER;
            vlanStatus = RXD_STAT_VP;
            vlanTagsStripped++;
        }
        boolean broadcast = TxPath.isBroadcast(frame, start);
        boolean multicast = !broadcast && (frame[start] & 1) != 0;
        int headStart = regs[RDH >>> 2];
        int ringLength = regs[RDLEN >>> 2];
        int fcs = (rctl & RCTL_SECRC) != 0 ? 0 : 4;
        long totalSize = (long) size + fcs;
        if (!hasBuffers(totalSize)) {
            overrun();
            return true;
        }
        long base = ((long) regs[RDBAH >>> 2] << 32) + (regs[RDBAL >>> 2] & 0xFFFF_FFF0L);
        long done = 0;
        do {
            long chunk = Math.min(totalSize - done, bufferSize);
            long address = base + (long) DESCRIPTOR_SIZE * regs[RDH >>> 2];
            if (!ctx.read(address, descriptor, 0, DESCRIPTOR_SIZE)) {
                Arrays.fill(descriptor, (byte) 0);
                dmaFaults++;
            }
            LittleEndian.put16(descriptor, 14, special);
            int status = descriptor[12] & ~RXD_STAT_DD;
            long bufferAddress = LittleEndian.u64(descriptor, 0);
            if (bufferAddress != 0) {
                if (done < size) {
                    int copy = (int) Math.min(size - done, bufferSize);
                    ctx.write(bufferAddress, frame, start + (int) done, copy);
                }
                done += chunk;
                LittleEndian.put16(descriptor, 8, (int) chunk);
                if (done >= totalSize) {
                    status |= RXD_STAT_EOP | RXD_STAT_IXSM;
                } else {
                    status &= ~RXD_STAT_EOP;
                }
            }
            // A descriptor with a null buffer address is skipped (SDM 3.2.3), consuming no data.
            descriptor[12] = (byte) status;
            ctx.write(address, descriptor, 0, DESCRIPTOR_SIZE);
            statusByte[0] = (byte) (status | vlanStatus | RXD_STAT_DD);
            ctx.write(address + 12, statusByte, 0, 1);
            int head = regs[RDH >>> 2] + 1;
            if ((long) head * DESCRIPTOR_SIZE >= ringLength) {
                head = 0;
                ringWraps++;
            }
            regs[RDH >>> 2] = head;
            if (head == headStart || headStart >= ringLength / DESCRIPTOR_SIZE) {
                // Went once round the ring (or started outside it) without finishing the frame.
                overrun();
                return true;
            }
            if (done < totalSize) {
                multiDescriptorFrames += done == chunk ? 1 : 0; // counted once, at its first descriptor
            }
        } while (done < totalSize);

        Statistics.countSize(regs, PRC64, (int) totalSize);
        Statistics.increment(regs, TPR);
        Statistics.increment(regs, GPRC);
        Statistics.add64(regs, TORL, size + 4L);
        Statistics.add64(regs, GORCL, size + 4L);
        if (broadcast) {
            Statistics.increment(regs, BPRC);
        } else if (multicast) {
            Statistics.increment(regs, MPRC);
        }
        framesDelivered++;

        int cause = ICR_RXT0;
        long tail = regs[RDT >>> 2];
        int head = regs[RDH >>> 2];
        if (tail < head) {
            tail += ringLength / DESCRIPTOR_SIZE;
        }
        if ((tail - head) * DESCRIPTOR_SIZE <= (ringLength >>> thresholdShift)) {
            cause |= ICR_RXDMT0;
        }
        interrupts.raise(cause);
        return true;
    }

    private void overrun() {
        overruns++;
        Statistics.increment(regs, RNBC);
        Statistics.increment(regs, MPC);
        framesDropped++;
        interrupts.raise(ICR_RXO);
    }

    private boolean oversized(int rctl, int size) {
        int maxShort = ETH_HEADER + VLAN_HEADER + MTU;
        boolean tooLong = size > MAX_LONG_FRAME || (size > maxShort && (rctl & RCTL_LPE) == 0);
        return tooLong && (rctl & RCTL_SBP) == 0;
    }

    private static int etherType(byte[] f) {
        return (f[12] & 0xFF) << 8 | (f[13] & 0xFF);
    }

    private boolean vlanAccepted(int rctl) {
        if ((rctl & RCTL_VFE) == 0) {
            return true;
        }
        int vid = ((frame[14] & 0xFF) << 8 | (frame[15] & 0xFF)) & 0xFFF;
        return (regs[(VFTA >>> 2) + (vid >>> 5)] & (1 << (vid & 31))) != 0;
    }

    private boolean addressAccepted(int rctl) {
        if (TxPath.isBroadcast(frame, 0)) {
            if ((rctl & RCTL_BAM) != 0) {
                return true;
            }
        } else if ((frame[0] & 1) != 0) {
            if ((rctl & RCTL_MPE) != 0) {
                return true;
            }
        } else if ((rctl & RCTL_UPE) != 0) {
            return true;
        }
        int ral = RAL0 >>> 2;
        for (int i = 0; i < RA_COUNT; i++) {
            int low = regs[ral + 2 * i];
            int high = regs[ral + 2 * i + 1];
            if ((high & RAH_AV) != 0 && matches(low, high)) {
                return true;
            }
        }
        // Inexact filter: 12 bits of the destination address chosen by RCTL.MO index the 4096-bit MTA.
        int shift = MTA_SHIFT[(rctl >>> RCTL_MO_SHIFT) & 3];
        int hash = (((frame[5] & 0xFF) << 8 | (frame[4] & 0xFF)) >>> shift) & 0xFFF;
        return (regs[(MTA >>> 2) + (hash >>> 5)] & (1 << (hash & 31))) != 0;
    }

    private boolean matches(int low, int high) {
        return frame[0] == (byte) low && frame[1] == (byte) (low >>> 8) && frame[2] == (byte) (low >>> 16)
                && frame[3] == (byte) (low >>> 24) && frame[4] == (byte) high && frame[5] == (byte) (high >>> 8);
    }
}
