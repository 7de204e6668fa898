package io.trapline.emulator.virtio.net;

import io.trapline.emulator.device.Device;
import io.trapline.emulator.machine.InterruptSink;
import io.trapline.emulator.machine.Machine;
import io.trapline.emulator.machine.NetworkBackend;
import io.trapline.emulator.memory.GuestMemory;
import io.trapline.emulator.pci.MsixTable;
import io.trapline.emulator.pci.PciConfigSpace;
import io.trapline.emulator.virtio.pci.VirtioPciRegisters;
import io.trapline.emulator.virtio.pci.VirtioStatus;
import io.trapline.emulator.virtio.ring.AvailRing;
import io.trapline.emulator.virtio.ring.Descriptor;
import io.trapline.emulator.virtio.ring.SplitRing;
import io.trapline.emulator.virtio.ring.UsedRing;

import java.util.ArrayList;
import java.util.List;

import static io.trapline.emulator.virtio.pci.VirtioPciRegisters.*;

/**
 * A small guest driver for tests, shaped like Linux's virtio_net over the modern interface (or the legacy
 * one): it resets and negotiates, lays out one split ring per queue in guest RAM, posts TX and RX buffers
 * (one descriptor each), kicks only when the device asks for it, and reads completions from the used rings.
 */
final class TestDriver {
    static final long RAM = 64L << 20;
    static final long RINGS = 0x100000;
    static final long BUFFERS = 0x400000;
    static final int BUFFER_SIZE = 0x4000;

    final Machine machine = new Machine(RAM);
    final GuestMemory memory = machine.memory();
    final VirtioNet net;
    final Device device;
    final boolean legacy;
    final List<byte[]> transmitted = new ArrayList<>();
    final List<long[]> msis = new ArrayList<>();
    boolean intx;
    int rxReady;
    final Queue[] queues = new Queue[3];
    long features;

    /** The driver side of one queue. */
    final class Queue {
        final int index;
        final int size;
        final long desc;
        final long avail;
        final long used;
        int availIdx;
        int lastUsed;
        int kicks;
        int slot;

        Queue(int index, int size, long base) {
            this.index = index;
            this.size = size;
            this.desc = base;
            this.avail = base + 16L * size;
            this.used = (avail + AvailRing.size(size) + 4095) & -4096L;
            memory.fill(desc, used + UsedRing.size(size) - desc, (byte) 0);
        }

        long buffer(int s) {
            return BUFFERS + ((long) index * 256 + s) * BUFFER_SIZE;
        }

        /** Adds a one-descriptor element (or a chain of the given parts) and kicks if the device wants. */
        void add(long[] addrs, int[] lens, int[] flags) {
            int head = slot;
            for (int i = 0; i < addrs.length; i++) {
                int d = slot;
                slot = (slot + 1) % size;
                int f = flags[i] | (i + 1 < addrs.length ? Descriptor.F_NEXT : 0);
                memory.store(desc + 16L * d + Descriptor.ADDR, 8, addrs[i]);
                memory.store(desc + 16L * d + Descriptor.LEN, 4, lens[i]);
                memory.store(desc + 16L * d + Descriptor.FLAGS, 2, f);
                memory.store(desc + 16L * d + Descriptor.NEXT, 2, slot);
            }
            memory.store(avail + AvailRing.ringEntry(availIdx % size), 2, head);
            int old = availIdx;
            availIdx = (availIdx + 1) & 0xFFFF;
            memory.store(avail + AvailRing.IDX, 2, availIdx);
            if (needsKick(old)) {
                kick();
            }
        }

        boolean needsKick(int old) {
            if ((features & (1L << 29)) != 0) {
                return SplitRing.needEvent(memory.loadU16(used + UsedRing.availEvent(size)), availIdx, old);
            }
            return (memory.loadU16(used + UsedRing.FLAGS) & UsedRing.F_NO_NOTIFY) == 0;
        }

        void kick() {
            kicks++;
            if (legacy) {
                device.write(LEGACY_BAR, LEGACY_QUEUE_NOTIFY, 2, index);
            } else {
                device.write(MODERN_BAR, NOTIFY_OFFSET + (long) NOTIFY_OFF_MULTIPLIER * index, 2, index);
            }
        }

        int usedIdx() {
            return memory.loadU16(used + UsedRing.IDX);
        }

        /** Takes completed elements: returns {id, len} pairs. */
        List<long[]> takeUsed() {
            List<long[]> out = new ArrayList<>();
            int now = usedIdx();
            while (lastUsed != now) {
                long at = used + UsedRing.ringEntry(lastUsed % size);
                out.add(new long[] {memory.loadU32(at), memory.loadU32(at + 4)});
                lastUsed = (lastUsed + 1) & 0xFFFF;
            }
            memory.store(avail + AvailRing.usedEvent(size), 2, lastUsed);
            return out;
        }

        void setUsedEvent(int idx) {
            memory.store(avail + AvailRing.usedEvent(size), 2, idx);
        }

        void setNoInterrupt(boolean on) {
            memory.store(avail + AvailRing.FLAGS, 2, on ? AvailRing.F_NO_INTERRUPT : 0);
        }
    }

    TestDriver(VirtioNetConfig config) {
        this(config, io.trapline.emulator.device.BoundaryTap.NONE);
    }

    TestDriver(VirtioNetConfig config, io.trapline.emulator.device.BoundaryTap tap) {
        legacy = config.mode() == io.trapline.emulator.virtio.pci.TransportMode.LEGACY;
        machine.setInterruptSink(new InterruptSink() {
            @Override
            public void intx(int deviceIndex, boolean asserted) {
                intx = asserted;
            }

            @Override
            public void msi(int deviceIndex, long address, int data) {
                msis.add(new long[] {address, data});
            }
        });
        machine.setNetwork(new NetworkBackend() {
            @Override
            public void transmit(int deviceIndex, byte[] frame, int offset, int length) {
                byte[] copy = new byte[length];
                System.arraycopy(frame, offset, copy, 0, length);
                transmitted.add(copy);
            }

            @Override
            public void rxReady(int deviceIndex) {
                rxReady++;
            }
        });
        net = (VirtioNet) machine.plug(ctx -> new VirtioNet(ctx, config), tap).device();
        device = net;
    }

    static TestDriver up(VirtioNetConfig config) {
        TestDriver d = new TestDriver(config);
        d.bringUp(-1L);
        return d;
    }

    long common(int reg, int size) {
        return device.read(MODERN_BAR, COMMON_OFFSET + reg, size);
    }

    void common(int reg, int size, long value) {
        device.write(MODERN_BAR, COMMON_OFFSET + reg, size, value);
    }

    int status() {
        return (int) (legacy ? device.read(LEGACY_BAR, LEGACY_STATUS, 1) : common(DEVICE_STATUS, 1));
    }

    void setStatus(int s) {
        if (legacy) {
            device.write(LEGACY_BAR, LEGACY_STATUS, 1, s);
        } else {
            common(DEVICE_STATUS, 1, s);
        }
    }

    /** Linux's order: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK, MSI-X, queues, DRIVER_OK. */
    void bringUp(long wanted) {
        device.configWrite(PciConfigSpace.COMMAND, 2, PciConfigSpace.COMMAND_IO | PciConfigSpace.COMMAND_MEMORY
                | PciConfigSpace.COMMAND_BUS_MASTER);
        setStatus(0);
        setStatus(VirtioStatus.ACKNOWLEDGE);
        setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER);
        boolean msix = net.transport().msix() != null;
        if (legacy) {
            features = device.read(LEGACY_BAR, LEGACY_HOST_FEATURES, 4) & wanted & ~(1L << 30);
            device.write(LEGACY_BAR, LEGACY_GUEST_FEATURES, 4, features);
        } else {
            common(DEVICE_FEATURE_SELECT, 4, 0);
            long offered = common(DEVICE_FEATURE, 4);
            common(DEVICE_FEATURE_SELECT, 4, 1);
            offered |= common(DEVICE_FEATURE, 4) << 32;
            features = offered & wanted;
            common(DRIVER_FEATURE_SELECT, 4, 0);
            common(DRIVER_FEATURE, 4, features & 0xFFFF_FFFFL);
            common(DRIVER_FEATURE_SELECT, 4, 1);
            common(DRIVER_FEATURE, 4, features >>> 32);
            setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK);
        }
        if (msix) {
            int cap = net.transport().msix().capabilityOffset();
            device.configWrite(cap + MsixTable.CAP_MESSAGE_CONTROL, 2, MsixTable.CONTROL_ENABLE);
            for (int v = 0; v < net.transport().msix().vectors(); v++) {
                device.write(MSIX_BAR, v * 16L, 4, 0xFEE01004L);
                device.write(MSIX_BAR, v * 16L + 4, 4, 0);
                device.write(MSIX_BAR, v * 16L + 8, 4, 0x40 + v);
                device.write(MSIX_BAR, v * 16L + 12, 4, 0);
            }
        }
        int n = net.queueCount();
        for (int q = 0; q < n; q++) {
            int size;
            if (legacy) {
                device.write(LEGACY_BAR, LEGACY_QUEUE_SEL, 2, q);
                size = (int) device.read(LEGACY_BAR, LEGACY_QUEUE_NUM, 2);
                queues[q] = new Queue(q, size, RINGS + q * 0x40000L);
                device.write(LEGACY_BAR, LEGACY_QUEUE_PFN, 4, queues[q].desc >>> 12);
                if (msix) {
                    device.write(LEGACY_BAR, LEGACY_MSI_QUEUE_VECTOR, 2, q + 1);
                }
            } else {
                common(QUEUE_SELECT, 2, q);
                size = (int) common(QUEUE_SIZE, 2);
                queues[q] = new Queue(q, size, RINGS + q * 0x40000L);
                common(QUEUE_DESC_LO, 4, queues[q].desc);
                common(QUEUE_DRIVER_LO, 4, queues[q].avail);
                common(QUEUE_DEVICE_LO, 4, queues[q].used);
                if (msix) {
                    common(QUEUE_MSIX_VECTOR, 2, q + 1);
                }
                common(QUEUE_ENABLE, 2, 1);
            }
        }
        if (msix) {
            if (legacy) {
                device.write(LEGACY_BAR, LEGACY_MSI_CONFIG_VECTOR, 2, 0);
            } else {
                common(CONFIG_MSIX_VECTOR, 2, 0);
            }
        }
        setStatus(status() | VirtioStatus.DRIVER_OK);
    }

    int headerLength() {
        return (features & ((1L << 32) | (1L << 15))) != 0 ? 12 : 10;
    }

    /** Queues a frame for transmission behind a zero header. */
    void send(byte[] frame) {
        Queue tx = queues[VirtioNet.TX_QUEUE];
        long buf = tx.buffer(tx.slot);
        int hdr = headerLength();
        memory.fill(buf, hdr, (byte) 0);
        memory.write(buf + hdr, frame, 0, frame.length);
        tx.add(new long[] {buf}, new int[] {hdr + frame.length}, new int[] {0});
    }

    /** Posts {@code count} device-writable buffers of {@code size} bytes on the RX queue. */
    void postRx(int count, int size) {
        Queue rx = queues[VirtioNet.RX_QUEUE];
        for (int i = 0; i < count; i++) {
            rx.add(new long[] {rx.buffer(rx.slot)}, new int[] {size}, new int[] {Descriptor.F_WRITE});
        }
    }

    /** Sends a control command and returns the ack byte the device wrote (-1 if none). */
    int control(int cls, int cmd, byte[] data) {
        Queue c = queues[VirtioNet.CTRL_QUEUE];
        long buf = c.buffer(c.slot);
        memory.store(buf, 1, cls);
        memory.store(buf + 1, 1, cmd);
        memory.write(buf + 2, data, 0, data.length);
        memory.store(buf + 0x800, 1, 0xEE);
        int before = c.usedIdx();
        c.add(new long[] {buf, buf + 2, buf + 0x800}, new int[] {2, Math.max(1, data.length), 1},
                new int[] {0, 0, Descriptor.F_WRITE});
        if (data.length == 0) {
            throw new IllegalArgumentException("tests send at least one data byte");
        }
        run();
        return c.usedIdx() != before ? memory.loadU8(buf + 0x800) : -1;
    }

    /** Runs the machine's pending events (the TX bottom half). */
    void run() {
        machine.scheduler().drain(Long.MAX_VALUE);
    }

    byte[] rxBytes(int slot, int length) {
        byte[] out = new byte[length];
        memory.read(queues[VirtioNet.RX_QUEUE].buffer(slot), out, 0, length);
        return out;
    }
}
