package io.trapline.emulator.virtio.net;

/** What the device did with frames: statistics a test or a report can read; no effect on behaviour. */
public final class VirtioNetCounters {
    long txFrames;
    long txDropped;
    long txBottomHalves;
    long txKicksIgnored;
    long rxFrames;
    long rxBuffers;
    long rxMultiBufferFrames;
    long rxRefusedNoBuffer;
    long rxRefusedNotReady;
    long rxFiltered;
    long rxDropped;
    long ctrlCommands;
    long ctrlErrors;

    /** Frames handed to the backend. */
    public long txFrames() {
        return txFrames;
    }

    /** TX elements completed without sending (bad header, oversized, GSO, link down). */
    public long txDropped() {
        return txDropped;
    }

    /** TX bottom-half runs. */
    public long txBottomHalves() {
        return txBottomHalves;
    }

    /** TX kicks that arrived while a bottom half was already scheduled. */
    public long txKicksIgnored() {
        return txKicksIgnored;
    }

    public long rxFrames() {
        return rxFrames;
    }

    /** Frames that took more than one RX buffer (mergeable buffers). */
    public long rxMultiBufferFrames() {
        return rxMultiBufferFrames;
    }

    /** RX buffers (elements) used, more than frames with mergeable buffers. */
    public long rxBuffers() {
        return rxBuffers;
    }

    /** receive() refusals because the guest had posted too few RX buffers. */
    public long rxRefusedNoBuffer() {
        return rxRefusedNoBuffer;
    }

    /** receive() refusals because the driver was not ready (no DRIVER_OK, RX queue not enabled). */
    public long rxRefusedNotReady() {
        return rxRefusedNotReady;
    }

    /** Frames dropped by the receive filter (promiscuous off, MAC table, VLAN table). */
    public long rxFiltered() {
        return rxFiltered;
    }

    /** Frames taken and dropped: link down, too big for the buffers without mergeable RX. */
    public long rxDropped() {
        return rxDropped;
    }

    public long ctrlCommands() {
        return ctrlCommands;
    }

    /** Control commands answered VIRTIO_NET_ERR. */
    public long ctrlErrors() {
        return ctrlErrors;
    }
}
