package io.trapline.emulator.virtio.net;

import io.trapline.emulator.device.Device;
import io.trapline.emulator.device.DeviceActivity;
import io.trapline.emulator.device.DeviceContext;
import io.trapline.emulator.device.GuestAddressNames;
import io.trapline.emulator.pci.MsixTable;
import io.trapline.emulator.pci.PciConfigSpace;
import io.trapline.emulator.virtio.pci.TransportMode;
import io.trapline.emulator.virtio.pci.VirtioDevice;
import io.trapline.emulator.virtio.pci.VirtioFeatures;
import io.trapline.emulator.virtio.pci.VirtioPciTransport;
import io.trapline.emulator.virtio.ring.DescriptorChain;
import io.trapline.emulator.virtio.ring.RingFault;
import io.trapline.emulator.virtio.ring.SplitRing;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.trapline.emulator.virtio.pci.VirtioFeatures.bit;

/**
 * virtio-net over virtio-pci with split virtqueues, as QEMU 7.2 presents it to a Linux guest: one queue
 * pair (receiveq 0, transmitq 1) and a control queue (2), virtio 1.2 section 5.1. Register decoding,
 * interrupts and status live in {@link VirtioPciTransport}; this class holds the network function.
 */
public final class VirtioNet implements Device, VirtioDevice, GuestAddressNames, DeviceActivity {
    public static final int RX_QUEUE = 0;
    public static final int TX_QUEUE = 1;
    public static final int CTRL_QUEUE = 2;
    /** QEMU's control queue size. */
    public static final int CTRL_QUEUE_SIZE = 64;

    private final DeviceContext ctx;
    private final VirtioNetConfig options;
    private final long deviceFeatures;
    private final NetConfigSpace config;
    private final RxFilter filter = new RxFilter();
    private final ControlQueue control;
    private final VirtioNetCounters counters = new VirtioNetCounters();
    private final VirtioPciTransport transport;
    private final TxQueue tx;
    private final RxQueue rx;
    private final byte[] ack = new byte[1];
    private long negotiated;

    public VirtioNet(DeviceContext ctx, VirtioNetConfig options) {
        this.ctx = ctx;
        this.options = options;
        this.deviceFeatures = offeredFeatures(options);
        this.config = new NetConfigSpace(options.mac());
        this.control = new ControlQueue(filter, config);
        this.transport = new VirtioPciTransport(ctx, this, options.pciOptions());
        this.tx = new TxQueue(ctx, transport, counters, TX_QUEUE, options.txBurst(), options.txBottomHalfDelayNs());
        this.rx = new RxQueue(ctx, transport, counters, RX_QUEUE, options.rxQueueSize());
        reset();
    }

    /**
     * QEMU 7.2's default offer in front of a backend without vnet headers: the probe captures read
     * 0x30bf8024 / 0x101 through the modern interface (CTRL_GUEST_OFFLOADS, MAC, MRG_RXBUF, STATUS, CTRL_VQ,
     * CTRL_RX, CTRL_VLAN, CTRL_RX_EXTRA, GUEST_ANNOUNCE, CTRL_MAC_ADDR, INDIRECT_DESC, EVENT_IDX, VERSION_1,
     * RING_RESET).
     */
    static long offeredFeatures(VirtioNetConfig o) {
        long f = bit(VirtioNetFeatures.MAC) | bit(VirtioFeatures.VERSION_1) | bit(VirtioFeatures.RING_RESET);
        if (o.csum()) {
            f |= bit(VirtioNetFeatures.CSUM) | bit(VirtioNetFeatures.GUEST_CSUM);
        }
        if (o.mrgRxbuf()) {
            f |= bit(VirtioNetFeatures.MRG_RXBUF);
        }
        if (o.status()) {
            f |= bit(VirtioNetFeatures.STATUS);
        }
        if (o.ctrlVq()) {
            f |= bit(VirtioNetFeatures.CTRL_VQ) | bit(VirtioNetFeatures.CTRL_RX) | bit(VirtioNetFeatures.CTRL_VLAN)
                    | bit(VirtioNetFeatures.CTRL_RX_EXTRA) | bit(VirtioNetFeatures.GUEST_ANNOUNCE)
                    | bit(VirtioNetFeatures.CTRL_MAC_ADDR) | bit(VirtioNetFeatures.CTRL_GUEST_OFFLOADS);
        }
        if (o.indirectDesc()) {
            f |= bit(VirtioFeatures.RING_INDIRECT_DESC);
        }
        if (o.eventIdx()) {
            f |= bit(VirtioFeatures.RING_EVENT_IDX);
        }
        return f;
    }

    // ---- Device ----

    @Override
    public String model() {
        return "virtio-net";
    }

    @Override
    public PciConfigSpace pciConfig() {
        return transport.pciConfig();
    }

    @Override
    public long configRead(int offset, int size) {
        return transport.configRead(offset, size);
    }

    @Override
    public void configWrite(int offset, int size, long value) {
        transport.configWrite(offset, size, value);
    }

    @Override
    public long read(int bar, long offset, int size) {
        return transport.read(bar, offset, size);
    }

    @Override
    public void write(int bar, long offset, int size, long value) {
        transport.write(bar, offset, size, value);
    }

    @Override
    public boolean receive(byte[] frame, int offset, int length) {
        try {
            if (!rx.canReceive()) {
                return false;
            }
            if ((config.status() & NetConfigSpace.S_LINK_UP) == 0) {
                counters.rxDropped++;
                return true;
            }
            if (!filter.accepts(frame, offset, length, config)) {
                counters.rxFiltered++;
                return true;
            }
            return rx.deliver(frame, offset, length);
        } catch (RingFault fault) {
            transport.deviceError(fault.error().name());
            return true;
        }
    }

    // ---- VirtioDevice ----

    @Override
    public int deviceType() {
        return 1;
    }

    @Override
    public int pciClass() {
        return 0x020000;
    }

    @Override
    public long deviceFeatures() {
        return deviceFeatures;
    }

    /** QEMU adds GSO for legacy drivers and the transport-level NOTIFY_ON_EMPTY and ANY_LAYOUT. */
    @Override
    public long legacyOnlyFeatures() {
        return bit(VirtioNetFeatures.GSO) | bit(VirtioFeatures.NOTIFY_ON_EMPTY) | bit(VirtioFeatures.ANY_LAYOUT);
    }

    @Override
    public int queueCount() {
        return options.ctrlVq() ? 3 : 2;
    }

    @Override
    public int queueMaxSize(int queue) {
        return queue == RX_QUEUE ? options.rxQueueSize() : queue == TX_QUEUE ? options.txQueueSize() : CTRL_QUEUE_SIZE;
    }

    @Override
    public int configSize() {
        return config.size();
    }

    @Override
    public int configReadByte(int offset) {
        return config.readByte(offset);
    }

    /** Only the MAC is writable, and only by a legacy driver without CTRL_MAC_ADDR (QEMU's set_config). */
    @Override
    public void configWriteByte(int offset, int value, boolean legacy) {
        if (offset < 6 && !VirtioFeatures.has(negotiated, VirtioFeatures.VERSION_1)
                && !VirtioFeatures.has(negotiated, VirtioNetFeatures.CTRL_MAC_ADDR)) {
            config.writeMacByte(offset, value);
        }
    }

    @Override
    public void featuresNegotiated(long features) {
        negotiated = features;
        boolean version1 = VirtioFeatures.has(features, VirtioFeatures.VERSION_1);
        boolean mergeable = VirtioFeatures.has(features, VirtioNetFeatures.MRG_RXBUF);
        int headerLength = version1 || mergeable ? VirtioNetHeader.LENGTH_WITH_NUM_BUFFERS : VirtioNetHeader.LENGTH;
        tx.configure(headerLength, VirtioFeatures.has(features, VirtioNetFeatures.CSUM));
        rx.configure(headerLength, mergeable);
        control.reset(features);
        filter.setAllVlans(!VirtioFeatures.has(features, VirtioNetFeatures.CTRL_VLAN));
    }

    /** DRIVER_OK: frames the backend held back may come now (QEMU flushes queued packets). */
    @Override
    public void driverOk() {
        ctx.rxReady();
    }

    @Override
    public void queueNotified(int queue) {
        if (queue == TX_QUEUE) {
            tx.kicked();
        } else if (queue == RX_QUEUE) {
            // The driver posted RX buffers: the backend may retry a refused frame (virtio_net_handle_rx).
            ctx.rxReady();
        } else if (queue == CTRL_QUEUE && options.ctrlVq()) {
            handleControl();
        }
    }

    @Override
    public void reset() {
        negotiated = 0;
        tx.reset();
        tx.configure(VirtioNetHeader.LENGTH, false);
        rx.configure(VirtioNetHeader.LENGTH, false);
        filter.reset(false);
        control.reset(0);
        config.setMac(options.mac(), 0);
        config.setStatus(config.status() & NetConfigSpace.S_LINK_UP);
    }

    @Override
    public void queueReset(int queue) {
        if (queue == TX_QUEUE) {
            tx.reset();
        }
    }

    private void handleControl() {
        SplitRing ring = transport.ring(CTRL_QUEUE);
        DescriptorChain chain = transport.chain(CTRL_QUEUE);
        try {
            for (int budget = ring.size(); budget > 0 && !transport.broken(); budget--) {
                if (!ring.pop(chain)) {
                    return;
                }
                if (chain.readableBytes() < ControlQueue.HEADER || chain.writableBytes() < 1) {
                    // QEMU: "virtio-net ctrl missing headers" is a device error.
                    transport.deviceError("CTRL_MISSING_HEADERS");
                    return;
                }
                int status = control.execute(chain, negotiated);
                if (status < 0) {
                    transport.deviceError("BUFFER_OUT_OF_RAM");
                    return;
                }
                counters.ctrlCommands++;
                if (status != ControlQueue.OK) {
                    counters.ctrlErrors++;
                }
                ack[0] = (byte) status;
                if (!chain.write(0, ack, 0, 1)) {
                    transport.deviceError("BUFFER_OUT_OF_RAM");
                    return;
                }
                ring.pushUsed(chain.head(), 1);
                transport.queueInterrupt(CTRL_QUEUE);
            }
        } catch (RingFault fault) {
            transport.deviceError(fault.error().name());
        }
    }

    // ---- network-side controls and observations ----

    /** Link up or down, as QEMU's set_link: the status field changes and the driver gets a config interrupt. */
    public void setLinkUp(boolean up) {
        int old = config.status();
        int now = up ? old | NetConfigSpace.S_LINK_UP : old & ~NetConfigSpace.S_LINK_UP;
        tx.setLinkUp(up);
        if (now != old) {
            config.setStatus(now);
            transport.configInterrupt();
        }
    }

    /**
     * Asks the driver to announce itself (gratuitous ARP after migration): only with GUEST_ANNOUNCE and
     * CTRL_VQ negotiated; the driver acknowledges with VIRTIO_NET_CTRL_ANNOUNCE_ACK.
     */
    public boolean announce() {
        if (!VirtioFeatures.has(negotiated, VirtioNetFeatures.GUEST_ANNOUNCE)
                || !VirtioFeatures.has(negotiated, VirtioNetFeatures.CTRL_VQ)) {
            return false;
        }
        config.setStatus(config.status() | NetConfigSpace.S_ANNOUNCE);
        transport.configInterrupt();
        return true;
    }

    public VirtioPciTransport transport() {
        return transport;
    }

    @Override
    public Map<String, Long> activity() {
        VirtioNetCounters c = counters;
        long indirect = 0;
        long wraps = 0;
        for (int q = 0; q < transport.queueCount(); q++) {
            indirect += transport.ring(q).indirectTables();
            wraps += transport.ring(q).usedWraps();
        }
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("TX frames", c.txFrames());
        m.put("TX buffers dropped (bad header, oversized, GSO, link down)", c.txDropped());
        m.put("TX bottom halves", c.txBottomHalves());
        m.put("TX kicks while a bottom half was due", c.txKicksIgnored());
        m.put("RX frames", c.rxFrames());
        m.put("RX frames over several buffers", c.rxMultiBufferFrames());
        m.put("RX frames refused for want of buffers", c.rxRefusedNoBuffer());
        m.put("RX frames refused before the driver was ready", c.rxRefusedNotReady());
        m.put("RX frames filtered", c.rxFiltered());
        m.put("RX frames dropped", c.rxDropped());
        m.put("control commands", c.ctrlCommands());
        m.put("control commands failed", c.ctrlErrors());
        m.put("indirect descriptor tables", indirect);
        m.put("used ring wraps", wraps);
        m.put("interrupts signalled (before MSI-X masking or INTx merging)", transport.interruptsRaised());
        m.put("interrupts suppressed by the driver", transport.interruptsSuppressed());
        return m;
    }

    @Override
    public Map<String, String> state() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("device status", "0x" + Integer.toHexString(transport.status()));
        m.put("ISR", "0x" + Integer.toHexString(transport.isr()));
        m.put("features", "0x" + Long.toHexString(transport.negotiatedFeatures()));
        for (int q = 0; q < transport.queueCount(); q++) {
            SplitRing r = transport.ring(q);
            if (r.size() > 0) { // last_avail_idx: the next buffer the device takes; used idx: the next it gives back
                m.put(queueName(q), "size " + r.size() + ", last_avail_idx "
                        + r.lastAvailIdx() + ", used idx " + r.usedIdx() + ", vector " + vectorText(transport.queueVector(q)));
            }
        }
        return m;
    }

    private static String vectorText(int vector) {
        return vector == 0xFFFF ? "none" : Integer.toString(vector);
    }

    @Override
    public String guestError() {
        String why = transport.lastError();
        return transport.broken() && why != null ? "DEVICE_NEEDS_RESET: " + why : null;
    }

    public VirtioNetCounters counters() {
        return counters;
    }

    public long negotiatedFeatures() {
        return negotiated;
    }

    public byte[] mac() {
        return config.macBytes();
    }

    public int linkStatus() {
        return config.status();
    }

    public boolean promiscuous() {
        return filter.promisc;
    }

    public boolean allMulticast() {
        return filter.allmulti;
    }

    public int macTableEntries() {
        return filter.uniEntries() + filter.multiEntries();
    }

    public boolean vlanEnabled(int vid) {
        return vid >= 0 && vid < RxFilter.MAX_VLAN && filter.vlan(vid);
    }

    public boolean txBottomHalfPending() {
        return tx.bottomHalfPending();
    }

    public TransportMode mode() {
        return options.mode();
    }

    public String registerName(int bar, long offset) {
        return transport.registerName(bar, offset);
    }

    // ---- GuestAddressNames: read-only, from the ring addresses the driver programmed ----

    private static String queueName(int queue) {
        return "queue " + queue + (queue == RX_QUEUE ? " (receiveq)" : queue == TX_QUEUE ? " (transmitq)"
                : queue == CTRL_QUEUE ? " (controlq)" : "");
    }

    /**
     * {@code queue 2 (controlq) used[1]}, {@code queue 1 (transmitq) avail used_event}, {@code queue 0 (receiveq)
     * desc 5}; else a buffer of the element each queue took last: {@code queue 1 (transmitq) head 5 buffer 0 +0xc}.
     */
    @Override
    public String describeDma(long address, long length) {
        int queues = queueCount();
        for (int q = 0; q < queues; q++) {
            String part = transport.ring(q).describe(address, length);
            if (part != null) {
                return queueName(q) + " " + part;
            }
        }
        for (int q = 0; q < queues; q++) {
            DescriptorChain chain = transport.chain(q);
            int n = Math.min(chain.buffers(), DescriptorChain.MAX_BUFFERS);
            for (int b = 0; b < n; b++) {
                long off = address - chain.address(b);
                if (Long.compareUnsigned(off, chain.length(b)) < 0) {
                    return queueName(q) + " head " + chain.head() + " buffer " + b + " +0x" + Long.toHexString(off);
                }
            }
        }
        return null;
    }

    /** {@code MSI-X vector 2: queue 1 (transmitq)}, {@code MSI-X vector 0: config changes}. */
    @Override
    public String describeMsi(int vector, long address, int data) {
        MsixTable msix = transport.msix();
        if (msix == null) {
            return null;
        }
        if (vector < 0) {
            for (int v = 0; v < msix.vectors() && vector < 0; v++) {
                long at = (long) v * MsixTable.ENTRY_SIZE;
                long a = msix.readTable(at + MsixTable.ENTRY_ADDR_LO, 4) | msix.readTable(at + MsixTable.ENTRY_ADDR_HI, 4) << 32;
                if (a == address && (int) msix.readTable(at + MsixTable.ENTRY_DATA, 4) == data) {
                    vector = v;
                }
            }
            if (vector < 0) {
                return null;
            }
        }
        if (vector >= msix.vectors()) {
            return "MSI-X vector " + vector + ", outside the table (" + msix.vectors() + " vectors)";
        }
        StringBuilder users = new StringBuilder();
        if (transport.configVector() == vector) {
            users.append("config changes");
        }
        for (int q = 0; q < queueCount(); q++) {
            if (transport.queueVector(q) == vector) {
                users.append(users.length() == 0 ? "" : ", ").append(queueName(q));
            }
        }
        return "MSI-X vector " + vector + ": " + (users.length() == 0 ? "no queue uses it" : users);
    }
}
