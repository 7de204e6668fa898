package io.trapline.recorder;

import io.trapline.emulator.device.Device;
import io.trapline.emulator.device.DeviceContext;
import io.trapline.emulator.machine.Machine;
import io.trapline.emulator.machine.PciSlot;
import io.trapline.emulator.pci.BarKind;
import io.trapline.emulator.pci.PciConfigSpace;
import io.trapline.emulator.time.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class RecordingTapTest {
    @TempDir
    Path tmp;

    /** What the test devices share: a config space with a 256-byte memory BAR 0, and the context they were made with. */
    abstract static class TestDevice implements Device {
        final PciConfigSpace config = new PciConfigSpace(256, 0x1234, 0x1, 0xFF0000, 0, 0, 0, 1);
        final DeviceContext ctx;
        private final String model;

        TestDevice(String model, DeviceContext ctx) {
            this.model = model;
            this.ctx = ctx;
            config.defineBar(0, 0x100, BarKind.MEMORY32, false);
        }

        @Override
        public String model() {
            return model;
        }

        @Override
        public PciConfigSpace pciConfig() {
            return config;
        }

        @Override
        public long read(int bar, long offset, int size) {
            return 0;
        }

        @Override
        public boolean receive(byte[] frame, int offset, int length) {
            return true;
        }
    }

    /**
     * A tiny DMA device: writing a guest address to register 0 makes it read 8 bytes there, write them back
     * incremented at +8, raise INTx and transmit them; reading register 4 clears INTx; a timer sends an MSI.
     */
    static final class Copier extends TestDevice {
        final Timer timer;
        final byte[] buf = new byte[8];
        final byte[] block = new byte[65_536];

        Copier(DeviceContext ctx) {
            super("copier", ctx);
            config.defineBar(1, 0x10, BarKind.IO, false);
            timer = ctx.newTimer(() -> ctx.sendMsi(0xFEE0_0000L, 0x41));
        }

        @Override
        public long read(int bar, long offset, int size) {
            if (offset == 4) {
                ctx.setIntx(false);
                return 0xCAFE;
            }
            return 0;
        }

        @Override
        public void write(int bar, long offset, int size, long value) {
            if (offset == 8) { // a long burst of DMA in one call: 20 x 64 KiB
                for (int i = 0; i < 20; i++) {
                    ctx.read(value, block, 0, block.length);
                }
                ctx.setIntx(true);
                return;
            }
            if (offset == 0 && ctx.read(value, buf, 0, 8)) {
                buf[0]++;
                ctx.write(value + 8, buf, 0, 8);
                ctx.setIntx(true);
                ctx.transmit(buf, 0, 8);
                timer.arm(ctx.now() + 1000);
            }
        }

        @Override
        public boolean receive(byte[] frame, int offset, int length) {
            ctx.rxReady();
            return length < 100;
        }
    }

    private record Row(long time, EventType type, int region, long address, long value, int flags, int payload) {
    }

    private static List<Row> rows(Path dir) {
        List<Row> out = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            while (c.next()) {
                out.add(new Row(c.timeNs(), c.type(), c.region(), c.address(), c.value(), c.flags(), c.payloadLength()));
            }
        }
        return out;
    }

    /**
     * The same device traffic recorded through a {@link CaptureWriter} and through an {@link AsyncCaptureWriter}
     * (which holds each input in its ring with its outputs behind it) gives the same events: also when a frame
     * comes back synchronously while the device is transmitting (a nested input, recorded before the outer one),
     * and when one call's outputs outgrow what the ring may hold back.
     */
    @Test
    void anAsyncWriterRecordsTheSameEventsAsADirectOne() throws Exception {
        Path direct = tmp.resolve("direct");
        Path async = tmp.resolve("async");
        try (CaptureWriter w = CaptureWriter.create(direct, CaptureFixture.metadata())) {
            runEchoScenario(w);
        }
        try (AsyncCaptureWriter w = AsyncCaptureWriter.create(async, CaptureFixture.metadata(), null, 4 << 20)) {
            runEchoScenario(w);
        }
        List<Row> rows = rows(direct);
        assertEquals(rows, rows(async));
        assertEquals(AsyncCaptureWriterTest.streamHash(direct), AsyncCaptureWriterTest.streamHash(async));
        List<EventType> types = rows.stream().map(Row::type).toList();
        assertEquals(List.of(EventType.FRAME_RX, EventType.MMIO_WRITE, EventType.DMA_READ, EventType.DMA_WRITE,
                EventType.INTX, EventType.FRAME_TX, EventType.RX_READY), types.subList(0, 7),
                "the echoed frame (a nested input) comes before the write that transmitted it, its output after");
        assertEquals(20, types.stream().filter(t -> t == EventType.DMA_READ).count() - 2);
    }

    private static void runEchoScenario(EventSink sink) {
        Machine m = new Machine(1 << 20);
        m.memory().store(0x2000, 8, 0x0807060504030201L);
        PciSlot slot = m.plug(Copier::new, new RecordingTap(sink));
        m.setNetwork(new io.trapline.emulator.machine.NetworkBackend() {
            @Override
            public void transmit(int deviceIndex, byte[] frame, int offset, int length) {
                slot.device().receive(frame, offset, length); // echoed at once, inside the device's write
            }

            @Override
            public void rxReady(int deviceIndex) {
            }
        });
        m.scheduler().runUntil(500);
        slot.device().write(0, 0, 4, 0x2000);
        slot.device().read(0, 4, 4);
        slot.device().write(0, 8, 4, 0x4000);
        m.scheduler().runUntil(5000);
        slot.device().write(0, 0, 4, 0x2000);
        slot.device().receive(new byte[60], 0, 60);
    }

    @Test
    void inputsAreRecordedBeforeTheOutputsTheyCause() {
        Path dir = tmp.resolve("cap");
        Machine m = new Machine(1 << 20);
        m.memory().store(0x2000, 8, 0x0807060504030201L);
        try (CaptureWriter w = CaptureWriter.create(dir, CaptureFixture.metadata())) {
            PciSlot slot = m.plug(Copier::new, new RecordingTap(w));
            m.scheduler().runUntil(500);
            slot.device().write(0, 0, 4, 0x2000);
            slot.device().read(0, 4, 4);
            m.scheduler().runUntil(5000);
            slot.device().write(1, 0, 4, 0xFFFF_0000L); // DMA outside RAM: a FAULT, nothing else
            slot.device().receive(new byte[200], 0, 200);
            slot.device().configRead(0, 4);
        }
        assertEquals(0x0807060504030202L, m.memory().loadU64(0x2008));
        List<Row> rows = rows(dir);
        List<EventType> types = rows.stream().map(Row::type).toList();
        assertEquals(List.of(EventType.MMIO_WRITE, EventType.DMA_READ, EventType.DMA_WRITE, EventType.INTX,
                EventType.FRAME_TX, EventType.MMIO_READ, EventType.INTX, EventType.MSI,
                EventType.PIO_WRITE, EventType.DMA_READ, EventType.FRAME_RX, EventType.RX_READY,
                EventType.PCI_CFG_READ), types);
        assertEquals(500, rows.get(0).time());
        assertEquals(8, rows.get(1).payload());
        assertEquals(0xCAFE, rows.get(5).value());
        assertEquals(0, rows.get(6).value(), "the ICR-style read deasserts after being recorded");
        assertEquals(1500, rows.get(7).time(), "timer outputs carry the time they fired");
        assertEquals(0x41, rows.get(7).value());
        assertEquals(1, rows.get(8).region(), "BAR index of the I/O write");
        assertEquals(EventFlags.FAULT, rows.get(9).flags());
        assertEquals(0, rows.get(9).payload());
        assertEquals(EventFlags.REFUSED, rows.get(10).flags());
        assertEquals(200, rows.get(10).payload());
        assertEquals(0x00011234L, rows.get(12).value());
    }

    /** A device one of whose calls makes a DMA read larger than an event may carry, among other outputs. */
    static final class OversizedRead extends TestDevice {
        final byte[] big = new byte[EventLayout.MAX_PAYLOAD + 1];

        OversizedRead(DeviceContext ctx) {
            super("oversized", ctx);
        }

        @Override
        public void write(int bar, long offset, int size, long value) {
            ctx.sendMsi(0xFEE0_0000L, 0x41);
            if (value == 1) {
                ctx.read(0x1000, big, 0, big.length);
            }
        }
    }

    @Test
    void anOutputTheFormatRefusesFailsItsOwnCallAndLaterInputsRecordAsBefore() {
        Path dir = tmp.resolve("cap");
        Machine m = new Machine(4 << 20);
        try (CaptureWriter w = CaptureWriter.create(dir, CaptureFixture.metadata())) {
            PciSlot slot = m.plug(OversizedRead::new, new RecordingTap(w));
            assertThrows(IllegalArgumentException.class, () -> slot.device().write(0, 0, 4, 1));
            m.scheduler().runUntil(1000);
            slot.device().write(0, 0, 4, 2);
        }
        List<Row> rows = rows(dir);
        assertEquals(List.of(EventType.MMIO_WRITE, EventType.MSI, EventType.MMIO_WRITE, EventType.MSI),
                rows.stream().map(Row::type).toList(), rows.toString());
        assertEquals(2, rows.get(2).value());
    }

    /** A device whose register write raises an interrupt and then fails, as a model does on a state it cannot handle. */
    static final class FailingWrite extends TestDevice {
        FailingWrite(DeviceContext ctx) {
            super("failing", ctx);
        }

        @Override
        public long read(int bar, long offset, int size) {
            throw new IllegalStateException("read of register " + offset + " failed");
        }

        @Override
        public void write(int bar, long offset, int size, long value) {
            ctx.sendMsi(0xFEE0_0000L, 0x41);
            if (value == 1) {
                ctx.transmit(new byte[60], 0, 60); // the backend answers at once: a nested input
            }
            throw new IllegalStateException("write of register " + offset + " failed");
        }
    }

    /** A {@link FailingWrite} device plugged into {@code m} behind a tap whose sink refuses every event with {@code full}. */
    private static PciSlot failingWriteBehindAFullSink(Machine m, CaptureException full) {
        EventSink failingWriter = (t, type, d, q, r, s, a, v, f, p, o, l) -> {
            throw full;
        };
        return m.plug(FailingWrite::new, new RecordingTap(failingWriter));
    }

    @Test
    void whenTheDeviceAndThenTheRecordingFailTheDevicesExceptionPropagatesWithTheRecordingsSuppressed() {
        CaptureException full = new CaptureException("cap: cannot write the capture: No space left on device");
        PciSlot slot = failingWriteBehindAFullSink(new Machine(1 << 20), full);
        IllegalStateException write = assertThrows(IllegalStateException.class, () -> slot.device().write(0, 0x10, 4, 0));
        assertEquals("write of register 16 failed", write.getMessage());
        assertArrayEquals(new Throwable[] {full}, write.getSuppressed());
        IllegalStateException read = assertThrows(IllegalStateException.class, () -> slot.device().read(0, 0x20, 4));
        assertEquals("read of register 32 failed", read.getMessage());
        assertArrayEquals(new Throwable[] {full}, read.getSuppressed());
    }

    @Test
    void aRecordingFailureThatIsAlsoTheDevicesExceptionIsNotSuppressedOntoItself() {
        // the nested input's recording fails inside the device's write; the sink reports that same failure again
        // when the write itself is recorded
        CaptureException full = new CaptureException("cap: cannot write the capture: No space left on device");
        Machine m = new Machine(1 << 20);
        PciSlot slot = failingWriteBehindAFullSink(m, full);
        m.setNetwork(new io.trapline.emulator.machine.NetworkBackend() {
            @Override
            public void transmit(int deviceIndex, byte[] frame, int offset, int length) {
                slot.device().receive(frame, offset, length);
            }

            @Override
            public void rxReady(int deviceIndex) {
            }
        });
        CaptureException e = assertThrows(CaptureException.class, () -> slot.device().write(0, 0x10, 4, 1));
        assertSame(full, e);
        assertEquals(0, e.getSuppressed().length);
    }

    /**
     * A direct sink that refuses one input (say a write that failed once) and then works again: the outputs that input
     * caused are not appended after the next input, which is followed by its own outputs only.
     */
    @Test
    void anInputTheSinkRefusesTakesItsHeldOutputsWithItInsteadOfLeavingThemToTheNextInput() {
        Path dir = tmp.resolve("cap");
        Machine m = new Machine(1 << 20);
        m.memory().store(0x2000, 8, 0x0807060504030201L);
        CaptureException refused = new CaptureException("cap: cannot write the capture: Input/output error");
        try (CaptureWriter w = CaptureWriter.create(dir, CaptureFixture.metadata())) {
            boolean[] failed = {false};
            EventSink failsOnce = (t, type, d, q, r, s, a, v, f, p, o, l) -> {
                if (type == EventType.MMIO_WRITE && !failed[0]) {
                    failed[0] = true;
                    throw refused;
                }
                return w.append(t, type, d, q, r, s, a, v, f, p, o, l);
            };
            PciSlot slot = m.plug(Copier::new, new RecordingTap(failsOnce));
            m.scheduler().runUntil(500);
            // DMA read and write, INTx up and a frame out are held while the write runs; then the write is refused
            assertSame(refused, assertThrows(CaptureException.class, () -> slot.device().write(0, 0, 4, 0x2000)));
            m.scheduler().runUntil(600);
            assertEquals(0xCAFE, slot.device().read(0, 4, 4)); // deasserts INTx
        }
        List<Row> rows = rows(dir);
        assertEquals(List.of(EventType.MMIO_READ, EventType.INTX), rows.stream().map(Row::type).toList(), rows.toString());
        assertEquals(600, rows.get(0).time());
        assertEquals(0, rows.get(1).value());
    }

    @Test
    void aDeviceFailureStillRecordsItsInputAndOutputs() {
        Path dir = tmp.resolve("cap");
        Machine m = new Machine(1 << 20);
        try (CaptureWriter w = CaptureWriter.create(dir, CaptureFixture.metadata())) {
            PciSlot slot = m.plug(FailingWrite::new, new RecordingTap(w));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> slot.device().write(0, 0x10, 4, 0));
            assertEquals(0, e.getSuppressed().length);
        }
        assertEquals(List.of(EventType.MMIO_WRITE, EventType.MSI), rows(tmp.resolve("cap")).stream().map(Row::type).toList());
    }
}
