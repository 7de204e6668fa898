package io.trapline.emulator.virtio.net;

import io.trapline.emulator.virtio.pci.TransportMode;
import io.trapline.emulator.virtio.pci.VirtioPciOptions;

/**
 * Properties of a virtio-net device, named after QEMU 7.2's virtio-net-pci properties. The defaults are
 * what {@code -device virtio-net-pci,netdev=n0} offers in front of a backend without vnet headers (QEMU's
 * user network): no checksum offload, 4 MSI-X vectors, EVENT_IDX, mergeable RX buffers, control queue.
 * Setters return this, for chaining.
 */
public final class VirtioNetConfig {
    private byte[] mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    private TransportMode mode = TransportMode.TRANSITIONAL;
    /** QEMU: 2 x queue pairs + 2 (one per queue, one for config, one for the control queue). */
    private int vectors = 4;
    private boolean eventIdx = true;
    private boolean indirectDesc = true;
    private boolean mrgRxbuf = true;
    private boolean csum;
    private boolean ctrlVq = true;
    private boolean status = true;
    private int rxQueueSize = 256;
    private int txQueueSize = 256;
    private int txBurst = 256;
    private long txBottomHalfDelayNs;
    /**
     * The longest TX bottom-half delay: QEMU's own TX delay, the x-txtimer property of virtio-net's tx=timer mode, is
     * a uint32 count of nanoseconds (hw/net/virtio-net.c, QEMU 7.2). Anything longer is no pacing QEMU has.
     */
    public static final long MAX_TX_BH_DELAY_NS = 0xFFFF_FFFFL;
    private int romBarSize = VirtioPciOptions.QEMU_ROM_BAR_SIZE;

    public static VirtioNetConfig defaults() {
        return new VirtioNetConfig();
    }

    public VirtioNetConfig mac(byte[] address) {
        if (address.length != 6) {
            throw new IllegalArgumentException("MAC address must be 6 bytes");
        }
        mac = address.clone();
        return this;
    }

    /** disable-legacy / disable-modern. */
    public VirtioNetConfig mode(TransportMode m) {
        mode = m;
        return this;
    }

    /** MSI-X vectors; 0 = no MSI-X capability, interrupts by INTx and ISR. */
    /** MSI-X vectors, 0 for none (INTx only); checked here so a bad option is reported before a device exists. */
    public VirtioNetConfig vectors(int n) {
        VirtioPciOptions.checkVectors(n);
        vectors = n;
        return this;
    }

    public VirtioNetConfig eventIdx(boolean on) {
        eventIdx = on;
        return this;
    }

    public VirtioNetConfig indirectDesc(boolean on) {
        indirectDesc = on;
        return this;
    }

    public VirtioNetConfig mrgRxbuf(boolean on) {
        mrgRxbuf = on;
        return this;
    }

    /**
     * Offer CSUM and GUEST_CSUM, as QEMU does when its backend takes vnet headers (tap). The model then
     * completes NEEDS_CSUM checksums itself before handing frames to the backend.
     */
    public VirtioNetConfig csum(boolean on) {
        csum = on;
        return this;
    }

    /** ctrl_vq: without it, CTRL_RX, CTRL_VLAN, CTRL_RX_EXTRA, GUEST_ANNOUNCE, CTRL_MAC_ADDR go too. */
    public VirtioNetConfig ctrlVq(boolean on) {
        ctrlVq = on;
        return this;
    }

    public VirtioNetConfig status(boolean on) {
        status = on;
        return this;
    }

    public VirtioNetConfig rxQueueSize(int n) {
        rxQueueSize = checkQueueSize(n);
        return this;
    }

    public VirtioNetConfig txQueueSize(int n) {
        txQueueSize = checkQueueSize(n);
        return this;
    }

    /** x-txburst: packets one TX bottom half sends at most. */
    public VirtioNetConfig txBurst(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("tx_burst must be at least 1, got " + n);
        }
        txBurst = n;
        return this;
    }

    /**
     * Virtual time from a TX kick to its bottom half (QEMU runs it on the next main-loop pass): 0 to
     * {@link #MAX_TX_BH_DELAY_NS}.
     */
    public VirtioNetConfig txBottomHalfDelayNs(long ns) {
        if (ns < 0 || ns > MAX_TX_BH_DELAY_NS) {
            throw new IllegalArgumentException("tx_bh_delay_ns must be 0 to " + MAX_TX_BH_DELAY_NS
                    + " (about 4.3 s, the range of QEMU's x-txtimer), got " + ns);
        }
        txBottomHalfDelayNs = ns;
        return this;
    }

    public VirtioNetConfig romBarSize(int bytes) {
        romBarSize = bytes;
        return this;
    }

    private static int checkQueueSize(int n) {
        // QEMU accepts 256..1024, powers of two (virtio_net_device_realize).
        if (n < 256 || n > 1024 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("queue size must be a power of two in 256..1024: " + n);
        }
        return n;
    }

    public byte[] mac() {
        return mac.clone();
    }

    public TransportMode mode() {
        return mode;
    }

    public int vectors() {
        return vectors;
    }

    public boolean eventIdx() {
        return eventIdx;
    }

    public boolean indirectDesc() {
        return indirectDesc;
    }

    public boolean mrgRxbuf() {
        return mrgRxbuf;
    }

    public boolean csum() {
        return csum;
    }

    public boolean ctrlVq() {
        return ctrlVq;
    }

    public boolean status() {
        return status;
    }

    public int rxQueueSize() {
        return rxQueueSize;
    }

    public int txQueueSize() {
        return txQueueSize;
    }

    public int txBurst() {
        return txBurst;
    }

    public long txBottomHalfDelayNs() {
        return txBottomHalfDelayNs;
    }

    public int romBarSize() {
        return romBarSize;
    }

    VirtioPciOptions pciOptions() {
        return new VirtioPciOptions(mode, vectors, romBarSize);
    }
}
