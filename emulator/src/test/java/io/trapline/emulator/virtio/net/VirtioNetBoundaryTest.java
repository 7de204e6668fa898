package io.trapline.emulator.virtio.net;

import io.trapline.emulator.device.BoundaryTap;
import io.trapline.emulator.device.Device;
import io.trapline.emulator.device.DeviceContext;
import io.trapline.emulator.machine.Machine;
import io.trapline.emulator.time.Timer;
import io.trapline.emulator.virtio.pci.TransportMode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.trapline.emulator.virtio.pci.VirtioPciRegisters.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What crosses the device boundary: kicks are reported, DMA goes through the context, runs are deterministic. */
class VirtioNetBoundaryTest {

    /** A context wrapper that logs every output and counts DMA. */
    static final class LoggingContext implements DeviceContext {
        final DeviceContext inner;
        final List<String> log = new ArrayList<>();
        long dmaReads;
        long dmaWrites;
        final List<long[]> reads = new ArrayList<>();
        final List<long[]> writes = new ArrayList<>();

        LoggingContext(DeviceContext inner) {
            this.inner = inner;
        }

        @Override
        public long now() {
            return inner.now();
        }

        @Override
        public Timer newTimer(Runnable callback) {
            return inner.newTimer(callback);
        }

        @Override
        public boolean read(long addr, byte[] dst, int off, int len) {
            dmaReads++;
            reads.add(new long[] {addr, len});
            return inner.read(addr, dst, off, len);
        }

        @Override
        public boolean write(long addr, byte[] src, int off, int len) {
            dmaWrites++;
            writes.add(new long[] {addr, len});
            log.add("dmaw " + addr + " " + java.util.Arrays.hashCode(java.util.Arrays.copyOfRange(src, off, off + len)));
            return inner.write(addr, src, off, len);
        }

        @Override
        public void setIntx(boolean asserted) {
            log.add("intx " + asserted);
            inner.setIntx(asserted);
        }

        @Override
        public void sendMsi(long address, int data) {
            log.add("msi " + address + " " + data);
            inner.sendMsi(address, data);
        }

        @Override
        public void transmit(byte[] frame, int offset, int length) {
            log.add("tx " + length + " " + java.util.Arrays.hashCode(java.util.Arrays.copyOfRange(frame, offset, offset + length)));
            inner.transmit(frame, offset, length);
        }

        @Override
        public void rxReady() {
            log.add("rxready");
            inner.rxReady();
        }

        @Override
        public void queueKicked(int queue) {
            log.add("kick " + queue);
            inner.queueKicked(queue);
        }
    }

    static final class Tap implements BoundaryTap {
        LoggingContext context;

        @Override
        public DeviceContext wrapContext(int deviceIndex, DeviceContext ctx) {
            context = new LoggingContext(ctx);
            return context;
        }

        @Override
        public Device wrapDevice(int deviceIndex, Device device) {
            return device;
        }
    }

    @Test
    void everyDecodedKickIsReportedOnTheContext() {
        Machine m = new Machine(16L << 20);
        Tap tap = new Tap();
        Device d = m.plug(ctx -> new VirtioNet(ctx, VirtioNetConfig.defaults()), tap).device();
        d.write(MODERN_BAR, NOTIFY_OFFSET + 4, 2, 1);
        d.write(MODERN_BAR, NOTIFY_OFFSET + 8, 2, 2);
        d.write(MODERN_BAR, NOTIFY_OFFSET + 400, 2, 100);
        d.write(LEGACY_BAR, LEGACY_QUEUE_NOTIFY, 2, 0);
        assertEquals(List.of("kick 1", "kick 2", "kick 0"), tap.context.log);
    }

    @Test
    void ringAndFrameTrafficIsDmaThroughTheContext() {
        List<String> log = runScript(new Random(1), TransportMode.TRANSITIONAL);
        assertTrue(log.stream().anyMatch(s -> s.startsWith("tx ")));
        assertTrue(log.stream().anyMatch(s -> s.startsWith("dmaw ")));
        assertTrue(log.stream().anyMatch(s -> s.startsWith("msi ")));
    }

    @Test
    void aTransmittedBufferIsReadOnceHeaderAndFrameTogether() {
        Tap tap = new Tap();
        TestDriver d = upWith(tap);
        TestDriver.Queue tx = d.queues[VirtioNet.TX_QUEUE];
        long buffer = tx.buffer(tx.slot);
        tap.context.reads.clear();
        d.send(VirtioNetTest.frame(100, 3));
        d.run();
        assertEquals(1, d.transmitted.size());
        assertOneTransfer(tap.context.reads, buffer, d.headerLength() + 100, "read");
    }

    private static TestDriver upWith(Tap tap) {
        TestDriver d = new TestDriver(VirtioNetConfig.defaults(), tap);
        d.bringUp(-1L);
        return d;
    }

    /** Of {@code transfers} ({address, length}), exactly one touches the test driver's buffer at {@code buffer}: all of it. */
    private static void assertOneTransfer(List<long[]> transfers, long buffer, int length, String kind) {
        List<long[]> ofTheBuffer = transfers.stream()
                .filter(t -> t[0] >= buffer && t[0] < buffer + TestDriver.BUFFER_SIZE).toList();
        assertEquals(1, ofTheBuffer.size(), "one DMA " + kind + " for the element's one buffer");
        assertEquals(buffer, ofTheBuffer.get(0)[0]);
        assertEquals(length, ofTheBuffer.get(0)[1], "the header and the frame together");
    }

    @Test
    void aReceivedFrameReachesItsBufferInOneWriteBehindItsHeader() {
        Tap tap = new Tap();
        TestDriver d = upWith(tap);
        TestDriver.Queue rx = d.queues[VirtioNet.RX_QUEUE];
        long buffer = rx.buffer(rx.slot);
        d.postRx(1, 2048);
        tap.context.writes.clear();
        byte[] frame = VirtioNetTest.frame(100, 5);
        assertTrue(d.device.receive(frame, 0, frame.length));
        assertOneTransfer(tap.context.writes, buffer, d.headerLength() + 100, "write");
        byte[] written = new byte[100];
        d.memory.read(buffer + d.headerLength(), written, 0, 100);
        assertArrayEquals(frame, written);
    }

    @Test
    void sameInputsGiveTheSameOutputs() {
        for (TransportMode mode : TransportMode.values()) {
            List<String> first = runScript(new Random(42), mode);
            List<String> second = runScript(new Random(42), mode);
            assertTrue(first.size() > 100, "the script produced outputs: " + first.size());
            assertEquals(first, second, "deterministic for " + mode);
        }
    }

    @Test
    void configChangeBeforeDriverOkIsSilent() {
        TestDriver d = new TestDriver(VirtioNetConfig.defaults());
        d.net.setLinkUp(false);
        assertEquals(0, d.common(CONFIG_GENERATION, 1));
        assertTrue(d.msis.isEmpty());
        assertEquals(0, d.net.transport().isr());
    }

    /** Bring-up, traffic both ways and some hostile writes on a device whose context logs every output. */
    private static List<String> runScript(Random random, TransportMode mode) {
        Tap tap = new Tap();
        TestDriver d = new TestDriver(VirtioNetConfig.defaults().mode(mode), tap);
        d.bringUp(-1L);
        byte[] frame = new byte[1600];
        for (int i = 0; i < 2000; i++) {
            int op = random.nextInt(10);
            if (op < 3) {
                d.send(VirtioNetTest.frame(60 + random.nextInt(1400), i));
            } else if (op < 5) {
                d.postRx(1, 256 + random.nextInt(2000));
            } else if (op < 8) {
                random.nextBytes(frame);
                System.arraycopy(d.net.mac(), 0, frame, 0, 6);
                d.device.receive(frame, 0, 60 + random.nextInt(1500));
            } else if (op < 9) {
                d.run();
                d.queues[VirtioNet.TX_QUEUE].takeUsed();
                d.queues[VirtioNet.RX_QUEUE].takeUsed();
            } else {
                d.device.write(MODERN_BAR, random.nextInt(0x40), 2, random.nextInt(4));
            }
        }
        d.run();
        return tap.context.log;
    }
}
