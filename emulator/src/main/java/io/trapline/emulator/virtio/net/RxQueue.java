package io.trapline.emulator.virtio.net;

import io.trapline.emulator.memory.DmaMemory;
import io.trapline.emulator.memory.LittleEndian;
import io.trapline.emulator.virtio.pci.VirtioPciTransport;
import io.trapline.emulator.virtio.ring.DescriptorChain;
import io.trapline.emulator.virtio.ring.RingFault;
import io.trapline.emulator.virtio.ring.SplitRing;

/**
 * The receive queue: a frame goes into the guest's buffers behind a virtio_net_hdr (virtio 1.2, 5.1.6.4).
 * With MRG_RXBUF it may span several elements and the first header's num_buffers says how many; without it
 * one element must hold it all. When the guest has posted too few buffers the frame is refused so the
 * backend keeps it, as QEMU's virtio_net_can_receive / virtio_net_has_buffers make the net layer queue it;
 * the device then leaves RX kicks on and reports readiness when the driver kicks the RX queue.
 */
final class RxQueue {
    private final VirtioPciTransport transport;
    private final VirtioNetCounters counters;
    private final int queue;
    private final DmaMemory memory;
    /**
     * The first buffer's bytes: the header the device writes, then the frame's first bytes, so that they
     * reach the buffer in one write, as QEMU fills one mapping of it (virtio_net_receive_rcu).
     */
    private final byte[] first = new byte[VirtioNetHeader.LENGTH_WITH_NUM_BUFFERS + TxQueue.MAX_FRAME];
    private final byte[] numBuffers = new byte[2];
    private final int[] heads;
    private final long[] lengths;
    private int headerLength = VirtioNetHeader.LENGTH;
    private boolean mergeable;

    RxQueue(DmaMemory memory, VirtioPciTransport transport, VirtioNetCounters counters, int queue, int maxSize) {
        this.memory = memory;
        this.transport = transport;
        this.counters = counters;
        this.queue = queue;
        this.heads = new int[maxSize];
        this.lengths = new long[maxSize];
    }

    void configure(int headerLength, boolean mergeable) {
        this.headerLength = headerLength;
        this.mergeable = mergeable;
        // The header the device writes: no offload flags, GSO_NONE, num_buffers 1 (patched when more).
        java.util.Arrays.fill(first, 0, VirtioNetHeader.LENGTH_WITH_NUM_BUFFERS, (byte) 0);
        if (headerLength == VirtioNetHeader.LENGTH_WITH_NUM_BUFFERS) {
            LittleEndian.put16(first, VirtioNetHeader.NUM_BUFFERS, 1);
        }
    }

    /** True when the driver has buffers and is ready; otherwise re-enables RX kicks (virtio_net_has_buffers). */
    boolean canReceive() throws RingFault {
        SplitRing ring = transport.ring(queue);
        if (!transport.driverOk() || !ring.ready()) {
            counters.rxRefusedNotReady++;
            return false;
        }
        if (ring.isEmpty()) {
            ring.setNotification(true);
            if (ring.isEmpty()) {
                counters.rxRefusedNoBuffer++;
                return false;
            }
        }
        ring.setNotification(false);
        return true;
    }

    /**
     * Delivers a frame; false when it needs more buffers than the driver posted (nothing consumed, the
     * backend keeps the frame). Frames that cannot fit at all without mergeable buffers are dropped.
     */
    boolean deliver(byte[] frame, int off, int len) throws RingFault {
        SplitRing ring = transport.ring(queue);
        DescriptorChain chain = transport.chain(queue);
        long total = (long) headerLength + len;
        long done = 0;
        int used = 0;
        long numBuffersAt = -1;
        long numBuffersHighAt = -1;
        while (done < total) {
            if (used == heads.length || !ring.pop(chain)) {
                ring.unpop(used);
                ring.setNotification(true);
                counters.rxRefusedNoBuffer++;
                return false;
            }
            long room = chain.writableBytes();
            long inThis = 0;
            if (used == 0) {
                if (room < headerLength) {
                    // QEMU: a first buffer without room for the header is a device error.
                    ring.unpop(1);
                    transport.deviceError("RX_BUFFER_SMALLER_THAN_HEADER");
                    return true;
                }
                int chunk = (int) Math.min(room - headerLength, len);
                if (!writeFirst(chain, frame, off, chunk)) {
                    ring.unpop(1);
                    transport.deviceError("BUFFER_OUT_OF_RAM");
                    return true;
                }
                numBuffersAt = chain.writableAddress(VirtioNetHeader.NUM_BUFFERS);
                numBuffersHighAt = chain.writableAddress(VirtioNetHeader.NUM_BUFFERS + 1);
                inThis = headerLength + chunk;
            } else if (room == 0) {
                ring.unpop(used + 1);
                transport.deviceError("RX_BUFFER_NOT_WRITABLE");
                return true;
            } else {
                int chunk = (int) Math.min(room, total - done);
                if (!chain.write(0, frame, off + (int) (done - headerLength), chunk)) {
                    ring.unpop(used + 1);
                    transport.deviceError("BUFFER_OUT_OF_RAM");
                    return true;
                }
                inThis = chunk;
            }
            heads[used] = chain.head();
            lengths[used] = inThis;
            used++;
            done += inThis;
            if (!mergeable && done < total) {
                // QEMU drops a frame a non-mergeable buffer cannot hold ("truncated non-mergeable packet").
                ring.unpop(used);
                counters.rxDropped++;
                return true;
            }
        }
        if (headerLength == VirtioNetHeader.LENGTH_WITH_NUM_BUFFERS && used > 1) {
            // num_buffers was written as 1 with the header; patch it like QEMU does once the count is known.
            numBuffers[0] = (byte) used;
            numBuffers[1] = (byte) (used >>> 8);
            if (!memory.write(numBuffersAt, numBuffers, 0, 1) || !memory.write(numBuffersHighAt, numBuffers, 1, 1)) {
                transport.deviceError("BUFFER_OUT_OF_RAM");
                return true;
            }
        }
        for (int i = 0; i < used; i++) {
            ring.fillUsed(heads[i], lengths[i]);
        }
        ring.flushUsed();
        counters.rxFrames++;
        counters.rxBuffers += used;
        counters.rxMultiBufferFrames += used > 1 ? 1 : 0;
        transport.queueInterrupt(queue);
        return true;
    }

    /** The header and the frame's first {@code chunk} bytes into the first buffer: one write when they fit. */
    private boolean writeFirst(DescriptorChain chain, byte[] frame, int off, int chunk) {
        if (headerLength + chunk <= first.length) {
            System.arraycopy(frame, off, first, headerLength, chunk);
            return chain.write(0, first, 0, headerLength + chunk);
        }
        return chain.write(0, first, 0, headerLength) && chain.write(headerLength, frame, off, chunk);
    }
}
