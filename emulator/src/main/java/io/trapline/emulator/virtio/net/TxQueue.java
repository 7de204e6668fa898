package io.trapline.emulator.virtio.net;

import io.trapline.emulator.device.DeviceContext;
import io.trapline.emulator.time.Scheduler;
import io.trapline.emulator.time.Timer;
import io.trapline.emulator.virtio.pci.VirtioPciTransport;
import io.trapline.emulator.virtio.ring.DescriptorChain;
import io.trapline.emulator.virtio.ring.RingFault;
import io.trapline.emulator.virtio.ring.SplitRing;

/**
 * The transmit queue with QEMU's default pacing (tx=bh, hw/net/virtio-net.c): a kick turns further kicks
 * off and schedules a bottom half; the bottom half sends up to {@code txBurst} frames, each completed in
 * the used ring with an interrupt if the driver wants one. After a full burst it runs again; otherwise it
 * turns kicks back on and looks once more, and if frames arrived meanwhile it turns them off and runs again.
 */
final class TxQueue {
    /** Largest frame the model sends: a 64 KiB GSO-less maximum plus an Ethernet header with VLAN tag. */
    static final int MAX_FRAME = 65536 + 18;

    private final DeviceContext ctx;
    private final VirtioPciTransport transport;
    private final VirtioNetCounters counters;
    private final int queue;
    private final int burst;
    private final long delayNs;
    private final Timer bottomHalf;
    /** The element's readable bytes: the virtio_net_hdr, then the frame from {@code headerLength} on. */
    private final byte[] packet = new byte[VirtioNetHeader.LENGTH_WITH_NUM_BUFFERS + MAX_FRAME];
    private boolean waiting;
    private int headerLength = VirtioNetHeader.LENGTH;
    private boolean csum;
    private boolean linkUp = true;

    TxQueue(DeviceContext ctx, VirtioPciTransport transport, VirtioNetCounters counters, int queue,
            int burst, long delayNs) {
        this.ctx = ctx;
        this.transport = transport;
        this.counters = counters;
        this.queue = queue;
        this.burst = burst;
        this.delayNs = delayNs;
        this.bottomHalf = ctx.newTimer(this::runBottomHalf);
    }

    void configure(int headerLength, boolean csum) {
        this.headerLength = headerLength;
        this.csum = csum;
    }

    void setLinkUp(boolean up) {
        linkUp = up;
    }

    void reset() {
        waiting = false;
        bottomHalf.cancel();
    }

    boolean bottomHalfPending() {
        return waiting;
    }

    /** A kick: schedule the bottom half unless one is pending (QEMU's virtio_net_handle_tx_bh). */
    void kicked() {
        if (waiting) {
            counters.txKicksIgnored++;
            return;
        }
        waiting = true;
        try {
            transport.ring(queue).setNotification(false);
        } catch (RingFault fault) {
            transport.deviceError(fault.error().name());
            return;
        }
        bottomHalf.arm(Scheduler.deadline(ctx.now(), delayNs));
    }

    private void runBottomHalf() {
        waiting = false;
        if (!transport.driverOk()) {
            return;
        }
        counters.txBottomHalves++;
        SplitRing ring = transport.ring(queue);
        try {
            int sent = flush();
            if (sent < 0) {
                return;
            }
            if (sent >= burst) {
                reschedule();
                return;
            }
            ring.setNotification(true);
            sent = flush();
            if (sent > 0) {
                ring.setNotification(false);
                reschedule();
            }
        } catch (RingFault fault) {
            transport.deviceError(fault.error().name());
        }
    }

    private void reschedule() {
        waiting = true;
        bottomHalf.arm(Scheduler.deadline(ctx.now(), delayNs));
    }

    /** Sends up to one burst; -1 when the device entered its error state. */
    private int flush() throws RingFault {
        SplitRing ring = transport.ring(queue);
        DescriptorChain chain = transport.chain(queue);
        int sent = 0;
        while (sent < burst && !transport.broken()) {
            if (!ring.pop(chain)) {
                break;
            }
            long total = chain.readableBytes();
            if (total < headerLength) {
                // QEMU: "virtio-net header incorrect" is a device error.
                transport.deviceError("TX_HEADER_TOO_SHORT");
                return -1;
            }
            long length = total - headerLength;
            boolean sendable = length <= MAX_FRAME && linkUp;
            // Header and frame in one read per buffer, as QEMU maps each buffer once and copies both out of
            // the mapping (virtqueue_map_desc); a frame that will be dropped is not read past its header.
            if (!chain.read(0, packet, 0, sendable ? (int) total : headerLength)) {
                transport.deviceError("BUFFER_OUT_OF_RAM");
                return -1;
            }
            if (!sendable || packet[VirtioNetHeader.GSO_TYPE] != VirtioNetHeader.GSO_NONE) {
                counters.txDropped++;
            } else {
                int n = (int) length;
                if (csum && (packet[VirtioNetHeader.FLAGS] & VirtioNetHeader.F_NEEDS_CSUM) != 0) {
                    InternetChecksum.complete(packet, headerLength, n);
                }
                ctx.transmit(packet, headerLength, n);
                counters.txFrames++;
            }
            ring.pushUsed(chain.head(), 0);
            transport.queueInterrupt(queue);
            sent++;
        }
        return sent;
    }
}
