package io.trapline.emulator.virtio.net;

import io.trapline.emulator.device.Device;
import io.trapline.emulator.machine.Machine;
import io.trapline.emulator.pci.PciConfigSpace;
import io.trapline.emulator.virtio.pci.TransportMode;
import io.trapline.emulator.virtio.pci.VirtioStatus;
import io.trapline.emulator.virtio.ring.Descriptor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.trapline.emulator.virtio.pci.VirtioPciRegisters.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A guest that breaks the rules: each case ends in "ignored" or DEVICE_NEEDS_RESET, never in an exception. */
class VirtioNetHostileGuestTest {

    /** Writes one TX element made of {@code descriptors} (addr, len, flags, next) at descriptor 0 and kicks. */
    private static void txElement(TestDriver d, long[][] descriptors) {
        TestDriver.Queue tx = d.queues[VirtioNet.TX_QUEUE];
        for (int i = 0; i < descriptors.length; i++) {
            long at = tx.desc + 16L * i;
            d.memory.store(at + Descriptor.ADDR, 8, descriptors[i][0]);
            d.memory.store(at + Descriptor.LEN, 4, descriptors[i][1]);
            d.memory.store(at + Descriptor.FLAGS, 2, descriptors[i][2]);
            d.memory.store(at + Descriptor.NEXT, 2, descriptors[i][3]);
        }
        d.memory.store(tx.avail + 4 + 2L * (tx.availIdx % tx.size), 2, 0);
        tx.availIdx++;
        d.memory.store(tx.avail + 2, 2, tx.availIdx);
        tx.kick();
        d.run();
    }

    private static void assertNeedsReset(TestDriver d, String error) {
        assertTrue((d.status() & VirtioStatus.DEVICE_NEEDS_RESET) != 0, "NEEDS_RESET set");
        assertEquals(error, d.net.transport().lastError());
        assertTrue(d.transmitted.isEmpty());
        assertEquals("DEVICE_NEEDS_RESET: " + error, d.net.guestError(), "what replay reports of the device");
    }

    @Test
    void txHeaderShorterThanVirtioNetHdrIsADeviceError() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        txElement(d, new long[][] {{TestDriver.BUFFERS, 4, 0, 0}});
        assertNeedsReset(d, "TX_HEADER_TOO_SHORT");
    }

    @Test
    void txBufferOutsideRamIsADeviceError() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        txElement(d, new long[][] {{TestDriver.RAM - 16, 100, 0, 0}});
        assertNeedsReset(d, "BUFFER_OUT_OF_RAM");
    }

    @Test
    void chainLongerThanTheQueueEndsTheWalk() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        long[][] chain = new long[257][];
        for (int i = 0; i < chain.length; i++) {
            chain[i] = new long[] {TestDriver.BUFFERS, 64, Descriptor.F_NEXT, (i + 1) % 256};
        }
        txElement(d, chain);
        assertNeedsReset(d, "CHAIN_LOOP");
    }

    @Test
    void indirectInsideIndirectOnTxIsADeviceError() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        long table = TestDriver.BUFFERS + 0x8000;
        d.memory.store(table + Descriptor.ADDR, 8, table);
        d.memory.store(table + Descriptor.LEN, 4, 16);
        d.memory.store(table + Descriptor.FLAGS, 2, Descriptor.F_INDIRECT);
        txElement(d, new long[][] {{table, 16, Descriptor.F_INDIRECT, 0}});
        assertNeedsReset(d, "INDIRECT_IN_INDIRECT");
    }

    @Test
    void zeroLengthTxBufferIsADeviceError() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        txElement(d, new long[][] {{TestDriver.BUFFERS, 0, 0, 0}});
        assertNeedsReset(d, "ZERO_LENGTH_BUFFER");
    }

    @Test
    void availIdxJumpIsADeviceError() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        TestDriver.Queue tx = d.queues[VirtioNet.TX_QUEUE];
        d.memory.store(tx.avail + 2, 2, 1000);
        tx.kick();
        d.run();
        assertNeedsReset(d, "AVAIL_IDX_JUMP");
    }

    @Test
    void oversizedTxFrameIsCompletedAndDropped() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        long[][] chain = new long[3][];
        for (int i = 0; i < 3; i++) {
            chain[i] = new long[] {TestDriver.BUFFERS + i * 0x10000L, 0x10000, i < 2 ? Descriptor.F_NEXT : 0, i + 1};
        }
        txElement(d, chain);
        assertEquals(1, d.net.counters().txDropped());
        assertEquals(1, d.queues[VirtioNet.TX_QUEUE].usedIdx());
        assertFalse(d.net.transport().broken());
    }

    @Test
    void rxBufferOverlappingTheUsedRingDoesNotCrash() {
        // The CVE-2021-3748 shape: the num_buffers field lives in guest memory the device also uses for
        // ring bookkeeping; the model writes it by address after the copy, whatever it overlaps.
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        TestDriver.Queue rx = d.queues[VirtioNet.RX_QUEUE];
        rx.add(new long[] {rx.used}, new int[] {64}, new int[] {Descriptor.F_WRITE});
        rx.add(new long[] {rx.desc}, new int[] {64}, new int[] {Descriptor.F_WRITE});
        d.device.receive(VirtioNetTest.frame(100, 1), 0, 100);
        d.device.receive(VirtioNetTest.frame(100, 2), 0, 100);
        d.run();
        // Whatever state the guest's scribbled ring is in now, the device either works or is in its error state.
        assertTrue(d.net.transport().broken() || d.net.counters().rxFrames() >= 1);
    }

    @Test
    void rxErrorInALaterMergeableBufferPublishesNothing() {
        // The CVE-2022-26353 shape: an error after some buffers were taken must give them all back.
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        TestDriver.Queue rx = d.queues[VirtioNet.RX_QUEUE];
        rx.add(new long[] {rx.buffer(0)}, new int[] {100}, new int[] {Descriptor.F_WRITE});
        rx.add(new long[] {TestDriver.RAM - 10}, new int[] {1000}, new int[] {Descriptor.F_WRITE});
        assertTrue(d.device.receive(VirtioNetTest.frame(500, 1), 0, 500));
        assertEquals(0, rx.usedIdx());
        assertEquals("BUFFER_OUT_OF_RAM", d.net.transport().lastError());
        assertEquals(0, d.net.transport().ring(VirtioNet.RX_QUEUE).lastAvailIdx());
    }

    @Test
    void rxBufferSmallerThanTheHeaderIsADeviceError() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        d.postRx(1, 8);
        assertTrue(d.device.receive(VirtioNetTest.frame(64, 1), 0, 64));
        assertEquals("RX_BUFFER_SMALLER_THAN_HEADER", d.net.transport().lastError());
    }

    @Test
    void controlElementWithoutAckBufferIsADeviceError() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        TestDriver.Queue c = d.queues[VirtioNet.CTRL_QUEUE];
        c.add(new long[] {c.buffer(0)}, new int[] {4}, new int[] {0});
        d.run();
        assertEquals("CTRL_MISSING_HEADERS", d.net.transport().lastError());
    }

    @Test
    void queueEnableWithAnotherValueThanOneIsADeviceError() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        d.common(QUEUE_SELECT, 2, 0);
        d.common(QUEUE_ENABLE, 2, 0);
        assertEquals("QUEUE_ENABLE_VALUE", d.net.transport().lastError());
    }

    @Test
    void legacyDriverGetsNoNeedsResetButTheDeviceStops() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults().mode(TransportMode.LEGACY));
        txElement(d, new long[][] {{TestDriver.BUFFERS, 0, 0, 0}});
        assertEquals(0, d.status() & VirtioStatus.DEVICE_NEEDS_RESET, "QEMU sets NEEDS_RESET only with VERSION_1");
        assertTrue(d.net.transport().broken());
    }

    @Test
    void oddAccessSizesAndOffsetsAreHarmless() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        for (int size : new int[] {0, 3, 5, 16, -1}) {
            assertEquals(0, d.device.read(MODERN_BAR, 0, size));
            d.device.write(MODERN_BAR, 0, size, -1L);
        }
        assertEquals(0, d.device.read(MODERN_BAR, -5, 4));
        d.device.write(MODERN_BAR, Long.MAX_VALUE, 4, 1);
        d.device.write(LEGACY_BAR, Long.MIN_VALUE, 4, 1);
        assertEquals(0xFFFF_FFFFL, d.device.read(LEGACY_BAR, Long.MAX_VALUE, 4), "past the device config");
        assertEquals(0, d.device.read(7, 0, 4));
        d.device.configWrite(0x200, 4, -1L);
        assertEquals(0xFF, d.device.configRead(0x1FF, 1));
    }

    /**
     * A million random guest operations: register reads and writes at any offset and size, config-space
     * writes, random bytes over rings and buffers, kicks, frames from the network, time passing and the
     * occasional proper bring-up. Nothing may throw, every operation is bounded, memory stays flat.
     */
    @Test
    void millionRandomOperationsNeitherThrowNorHangNorGrow() {
        long seed = 0x7261_7073_6C69_6E65L;
        Random random = new Random(seed);
        TestDriver[] drivers = {
            new TestDriver(VirtioNetConfig.defaults()),
            new TestDriver(VirtioNetConfig.defaults().mode(TransportMode.LEGACY).eventIdx(false)),
            new TestDriver(VirtioNetConfig.defaults().mode(TransportMode.MODERN).vectors(0).mrgRxbuf(false)),
        };
        byte[] frame = new byte[2048];
        byte[] junk = new byte[64];
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heapBefore = rt.totalMemory() - rt.freeMemory();
        long start = System.nanoTime();
        int ops = 1_000_000;
        for (int i = 0; i < ops; i++) {
            TestDriver d = drivers[i % drivers.length];
            Device dev = d.device;
            int op = random.nextInt(100);
            if (op < 30) {
                int bar = pick(random, 0, 1, 4, 4, 4, 2);
                long offset = random.nextInt(8) == 0 ? random.nextLong() : random.nextInt(bar == 4 ? 0x4000 : 0x1000);
                if (bar == 4 && random.nextBoolean()) {
                    offset = COMMON_OFFSET + random.nextInt(0x40);
                }
                dev.write(bar, offset, pick(random, 1, 2, 4, 8, 3), randomValue(random));
            } else if (op < 45) {
                int bar = pick(random, 0, 1, 4, 4, 5);
                dev.read(bar, random.nextInt(0x4000), pick(random, 1, 2, 4, 8));
            } else if (op < 50) {
                int offset = random.nextInt(8) == 0 ? random.nextInt(0x300) - 0x40 : 0x40 + random.nextInt(0x70);
                if (random.nextBoolean()) {
                    dev.configWrite(offset, pick(random, 1, 2, 4), randomValue(random));
                } else {
                    dev.configRead(offset, pick(random, 1, 2, 4));
                }
            } else if (op < 65) {
                random.nextBytes(junk);
                long at = random.nextBoolean()
                        ? TestDriver.RINGS + random.nextInt(3 * 0x40000)
                        : random.nextInt(24 << 20);
                d.memory.write(at, junk, 0, 1 + random.nextInt(junk.length));
            } else if (op < 75) {
                int q = random.nextInt(4);
                if (d.legacy) {
                    dev.write(0, LEGACY_QUEUE_NOTIFY, 2, q);
                } else {
                    dev.write(4, NOTIFY_OFFSET + 4L * q, 2, q);
                }
            } else if (op < 85) {
                int len = random.nextInt(frame.length);
                random.nextBytes(frame);
                dev.receive(frame, 0, len);
            } else if (op < 97) {
                d.machine.scheduler().drain(d.machine.scheduler().now() + 1_000_000);
            } else if (op < 99) {
                if (d.queues[0] != null && random.nextBoolean()) {
                    d.postRx(1 + random.nextInt(4), 64 + random.nextInt(2000));
                    d.send(frame);
                } else {
                    d.bringUp(random.nextLong());
                }
            } else {
                d.net.setLinkUp(random.nextBoolean());
            }
            assertTrue(d.machine.scheduler().pending() <= 1, "at most the TX bottom half is pending");
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        System.gc();
        long heapAfter = rt.totalMemory() - rt.freeMemory();
        long guestPages = 0;
        long sent = 0;
        long received = 0;
        long errors = 0;
        for (TestDriver d : drivers) {
            guestPages += d.memory.pagesAllocated();
            sent += d.transmitted.size();
            d.transmitted.clear();
            received += d.net.counters().rxFrames();
            errors += d.net.transport().broken() ? 1 : 0;
        }
        long deviceHeap = heapAfter - heapBefore - guestPages * 4096;
        System.out.printf("hostile random: %d ops in %d ms; %d frames sent, %d received; heap %d -> %d KiB"
                + " (%d KiB of it guest RAM pages)%n", ops, elapsedMs, sent, received, heapBefore >> 10,
                heapAfter >> 10, guestPages * 4);
        assertTrue(elapsedMs < 40_000, "bounded work: " + elapsedMs + " ms");
        assertTrue(deviceHeap < (32L << 20), "beyond guest RAM, memory stays flat: " + (deviceHeap >> 10) + " KiB");
        assertTrue(sent + received > 0, "the random guest reached the data path");
    }

    private static int pick(Random r, int... values) {
        return values[r.nextInt(values.length)];
    }

    private static long randomValue(Random r) {
        switch (r.nextInt(6)) {
            case 0: return 0;
            case 1: return 1;
            case 2: return 0xFFFF;
            case 3: return r.nextInt(8);
            case 4: return r.nextInt(TestDriver.BUFFER_SIZE) + TestDriver.RINGS;
            default: return r.nextLong();
        }
    }
}
