package io.trapline.guest.driver;

import io.trapline.emulator.machine.PciSlot;
import io.trapline.emulator.memory.GuestMemory;
import io.trapline.emulator.pci.PciConfigSpace;
import io.trapline.guest.kernel.GuestKernel;
import io.trapline.guest.kernel.RegisterWindow;
import io.trapline.guest.tcp.NetStack;

import static io.trapline.emulator.virtio.pci.VirtioPciRegisters.*;

/**
 * A model of Linux 6.1's virtio_net driver over virtio-pci (drivers/net/virtio_net.c, drivers/virtio), written
 * from its observable behaviour:
 * <ul>
 * <li>probe: modern interface when the device has virtio capabilities, else legacy; reset, ACKNOWLEDGE,
 *     DRIVER, feature negotiation, FEATURES_OK, MSI-X with one vector for config changes and one per queue
 *     with a callback (RX, TX; the control queue polls), queue setup, DRIVER_OK, the control commands of
 *     bring-up (RX mode, MAC table), and the RX ring filled once;</li>
 * <li>transmit (start_xmit with TX NAPI, the 6.1 default): reclaim completed TX buffers with interrupts
 *     off, re-enable them "delayed" (after 3/4 of what is in flight) on the last frame of a burst, one
 *     descriptor per frame with the header pushed in front, and a kick only when the device asked for one;</li>
 * <li>interrupts: per-queue MSI-X vectors (no ISR read), or INTx with one ISR read per interrupt; callbacks
 *     off while NAPI polls; RX poll with a budget of 64, mergeable buffers, refill when more than half
 *     the ring is free (kicking only if the device wants it); TX poll reclaims and wakes the queue.</li>
 * </ul>
 */
public final class VirtioNetDriver implements NicDriver {
    static final int RX = 0;
    static final int TX = 1;
    static final int CTRL = 2;
    static final int NAPI_BUDGET = 64;
    /** Linux stops the TX queue when fewer than 2 + MAX_SKB_FRAGS descriptors are free. */
    static final int TX_STOP_THRESHOLD = 2 + 17;
    static final int RX_BUFFER = 1536;
    static final int TX_BUFFER = 2048;
    static final int NO_VECTOR = 0xFFFF;
    static final long MSI_ADDRESS = 0xFEE0_1004L;
    /**
     * Feature bits this driver model accepts (virtio 1.x, 5.1.3 and 6). As Linux 6.1 it also accepts
     * CTRL_GUEST_OFFLOADS (2) and RING_RESET (40), which it uses only for XDP and ring resizing, never in these
     * workloads: the real runs' capture.json show both accepted (FidelityTest).
     */
    static final long SUPPORTED = 1L << 0 | 1L << 1 | 1L << 2 | 1L << 5 | 1L << 15 | 1L << 16 | 1L << 17 | 1L << 18
            | 1L << 19 | 1L << 21 | 1L << 23 | 1L << 28 | 1L << 29 | 1L << 32 | 1L << 40;
    /**
     * Accepted from a legacy device only, as Linux 6.1 does: GSO (6) and ANY_LAYOUT (27). ANY_LAYOUT is what lets this
     * driver put the header and the frame in one TX buffer, as it always does (a VERSION_1 device implies it).
     */
    static final long LEGACY_ONLY = 1L << 6 | 1L << 27;

    private final GuestKernel kernel;
    private final PciSlot slot;
    private final NetStack stack;
    private final GuestMemory memory;
    private boolean legacy;
    private RegisterWindow bar;
    private long common;
    private long notifyBase;
    private int notifyMultiplier;
    private long isr;
    private long deviceConfig;
    private boolean msix;
    private long features;
    private int headerLength;
    private final Virtqueue[] queues = new Virtqueue[3];
    private final int[] notifyOffset = new int[3];
    private long rxBuffers;
    private long txBuffers;
    private boolean rxNapi;
    private boolean txNapi;
    private boolean txStopped;
    private long interrupts;
    private Runnable onLinkUp;
    private final long[] addr = new long[4];
    private final int[] len = new int[4];
    private byte[] frame = new byte[65536 + 64];

    public VirtioNetDriver(GuestKernel kernel, PciSlot slot, NetStack stack) {
        this.kernel = kernel;
        this.slot = slot;
        this.stack = stack;
        this.memory = kernel.dma().memory();
    }

    @Override
    public void start(Runnable onLinkUp) {
        this.onLinkUp = onLinkUp;
        kernel.cpu().run(0, this::probe);
    }

    @Override
    public long interrupts() {
        return interrupts;
    }

    // ---- register access ------------------------------------------------------------------------------

    private long common(int reg, int size) {
        return bar.read(common + reg, size);
    }

    private void common(int reg, int size, long value) {
        bar.write(common + reg, size, value);
    }

    private int status() {
        return (int) (legacy ? bar.read(LEGACY_STATUS, 1) : common(DEVICE_STATUS, 1));
    }

    private void setStatus(int s) {
        if (legacy) {
            bar.write(LEGACY_STATUS, 1, s);
        } else {
            common(DEVICE_STATUS, 1, s);
        }
    }

    private int configByte(int offset) {
        if (legacy) {
            return (int) bar.read((msix ? 0x18 : 0x14) + offset, 1);
        }
        return (int) bar.read(deviceConfig + offset, 1);
    }

    // ---- probe ----------------------------------------------------------------------------------------

    private void probe() {
        long command = kernel.configRead(slot, PciConfigSpace.COMMAND, 2);
        kernel.configWrite(slot, PciConfigSpace.COMMAND, 2, command | PciConfigSpace.COMMAND_MEMORY
                | PciConfigSpace.COMMAND_IO | PciConfigSpace.COMMAND_BUS_MASTER);
        int msixCap = -1;
        int commonBar = -1;
        int cap = (int) kernel.configRead(slot, PciConfigSpace.CAPABILITIES_POINTER, 1);
        for (int hops = 0; cap >= PciConfigSpace.HEADER_END && hops < 48; hops++) {
            int id = (int) kernel.configRead(slot, cap, 1);
            if (id == 0x11) {
                msixCap = cap;
            } else if (id == CAP_VENDOR) {
                int type = (int) kernel.configRead(slot, cap + CAP_CFG_TYPE, 1);
                int capBar = (int) kernel.configRead(slot, cap + CAP_BAR, 1);
                long offset = kernel.configRead(slot, cap + CAP_OFFSET, 4);
                switch (type) {
                    case CFG_TYPE_COMMON -> {
                        commonBar = capBar;
                        common = offset;
                    }
                    case CFG_TYPE_NOTIFY -> {
                        notifyBase = offset;
                        notifyMultiplier = (int) kernel.configRead(slot, cap + NOTIFY_CAP_MULTIPLIER, 4);
                    }
                    case CFG_TYPE_ISR -> isr = offset;
                    case CFG_TYPE_DEVICE -> deviceConfig = offset;
                    default -> {
                    }
                }
            }
            cap = (int) kernel.configRead(slot, cap + 1, 1);
        }
        legacy = commonBar < 0;
        bar = kernel.map(slot, legacy ? LEGACY_BAR : commonBar);
        msix = msixCap >= 0;
        setStatus(0);
        while (status() != 0) {
            // reset completes synchronously in QEMU; Linux polls until it reads 0
        }
        setStatus(1);
        setStatus(1 | 2);
        long offered;
        if (legacy) {
            offered = bar.read(LEGACY_HOST_FEATURES, 4);
        } else {
            common(DEVICE_FEATURE_SELECT, 4, 0);
            offered = common(DEVICE_FEATURE, 4);
            common(DEVICE_FEATURE_SELECT, 4, 1);
            offered |= common(DEVICE_FEATURE, 4) << 32;
        }
        features = offered & (legacy ? (SUPPORTED | LEGACY_ONLY) & 0xFFFF_FFFFL : SUPPORTED);
        if (legacy) {
            bar.write(LEGACY_GUEST_FEATURES, 4, features);
        } else {
            common(DRIVER_FEATURE_SELECT, 4, 0);
            common(DRIVER_FEATURE, 4, features & 0xFFFF_FFFFL);
            common(DRIVER_FEATURE_SELECT, 4, 1);
            common(DRIVER_FEATURE, 4, features >>> 32);
            setStatus(1 | 2 | 8);
            if ((status() & 8) == 0) {
                setStatus(0x80); // FAILED: the device refused our features
                return;
            }
        }
        headerLength = (features & (1L << 15 | 1L << 32)) != 0 ? 12 : 10;
        byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++) {
            mac[i] = (byte) configByte(i);
        }
        if (msix) {
            setUpMsix(msixCap);
        } else {
            kernel.interrupts().onIntx(slot.index(), this::intxInterrupt);
        }
        boolean eventIdx = (features & (1L << 29)) != 0;
        int count = (features & (1L << 17)) != 0 ? 3 : 2;
        for (int q = 0; q < count; q++) {
            setUpQueue(q, eventIdx);
        }
        if (msix) {
            if (legacy) {
                bar.write(LEGACY_MSI_CONFIG_VECTOR, 2, 0);
                bar.read(LEGACY_MSI_CONFIG_VECTOR, 2);
            } else {
                common(CONFIG_MSIX_VECTOR, 2, 0);
                common(CONFIG_MSIX_VECTOR, 2);
            }
        }
        setStatus(status() | 4);
        rxBuffers = kernel.dma().allocate((long) queues[RX].size * RX_BUFFER, 4096);
        txBuffers = kernel.dma().allocate((long) queues[TX].size * TX_BUFFER, 4096);
        fillRx();
        if (queues[CTRL] != null) {
            control(0, 0, new byte[] {0});     // VIRTIO_NET_CTRL_RX_PROMISC off
            control(0, 1, new byte[] {0});     // VIRTIO_NET_CTRL_RX_ALLMULTI off
            control(1, 0, new byte[8]);        // VIRTIO_NET_CTRL_MAC_TABLE_SET: no extra unicast, no multicast
        }
        boolean linkUp = (features & (1L << 16)) == 0 || (configByte(6) & 1) != 0;
        if (linkUp && onLinkUp != null) {
            Runnable r = onLinkUp;
            onLinkUp = null;
            kernel.cpu().run(0, r);
        }
    }

    private void setUpMsix(int msixCap) {
        int control = (int) kernel.configRead(slot, msixCap + 2, 2);
        kernel.configWrite(slot, msixCap + 2, 2, control | 0x8000 | 0x4000); // enable, function masked
        long table = kernel.configRead(slot, msixCap + 4, 4);
        RegisterWindow tableBar = kernel.map(slot, (int) (table & 7));
        long base = table & ~7L;
        for (int v = 0; v < 3; v++) {
            tableBar.write(base + v * 16L, 4, MSI_ADDRESS);
            tableBar.write(base + v * 16L + 4, 4, 0);
            tableBar.write(base + v * 16L + 8, 4, 0x4021 + v);
            tableBar.write(base + v * 16L + 12, 4, 0); // unmask
        }
        kernel.configWrite(slot, msixCap + 2, 2, (control | 0x8000) & ~0x4000);
        kernel.interrupts().onMsi(MSI_ADDRESS, 0x4021, () -> interrupts++);
        kernel.interrupts().onMsi(MSI_ADDRESS, 0x4022, this::rxInterrupt);
        kernel.interrupts().onMsi(MSI_ADDRESS, 0x4023, this::txInterrupt);
    }

    private void setUpQueue(int q, boolean eventIdx) {
        int size;
        if (legacy) {
            bar.write(LEGACY_QUEUE_SEL, 2, q);
            size = (int) bar.read(LEGACY_QUEUE_NUM, 2);
        } else {
            common(QUEUE_SELECT, 2, q);
            size = (int) common(QUEUE_SIZE, 2);
        }
        if (size == 0 || Integer.bitCount(size) != 1) {
            return;
        }
        long base = kernel.dma().allocate(Virtqueue.footprint(size), 4096);
        Virtqueue vq = new Virtqueue(memory, q, size, base, eventIdx);
        queues[q] = vq;
        int vector = msix && q != CTRL ? q + 1 : NO_VECTOR;
        if (legacy) {
            bar.write(LEGACY_QUEUE_PFN, 4, vq.desc >>> 12);
            if (msix) {
                bar.write(LEGACY_MSI_QUEUE_VECTOR, 2, vector);
                bar.read(LEGACY_MSI_QUEUE_VECTOR, 2);
            }
        } else {
            if (msix) {
                common(QUEUE_MSIX_VECTOR, 2, vector);
                common(QUEUE_MSIX_VECTOR, 2);
            }
            common(QUEUE_DESC_LO, 4, vq.desc & 0xFFFF_FFFFL);
            common(QUEUE_DESC_HI, 4, vq.desc >>> 32);
            common(QUEUE_DRIVER_LO, 4, vq.avail & 0xFFFF_FFFFL);
            common(QUEUE_DRIVER_HI, 4, vq.avail >>> 32);
            common(QUEUE_DEVICE_LO, 4, vq.used & 0xFFFF_FFFFL);
            common(QUEUE_DEVICE_HI, 4, vq.used >>> 32);
            notifyOffset[q] = (int) common(QUEUE_NOTIFY_OFF, 2);
            common(QUEUE_ENABLE, 2, 1);
        }
    }

    private void notify(int q) {
        if (legacy) {
            bar.notify(LEGACY_QUEUE_NOTIFY, 2, q);
        } else {
            bar.notify(notifyBase + (long) notifyOffset[q] * notifyMultiplier, 2, q);
        }
    }

    /** A control-queue command: class, command, data; Linux busy-waits for the device's ack. */
    private void control(int cls, int cmd, byte[] data) {
        Virtqueue c = queues[CTRL];
        long buf = kernel.dma().allocate(64, 64);
        memory.store(buf, 1, cls);
        memory.store(buf + 1, 1, cmd);
        memory.write(buf + 2, data, 0, data.length);
        memory.store(buf + 32, 1, 0xFF);
        addr[0] = buf;
        len[0] = 2;
        addr[1] = buf + 2;
        len[1] = data.length;
        addr[2] = buf + 32;
        len[2] = 1;
        if (c.add(addr, len, 3, 2) < 0) {
            return;
        }
        if (c.kickPrepare()) {
            notify(CTRL);
        }
        c.takeUsed();
    }

    // ---- receive --------------------------------------------------------------------------------------

    private void fillRx() {
        Virtqueue rx = queues[RX];
        while (rx.numFree() > 0) {
            len[0] = RX_BUFFER;
            int head = rx.peekFreeHead(); // buffers are indexed by the descriptor that carries them
            addr[0] = rxBuffers + (long) head * RX_BUFFER;
            if (rx.add(addr, len, 1, 0) < 0) {
                break;
            }
        }
        if (rx.kickPrepare()) {
            notify(RX);
        }
    }

    private void rxInterrupt() {
        interrupts++;
        queues[RX].disableCallbacks();
        scheduleRx();
    }

    private void scheduleRx() {
        if (!rxNapi) {
            rxNapi = true;
            kernel.cpu().run(0, this::pollRx);
        }
    }

    private void pollRx() {
        cleanTxFromRx();
        Virtqueue rx = queues[RX];
        int received = 0;
        while (received < NAPI_BUDGET) {
            long e = rx.takeUsed();
            if (e < 0) {
                break;
            }
            int head = (int) (e >>> 32);
            int length = (int) e;
            long buffer = rxBuffers + (long) head * RX_BUFFER;
            int buffers = headerLength == 12 ? Math.max(1, memory.loadU16(buffer + 10)) : 1;
            int frameLength = Math.max(0, Math.min(length, RX_BUFFER) - headerLength);
            ensureFrame(frameLength + buffers * RX_BUFFER);
            memory.read(buffer + headerLength, frame, 0, frameLength);
            for (int b = 1; b < buffers; b++) { // mergeable: the rest of the frame in further buffers
                long more = rx.takeUsed();
                if (more < 0) {
                    break;
                }
                int h = (int) (more >>> 32);
                int l = Math.min((int) more, RX_BUFFER);
                memory.read(rxBuffers + (long) h * RX_BUFFER, frame, frameLength, l);
                frameLength += l;
            }
            stack.receive(frame, 0, frameLength);
            received++;
        }
        // Linux passes each frame up the stack inside the poll (TCP input, the ACK's transmissions) and only then
        // refills and completes: the completion waits for the stack work queued here.
        int done = received;
        kernel.cpu().runAfterKernelWork(() -> completeRx(done));
    }

    private void completeRx(int received) {
        Virtqueue rx = queues[RX];
        if (rx.numFree() > Math.min(NAPI_BUDGET, rx.size) / 2) {
            fillRx();
        }
        if (received < NAPI_BUDGET) {
            int seen = rx.enableCallbacksPrepare();
            rxNapi = false;
            if (rx.poll(seen)) {
                rx.disableCallbacks();
                scheduleRx();
            }
        } else {
            kernel.cpu().run(0, this::pollRx);
        }
    }

    private void ensureFrame(int n) {
        if (frame.length < n) {
            frame = new byte[n];
        }
    }

    // ---- transmit -------------------------------------------------------------------------------------

    private void txInterrupt() {
        interrupts++;
        queues[TX].disableCallbacks();
        if (!txNapi) {
            txNapi = true;
            kernel.cpu().run(0, this::pollTx);
        }
    }

    private void pollTx() {
        Virtqueue tx = queues[TX];
        tx.disableCallbacks();
        freeOldXmit();
        int seen = tx.enableCallbacksPrepare();
        txNapi = false;
        if (tx.poll(seen)) {
            tx.disableCallbacks();
            txNapi = true;
            kernel.cpu().run(0, this::pollTx);
        }
    }

    /** virtnet_poll_cleantx: the RX poll also reclaims TX buffers. */
    private void cleanTxFromRx() {
        if (txNapi) {
            return;
        }
        Virtqueue tx = queues[TX];
        do {
            tx.disableCallbacks();
            freeOldXmit();
        } while (!tx.enableCallbacksDelayed());
    }

    private void freeOldXmit() {
        Virtqueue tx = queues[TX];
        while (tx.takeUsed() >= 0) {
            // buffer reclaimed
        }
        if (txStopped && tx.numFree() >= TX_STOP_THRESHOLD) {
            txStopped = false;
            stack.wakeQueue();
        }
    }

    private void intxInterrupt() {
        int status = (int) (legacy ? bar.read(LEGACY_ISR, 1) : bar.read(isr, 1));
        if (status == 0) {
            return;
        }
        interrupts++;
        if ((status & 1) != 0) {
            if (queues[RX].hasUsed()) {
                queues[RX].disableCallbacks();
                scheduleRx();
            }
            if (queues[TX].hasUsed()) {
                queues[TX].disableCallbacks();
                if (!txNapi) {
                    txNapi = true;
                    kernel.cpu().run(0, this::pollTx);
                }
            }
        }
    }

    @Override
    public boolean transmit(byte[] data, int offset, int length, int gsoSize, boolean more) {
        Virtqueue tx = queues[TX];
        if (tx == null || length + headerLength > TX_BUFFER || gsoSize > 0) {
            return true; // nothing to send on (not probed yet, or a frame this model cannot carry): dropped
        }
        boolean kick = !more;
        do {
            tx.disableCallbacks();
            freeOldXmit();
        } while (kick && !tx.enableCallbacksDelayed());
        if (tx.numFree() < 1) {
            txStopped = true;
            stack.stopQueue();
            return false;
        }
        int head = tx.peekFreeHead();
        long buffer = txBuffers + (long) head * TX_BUFFER;
        memory.fill(buffer, headerLength, (byte) 0);
        memory.write(buffer + headerLength, data, offset, length);
        addr[0] = buffer;
        len[0] = headerLength + length;
        tx.add(addr, len, 1, 1);
        if (tx.numFree() < TX_STOP_THRESHOLD) {
            txStopped = true;
            stack.stopQueue();
            if (!tx.enableCallbacksDelayed()) {
                tx.disableCallbacks();
                if (!txNapi) {
                    txNapi = true;
                    kernel.cpu().run(0, this::pollTx);
                }
            }
        }
        if (kick || txStopped) {
            if (tx.kickPrepare()) {
                notify(TX);
            }
        }
        return true;
    }
}
