package io.trapline.emulator.virtio.ring;

import io.trapline.emulator.memory.GuestMemory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitRingTest {
    private static final long RAM = 16L << 20;
    private GuestMemory memory;
    private TestRing guest;
    private SplitRing ring;
    private DescriptorChain chain;

    @BeforeEach
    void setUp() {
        memory = new GuestMemory(RAM);
        guest = new TestRing(memory, 8, 0x10000);
        ring = guest.deviceRing(false, true);
        chain = new DescriptorChain(memory);
    }

    private RingError popError() {
        return assertThrows(RingFault.class, () -> ring.pop(chain)).error();
    }

    @Test
    void emptyRingPopsNothing() throws RingFault {
        assertFalse(ring.pop(chain));
        assertTrue(ring.isEmpty());
    }

    @Test
    void chainedDescriptorsArriveReadableThenWritable() throws RingFault {
        guest.descriptor(3, 0x40000, 10, Descriptor.F_NEXT, 5);
        guest.descriptor(5, 0x41000, 20, Descriptor.F_NEXT, 1);
        guest.descriptor(1, 0x42000, 30, Descriptor.F_WRITE, 0);
        guest.publish(3);
        assertTrue(ring.pop(chain));
        assertEquals(3, chain.head());
        assertEquals(3, chain.buffers());
        assertEquals(30, chain.readableBytes());
        assertEquals(30, chain.writableBytes());
        assertFalse(chain.writable(1));
        assertTrue(chain.writable(2));
        assertEquals(0x41000, chain.address(1));
        assertEquals(1, ring.lastAvailIdx());
    }

    @Test
    void readAndWriteSpanBufferBoundaries() throws RingFault {
        memory.write(0x40000, new byte[] {1, 2, 3}, 0, 3);
        memory.write(0x41000, new byte[] {4, 5}, 0, 2);
        guest.descriptor(0, 0x40000, 3, Descriptor.F_NEXT, 1);
        guest.descriptor(1, 0x41000, 2, Descriptor.F_NEXT, 2);
        guest.descriptor(2, 0x42000, 2, Descriptor.F_WRITE | Descriptor.F_NEXT, 3);
        guest.descriptor(3, 0x43000, 4, Descriptor.F_WRITE, 0);
        guest.publish(0);
        assertTrue(ring.pop(chain));
        byte[] out = new byte[4];
        assertTrue(chain.read(1, out, 0, 4));
        assertArrayEquals(new byte[] {2, 3, 4, 5}, out);
        assertFalse(chain.read(2, out, 0, 4), "past the readable part");
        assertTrue(chain.write(1, new byte[] {9, 8, 7}, 0, 3));
        assertEquals(9, memory.loadU8(0x42001));
        assertEquals(8, memory.loadU8(0x43000));
        assertEquals(0x43001, chain.writableAddress(3));
        assertEquals(-1, chain.writableAddress(6));
    }

    @Test
    void indirectTableIsWalkedInOrder() throws RingFault {
        long table = 0x50000;
        guest.writeDescriptor(table, 0x60000, 100, Descriptor.F_NEXT, 2);
        guest.writeDescriptor(table + 32, 0x61000, 200, Descriptor.F_WRITE, 0);
        guest.descriptor(4, table, 48, Descriptor.F_INDIRECT, 0);
        guest.publish(4);
        assertTrue(ring.pop(chain));
        assertEquals(4, chain.head());
        assertEquals(2, chain.buffers());
        assertEquals(100, chain.readableBytes());
        assertEquals(200, chain.writableBytes());
    }

    @Test
    void loopingChainEndsWithChainLoop() {
        guest.descriptor(0, 0x40000, 10, Descriptor.F_NEXT, 1);
        guest.descriptor(1, 0x40000, 10, Descriptor.F_NEXT, 0);
        guest.publish(0);
        assertEquals(RingError.CHAIN_LOOP, popError());
    }

    @Test
    void selfLoopEndsAfterQueueSizeHops() {
        guest.descriptor(2, 0x40000, 10, Descriptor.F_NEXT, 2);
        guest.publish(2);
        CountingMemory counting = new CountingMemory(memory);
        SplitRing counted = new SplitRing(counting);
        counted.configure(guest.size, guest.desc, guest.avail, guest.used);
        counted.setReady(true);
        assertEquals(RingError.CHAIN_LOOP, assertThrows(RingFault.class,
                () -> counted.pop(new DescriptorChain(counting))).error());
        assertTrue(counting.reads <= guest.size + 2, "descriptor reads bounded by the queue size: " + counting.reads);
    }

    @Test
    void loopInsideIndirectTableEndsWithChainLoop() {
        long table = 0x50000;
        guest.writeDescriptor(table, 0x60000, 100, Descriptor.F_NEXT, 1);
        guest.writeDescriptor(table + 16, 0x60000, 100, Descriptor.F_NEXT, 0);
        guest.descriptor(0, table, 32, Descriptor.F_INDIRECT, 0);
        guest.publish(0);
        assertEquals(RingError.CHAIN_LOOP, popError());
    }

    @Test
    void indirectInsideIndirectIsRejected() {
        long table = 0x50000;
        guest.writeDescriptor(table, 0x51000, 16, Descriptor.F_INDIRECT, 0);
        guest.descriptor(0, table, 16, Descriptor.F_INDIRECT, 0);
        guest.publish(0);
        assertEquals(RingError.INDIRECT_IN_INDIRECT, popError());
    }

    @Test
    void indirectWithNextIsRejected() {
        guest.descriptor(0, 0x50000, 16, Descriptor.F_INDIRECT | Descriptor.F_NEXT, 1);
        guest.publish(0);
        assertEquals(RingError.INDIRECT_WITH_NEXT, popError());
    }

    @Test
    void indirectWithoutTheFeatureIsRejected() {
        ring.setFeatures(false, false, false);
        guest.descriptor(0, 0x50000, 16, Descriptor.F_INDIRECT, 0);
        guest.publish(0);
        assertEquals(RingError.INDIRECT_NOT_NEGOTIATED, popError());
    }

    @Test
    void indirectTableOfOddLengthIsRejected() {
        guest.descriptor(0, 0x50000, 24, Descriptor.F_INDIRECT, 0);
        guest.publish(0);
        assertEquals(RingError.INDIRECT_TABLE_SIZE, popError());
    }

    @Test
    void emptyIndirectTableIsRejected() {
        guest.descriptor(0, 0x50000, 0, Descriptor.F_INDIRECT, 0);
        guest.publish(0);
        assertEquals(RingError.INDIRECT_TABLE_SIZE, popError());
    }

    @Test
    void indirectTableLargerThanAnElementIsRejected() {
        guest.descriptor(0, 0x50000, 16L * (DescriptorChain.MAX_BUFFERS + 1), Descriptor.F_INDIRECT, 0);
        guest.publish(0);
        assertEquals(RingError.CHAIN_TOO_LONG, popError());
    }

    @Test
    void indirectTableOutsideRamIsRejected() {
        guest.descriptor(0, RAM - 8, 16, Descriptor.F_INDIRECT, 0);
        guest.publish(0);
        assertEquals(RingError.BUFFER_OUT_OF_RAM, popError());
    }

    @Test
    void zeroLengthBufferIsRejected() {
        guest.descriptor(0, 0x40000, 0, 0, 0);
        guest.publish(0);
        assertEquals(RingError.ZERO_LENGTH_BUFFER, popError());
    }

    @Test
    void bufferWrappingTheAddressSpaceIsRejected() {
        guest.descriptor(0, -16L, 32, 0, 0);
        guest.publish(0);
        assertEquals(RingError.BUFFER_OUT_OF_RAM, popError());
    }

    @Test
    void bufferOutsideRamFailsTheCopyNotThePop() throws RingFault {
        guest.descriptor(0, RAM + 0x1000, 64, 0, 0);
        guest.publish(0);
        assertTrue(ring.pop(chain));
        assertFalse(chain.read(0, new byte[64], 0, 64));
    }

    @Test
    void readableAfterWritableIsRejected() {
        guest.descriptor(0, 0x40000, 10, Descriptor.F_WRITE | Descriptor.F_NEXT, 1);
        guest.descriptor(1, 0x41000, 10, 0, 0);
        guest.publish(0);
        assertEquals(RingError.READABLE_AFTER_WRITABLE, popError());
    }

    @Test
    void headIndexBeyondTheQueueIsRejected() {
        guest.publish(8);
        assertEquals(RingError.DESCRIPTOR_INDEX_OUT_OF_RANGE, popError());
    }

    @Test
    void nextIndexBeyondTheQueueIsRejected() {
        guest.descriptor(0, 0x40000, 10, Descriptor.F_NEXT, 200);
        guest.publish(0);
        assertEquals(RingError.DESCRIPTOR_INDEX_OUT_OF_RANGE, popError());
    }

    @Test
    void availIdxJumpingPastTheQueueSizeIsRejected() {
        guest.setAvailIdx(9);
        assertEquals(RingError.AVAIL_IDX_JUMP, popError());
    }

    @Test
    void reusingBuffersWithoutCompletionExceedsTheQueue() throws RingFault {
        // CVE-2016-5403: the driver keeps making the same head available; the device never completes.
        guest.descriptor(0, 0x40000, 10, 0, 0);
        for (int i = 0; i < 8; i++) {
            guest.publish(0);
            assertTrue(ring.pop(chain));
        }
        guest.publish(0);
        assertEquals(RingError.QUEUE_SIZE_EXCEEDED, popError());
    }

    @Test
    void ringOutsideRamIsRejected() {
        SplitRing far = new SplitRing(memory);
        far.configure(8, RAM + 0x10000, RAM + 0x20000, RAM + 0x30000);
        far.setReady(true);
        assertEquals(RingError.RING_OUT_OF_RAM, assertThrows(RingFault.class, () -> far.pop(chain)).error());
    }

    @Test
    void availIndexWrapsAround() throws RingFault {
        guest.descriptor(0, 0x40000, 10, 0, 0);
        for (int i = 0; i < 70000; i++) {
            guest.publish(0);
            assertTrue(ring.pop(chain));
            ring.pushUsed(0, 0);
        }
        assertEquals(70000 & 0xFFFF, ring.lastAvailIdx());
        assertEquals(70000 & 0xFFFF, guest.usedIdx());
    }

    @Test
    void pushedElementsAppearInTheUsedRing() throws RingFault {
        guest.descriptor(6, 0x40000, 10, Descriptor.F_WRITE, 0);
        guest.publish(6);
        assertTrue(ring.pop(chain));
        ring.fillUsed(6, 42);
        assertEquals(0, guest.usedIdx(), "invisible before the flush");
        ring.flushUsed();
        assertEquals(1, guest.usedIdx());
        assertEquals(6, guest.usedId(0));
        assertEquals(42, guest.usedLen(0));
    }

    @Test
    void unpopGivesElementsBack() throws RingFault {
        guest.descriptor(0, 0x40000, 10, 0, 0);
        guest.publish(0);
        guest.publish(0);
        assertTrue(ring.pop(chain));
        assertTrue(ring.pop(chain));
        ring.unpop(2);
        assertEquals(0, ring.lastAvailIdx());
        assertTrue(ring.pop(chain));
    }

    @Test
    void legacyLayoutPutsTheUsedRingOnTheNext4096Boundary() {
        SplitRing legacy = new SplitRing(memory);
        legacy.configureLegacy(256, 0x2a78);
        assertEquals(0x2a78000L, legacy.descAddr());
        assertEquals(0x2a78000L + 4096, legacy.availAddr());
        assertEquals(0x2a78000L + 8192, legacy.usedAddr());
        legacy.configureLegacy(64, 0x282a);
        assertEquals(0x282a000L + 1024, legacy.availAddr());
        assertEquals(0x282b000L, legacy.usedAddr());
    }

    @Test
    void noInterruptFlagSuppressesInterruptsWithoutEventIdx() throws RingFault {
        assertTrue(ring.shouldInterrupt());
        guest.setAvailFlags(AvailRing.F_NO_INTERRUPT);
        assertFalse(ring.shouldInterrupt());
    }

    @Test
    void usedEventDecidesInterruptsWithEventIdx() throws RingFault {
        ring = guest.deviceRing(true, true);
        guest.descriptor(0, 0x40000, 10, 0, 0);
        guest.setAvailFlags(AvailRing.F_NO_INTERRUPT); // ignored with EVENT_IDX
        guest.setUsedEvent(2);
        int interrupts = 0;
        for (int i = 0; i < 4; i++) {
            guest.publish(0);
            assertTrue(ring.pop(chain));
            ring.pushUsed(0, 0);
            if (ring.shouldInterrupt()) {
                interrupts++;
            }
        }
        // The first signal is unconditional (nothing signalled yet); then only when used idx passes 2 -> 3.
        assertEquals(2, interrupts);
    }

    @Test
    void noNotifyFlagTurnsKicksOffWithoutEventIdx() throws RingFault {
        ring.setNotification(false);
        assertEquals(UsedRing.F_NO_NOTIFY, guest.usedFlags());
        ring.setNotification(true);
        assertEquals(0, guest.usedFlags());
    }

    @Test
    void availEventTracksConsumptionWithEventIdx() throws RingFault {
        ring = guest.deviceRing(true, true);
        guest.descriptor(0, 0x40000, 10, 0, 0);
        guest.publish(0);
        guest.publish(0);
        assertTrue(ring.pop(chain));
        assertEquals(1, guest.availEvent());
        ring.setNotification(true);
        assertEquals(2, guest.availEvent(), "enable publishes the driver's current avail idx");
        assertEquals(0, guest.usedFlags(), "flags untouched with EVENT_IDX");
        ring.setNotification(false);
        assertEquals(2, guest.availEvent(), "off leaves avail_event behind");
        guest.publish(0);
        assertTrue(ring.pop(chain));
        assertTrue(ring.pop(chain));
        assertEquals(2, guest.availEvent(), "pops do not move it while kicks are off");
    }

    @Test
    void availIdxIsReadOnlyOnceEverythingKnownIsTaken() throws RingFault {
        CountingMemory counting = new CountingMemory(memory);
        counting.watch = guest.avail + AvailRing.IDX;
        SplitRing shadowed = new SplitRing(counting);
        shadowed.configure(guest.size, guest.desc, guest.avail, guest.used);
        shadowed.setFeatures(true, false, false);
        shadowed.setReady(true);
        guest.descriptor(0, 0x40000, 10, 0, 0);
        for (int i = 0; i < 3; i++) {
            guest.publish(0);
        }
        assertFalse(shadowed.isEmpty());
        for (int i = 0; i < 3; i++) {
            assertTrue(shadowed.pop(chain));
            assertFalse(i < 2 && shadowed.isEmpty());
        }
        assertEquals(1, counting.watchedReads, "three elements known from one read of avail->idx");
        assertFalse(shadowed.pop(chain), "all taken: read again, nothing new");
        assertEquals(2, counting.watchedReads);
        guest.publish(0);
        assertTrue(shadowed.pop(chain), "a buffer posted after the last read is found by the next one");
        assertEquals(3, counting.watchedReads);
        shadowed.setNotification(true);
        assertEquals(4, counting.watchedReads, "turning kicks on publishes a freshly read index");
        shadowed.reset();
        shadowed.configure(guest.size, guest.desc, guest.avail, guest.used);
        shadowed.setReady(true);
        guest.setAvailIdx(0);
        assertTrue(shadowed.isEmpty(), "reset forgets the remembered index");
    }

    @Test
    void availIdxJumpIsCaughtWhenIsEmptyReadTheIndex() throws RingFault {
        guest.setAvailIdx(9);
        assertFalse(ring.isEmpty());
        assertEquals(RingError.AVAIL_IDX_JUMP, popError(), "the remembered index is checked before it is used");
    }

    @Test
    void needEventFollowsTheSpecFormulaAcrossWrap() {
        assertTrue(SplitRing.needEvent(0, 1, 0));
        assertFalse(SplitRing.needEvent(1, 1, 0));
        assertTrue(SplitRing.needEvent(0xFFFF, 2, 0xFFFE));
        assertFalse(SplitRing.needEvent(5, 3, 1));
    }

    /** A DmaMemory that counts reads, to show bounded work. */
    static final class CountingMemory implements io.trapline.emulator.memory.DmaMemory {
        final GuestMemory inner;
        int reads;
        long watch = -1;
        int watchedReads;

        CountingMemory(GuestMemory inner) {
            this.inner = inner;
        }

        @Override
        public boolean read(long addr, byte[] dst, int off, int len) {
            reads++;
            if (addr == watch) {
                watchedReads++;
            }
            return inner.read(addr, dst, off, len);
        }

        @Override
        public boolean write(long addr, byte[] src, int off, int len) {
            return inner.write(addr, src, off, len);
        }
    }
}
