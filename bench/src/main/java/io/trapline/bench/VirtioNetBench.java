package io.trapline.bench;

import io.trapline.emulator.device.Device;
import io.trapline.emulator.machine.Machine;
import io.trapline.emulator.machine.NetworkBackend;
import io.trapline.emulator.memory.GuestMemory;
import io.trapline.emulator.pci.MsixTable;
import io.trapline.emulator.pci.PciConfigSpace;
import io.trapline.emulator.virtio.net.VirtioNet;
import io.trapline.emulator.virtio.net.VirtioNetConfig;
import io.trapline.emulator.virtio.pci.VirtioStatus;
import io.trapline.emulator.virtio.ring.AvailRing;
import io.trapline.emulator.virtio.ring.Descriptor;
import io.trapline.emulator.virtio.ring.SplitRing;
import io.trapline.emulator.virtio.ring.UsedRing;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import static io.trapline.emulator.virtio.pci.VirtioPciRegisters.*;

/**
 * virtio-net through the device boundary: a minimal driver (written here, like Linux's virtio_net over the
 * modern interface with MSI-X) posts TX frames and RX buffers in guest RAM; the device's TX bottom half runs
 * in virtual time. Frames are written into their guest buffers once at setup, so each operation costs the
 * ring bookkeeping, the kick and the device's DMA of the frame, not the driver's copy.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class VirtioNetBench {
    private static final int QUEUE = 256;
    private static final int BURST = 32;
    private static final long RINGS = 0x100000;
    private static final long BUFFERS = 0x400000;
    private static final int BUFFER = 4096;

    @Param({"64", "1500"})
    public int frameSize;

    @Param({"true", "false"})
    public boolean eventIdx;

    private Machine machine;
    private GuestMemory memory;
    private Device device;
    private final long[] desc = new long[2];
    private final long[] avail = new long[2];
    private final long[] used = new long[2];
    private final int[] availIdx = new int[2];
    private long features;
    private byte[] frame;
    long transmitted;
    long kicks;

    @Setup
    public void setUp() {
        machine = new Machine(64L << 20);
        memory = machine.memory();
        machine.setNetwork(new NetworkBackend() {
            @Override
            public void transmit(int deviceIndex, byte[] f, int offset, int length) {
                transmitted++;
            }

            @Override
            public void rxReady(int deviceIndex) {
            }
        });
        VirtioNet net = (VirtioNet) machine.plug(ctx -> new VirtioNet(ctx, VirtioNetConfig.defaults().eventIdx(eventIdx)))
                .device();
        device = net;
        frame = new byte[frameSize];
        for (int i = 0; i < frameSize; i++) {
            frame[i] = (byte) i;
        }
        device.configWrite(PciConfigSpace.COMMAND, 2, 0x6);
        common(DEVICE_STATUS, 1, VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER);
        common(DEVICE_FEATURE_SELECT, 4, 0);
        long offered = common(DEVICE_FEATURE, 4);
        common(DEVICE_FEATURE_SELECT, 4, 1);
        offered |= common(DEVICE_FEATURE, 4) << 32;
        features = offered;
        common(DRIVER_FEATURE_SELECT, 4, 0);
        common(DRIVER_FEATURE, 4, features & 0xFFFF_FFFFL);
        common(DRIVER_FEATURE_SELECT, 4, 1);
        common(DRIVER_FEATURE, 4, features >>> 32);
        common(DEVICE_STATUS, 1, VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK);
        int cap = net.transport().msix().capabilityOffset();
        device.configWrite(cap + MsixTable.CAP_MESSAGE_CONTROL, 2, MsixTable.CONTROL_ENABLE);
        for (int v = 0; v < 4; v++) {
            device.write(MSIX_BAR, v * 16L, 4, 0xFEE01004L);
            device.write(MSIX_BAR, v * 16L + 8, 4, 0x40 + v);
            device.write(MSIX_BAR, v * 16L + 12, 4, 0);
        }
        for (int q = 0; q < 2; q++) {
            desc[q] = RINGS + q * 0x10000L;
            avail[q] = desc[q] + 16L * QUEUE;
            used[q] = (avail[q] + AvailRing.size(QUEUE) + 4095) & -4096L;
            common(QUEUE_SELECT, 2, q);
            common(QUEUE_DESC_LO, 4, desc[q]);
            common(QUEUE_DRIVER_LO, 4, avail[q]);
            common(QUEUE_DEVICE_LO, 4, used[q]);
            common(QUEUE_MSIX_VECTOR, 2, q + 1);
            common(QUEUE_ENABLE, 2, 1);
            for (int s = 0; s < QUEUE; s++) {
                long buf = buffer(q, s);
                memory.store(desc[q] + 16L * s + Descriptor.ADDR, 8, buf);
                if (q == 1) {
                    memory.fill(buf, 12, (byte) 0);
                    memory.write(buf + 12, frame, 0, frameSize);
                    memory.store(desc[q] + 16L * s + Descriptor.LEN, 4, 12 + frameSize);
                } else {
                    memory.store(desc[q] + 16L * s + Descriptor.LEN, 4, 2048);
                    memory.store(desc[q] + 16L * s + Descriptor.FLAGS, 2, Descriptor.F_WRITE);
                }
            }
        }
        common(DEVICE_STATUS, 1, VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK
                | VirtioStatus.DRIVER_OK);
        for (int s = 0; s < QUEUE; s++) {
            add(VirtioNet.RX_QUEUE);
        }
        // The figures mean something only if frames really flow: check once before measuring.
        long before = transmitted;
        txKick();
        txBurst();
        if (transmitted != before + 1 + BURST || !rxFrame() || net.counters().rxFrames() != 1) {
            throw new IllegalStateException("benchmark driver is not moving frames");
        }
    }

    private static long buffer(int q, int slot) {
        return BUFFERS + ((long) q * QUEUE + slot) * BUFFER;
    }

    private long common(int reg, int size) {
        return device.read(MODERN_BAR, COMMON_OFFSET + reg, size);
    }

    private void common(int reg, int size, long value) {
        device.write(MODERN_BAR, COMMON_OFFSET + reg, size, value);
    }

    /** Makes the next descriptor (slot = avail idx mod queue size) available and kicks if the device asks. */
    private void add(int q) {
        int old = availIdx[q];
        int idx = (old + 1) & 0xFFFF;
        memory.store(avail[q] + AvailRing.ringEntry(old % QUEUE), 2, old % QUEUE);
        memory.store(avail[q] + AvailRing.IDX, 2, idx);
        availIdx[q] = idx;
        boolean kick = eventIdx
                ? SplitRing.needEvent(memory.loadU16(used[q] + UsedRing.availEvent(QUEUE)), idx, old)
                : (memory.loadU16(used[q] + UsedRing.FLAGS) & UsedRing.F_NO_NOTIFY) == 0;
        if (kick) {
            kicks++;
            device.write(MODERN_BAR, NOTIFY_OFFSET + 4L * q, 2, q);
        }
    }

    /** The driver keeps its used_event at its own used index, as Linux does with callbacks enabled. */
    private void consume(int q) {
        memory.store(avail[q] + AvailRing.usedEvent(QUEUE), 2, memory.loadU16(used[q] + UsedRing.IDX));
    }

    /** One frame, one kick, one bottom half: the cost of an idle guest's single transmission. */
    @Benchmark
    public long txKick() {
        add(VirtioNet.TX_QUEUE);
        machine.scheduler().drain(Long.MAX_VALUE);
        consume(VirtioNet.TX_QUEUE);
        return transmitted;
    }

    /** A busy guest: 32 frames queued (kicking only when asked), then the bottom half sends them. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long txBurst() {
        for (int i = 0; i < BURST; i++) {
            add(VirtioNet.TX_QUEUE);
        }
        machine.scheduler().drain(Long.MAX_VALUE);
        consume(VirtioNet.TX_QUEUE);
        return transmitted;
    }

    /** One received frame into a posted buffer, and the driver's refill of that buffer. */
    @Benchmark
    public boolean rxFrame() {
        boolean taken = device.receive(frame, 0, frameSize);
        consume(VirtioNet.RX_QUEUE);
        add(VirtioNet.RX_QUEUE);
        return taken;
    }
}
