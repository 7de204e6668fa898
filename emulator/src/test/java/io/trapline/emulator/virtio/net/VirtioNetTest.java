package io.trapline.emulator.virtio.net;

import io.trapline.emulator.memory.LittleEndian;
import io.trapline.emulator.pci.PciConfigSpace;
import io.trapline.emulator.virtio.pci.TransportMode;
import io.trapline.emulator.virtio.pci.VirtioPciRegisters;
import io.trapline.emulator.virtio.pci.VirtioStatus;
import io.trapline.emulator.virtio.ring.Descriptor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.trapline.emulator.virtio.pci.VirtioPciRegisters.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VirtioNetTest {
    static byte[] frame(int length, int seed) {
        byte[] f = new byte[length];
        byte[] mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
        System.arraycopy(mac, 0, f, 0, 6);
        for (int i = 6; i < length; i++) {
            f[i] = (byte) (i * 31 + seed);
        }
        return f;
    }

    @Test
    void offersQemuDefaultFeaturesOnEachInterface() {
        TestDriver modern = new TestDriver(VirtioNetConfig.defaults());
        modern.common(DEVICE_FEATURE_SELECT, 4, 0);
        assertEquals(0x30bf8024L, modern.common(DEVICE_FEATURE, 4));
        modern.common(DEVICE_FEATURE_SELECT, 4, 1);
        assertEquals(0x101L, modern.common(DEVICE_FEATURE, 4));
        modern.common(DEVICE_FEATURE_SELECT, 4, 2);
        assertEquals(0L, modern.common(DEVICE_FEATURE, 4));
        TestDriver legacy = new TestDriver(VirtioNetConfig.defaults().mode(TransportMode.LEGACY));
        assertEquals(0x79bf8064L, legacy.device.read(LEGACY_BAR, LEGACY_HOST_FEATURES, 4));
    }

    @Test
    void headerLengthFollowsVersion1AndMergeableBuffers() {
        assertEquals(12, TestDriver.up(VirtioNetConfig.defaults()).headerLength());
        TestDriver legacyPlain = new TestDriver(VirtioNetConfig.defaults().mode(TransportMode.LEGACY).mrgRxbuf(false));
        legacyPlain.bringUp(-1L);
        assertEquals(10, legacyPlain.headerLength());
        legacyPlain.postRx(1, 2048);
        assertTrue(legacyPlain.device.receive(frame(60, 1), 0, 60));
        assertEquals(70, legacyPlain.queues[VirtioNet.RX_QUEUE].takeUsed().get(0)[1]);
    }

    @Test
    void transmitsTheFrameAfterTheHeader() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        byte[] f = frame(100, 7);
        d.send(f);
        assertTrue(d.transmitted.isEmpty(), "the bottom half runs in virtual time, not inside the kick");
        d.run();
        assertEquals(1, d.transmitted.size());
        assertArrayEquals(f, d.transmitted.get(0));
        List<long[]> used = d.queues[VirtioNet.TX_QUEUE].takeUsed();
        assertEquals(1, used.size());
        assertEquals(0, used.get(0)[1], "TX used length is 0");
        assertEquals(1, d.msis.size());
        assertEquals(0x40 + 2, d.msis.get(0)[1], "TX completion on the TX queue's vector");
    }

    @Test
    void oneKickCoversABusyBurstWithEventIdx() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        for (int i = 0; i < 50; i++) {
            d.send(frame(64, i));
        }
        d.run();
        assertEquals(50, d.transmitted.size());
        // Kicks off under EVENT_IDX = avail_event left where it was when the kick came.
        assertEquals(1, d.queues[VirtioNet.TX_QUEUE].kicks);
        assertEquals(0, d.net.counters().txKicksIgnored());
        assertEquals(1, d.net.counters().txBottomHalves(), "no frames arrived during the bottom half");
    }

    @Test
    void oneKickCoversABusyBurstWithoutEventIdx() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults().eventIdx(false));
        for (int i = 0; i < 50; i++) {
            d.send(frame(64, i));
        }
        d.run();
        assertEquals(50, d.transmitted.size());
        assertEquals(1, d.queues[VirtioNet.TX_QUEUE].kicks);
        assertTrue(d.queues[VirtioNet.TX_QUEUE].needsKick(0), "NO_NOTIFY cleared after the bottom half");
    }

    @Test
    void fullBurstReschedulesTheBottomHalf() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults().txBurst(16));
        for (int i = 0; i < 40; i++) {
            d.send(frame(64, i));
        }
        d.run();
        assertEquals(40, d.transmitted.size());
        assertEquals(3, d.net.counters().txBottomHalves(), "16 + 16 + 8");
        assertEquals(1, d.queues[VirtioNet.TX_QUEUE].kicks);
    }

    @Test
    void kickDuringAPendingBottomHalfIsAbsorbed() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults().txBottomHalfDelayNs(1000));
        d.send(frame(64, 1));
        assertTrue(d.net.txBottomHalfPending());
        d.queues[VirtioNet.TX_QUEUE].kick();
        assertEquals(1, d.net.counters().txKicksIgnored());
        d.run();
        assertEquals(1, d.transmitted.size());
        assertEquals(1000, d.machine.scheduler().now());
    }

    @Test
    void usedEventSuppressesTxInterrupts() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        d.queues[VirtioNet.TX_QUEUE].setUsedEvent(9);
        for (int i = 0; i < 20; i++) {
            d.send(frame(64, i));
        }
        d.run();
        // First completion always signals (nothing signalled before), then only when used idx passes 9 -> 10.
        assertEquals(2, d.msis.size());
    }

    @Test
    void noInterruptFlagSuppressesTxInterruptsWithoutEventIdx() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults().eventIdx(false));
        d.queues[VirtioNet.TX_QUEUE].setNoInterrupt(true);
        for (int i = 0; i < 5; i++) {
            d.send(frame(64, i));
        }
        d.run();
        assertEquals(0, d.msis.size());
        d.queues[VirtioNet.TX_QUEUE].setNoInterrupt(false);
        d.send(frame(64, 9));
        d.run();
        assertEquals(1, d.msis.size());
    }

    @Test
    void receivedFrameLandsBehindAHeaderWithOneBuffer() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        d.postRx(4, 1526);
        byte[] f = frame(200, 3);
        assertTrue(d.device.receive(f, 0, f.length));
        List<long[]> used = d.queues[VirtioNet.RX_QUEUE].takeUsed();
        assertEquals(1, used.size());
        assertEquals(212, used.get(0)[1]);
        byte[] got = d.rxBytes(0, 212);
        assertEquals(1, LittleEndian.u16(got, VirtioNetHeader.NUM_BUFFERS));
        assertEquals(0, got[VirtioNetHeader.FLAGS]);
        byte[] payload = new byte[200];
        System.arraycopy(got, 12, payload, 0, 200);
        assertArrayEquals(f, payload);
        assertEquals(0x40 + 1, d.msis.get(0)[1], "RX on the RX queue's vector");
    }

    @Test
    void mergeableBuffersCarryALargeFrame() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        d.postRx(4, 1000);
        byte[] f = frame(2500, 5);
        assertTrue(d.device.receive(f, 0, f.length));
        List<long[]> used = d.queues[VirtioNet.RX_QUEUE].takeUsed();
        assertEquals(3, used.size());
        assertEquals(1000, used.get(0)[1]);
        assertEquals(1000, used.get(1)[1]);
        assertEquals(512, used.get(2)[1]);
        assertEquals(3, LittleEndian.u16(d.rxBytes(0, 12), VirtioNetHeader.NUM_BUFFERS));
        byte[] tail = d.rxBytes(2, 512);
        assertEquals(f[2499], tail[511]);
        assertEquals(1, d.net.counters().rxFrames());
        assertEquals(3, d.net.counters().rxBuffers());
    }

    @Test
    void frameTooBigForTheBuffersIsRefusedAndNothingConsumed() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        d.postRx(2, 1000);
        assertFalse(d.device.receive(frame(2500, 5), 0, 2500));
        assertEquals(0, d.queues[VirtioNet.RX_QUEUE].usedIdx());
        assertEquals(1, d.net.counters().rxRefusedNoBuffer());
        d.postRx(1, 1000);
        assertTrue(d.device.receive(frame(2500, 5), 0, 2500));
        assertEquals(3, d.queues[VirtioNet.RX_QUEUE].usedIdx());
    }

    @Test
    void nonMergeableBufferTooSmallDropsTheFrame() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults().mrgRxbuf(false));
        d.postRx(2, 1000);
        assertTrue(d.device.receive(frame(2000, 1), 0, 2000));
        assertEquals(1, d.net.counters().rxDropped());
        assertEquals(0, d.queues[VirtioNet.RX_QUEUE].usedIdx());
        assertTrue(d.device.receive(frame(500, 1), 0, 500));
        assertEquals(1, d.queues[VirtioNet.RX_QUEUE].usedIdx(), "the buffer was given back, then used");
    }

    @Test
    void noRxBufferRefusesTheFrameAndTheRxKickSignalsReady() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        int readyAfterBringUp = d.rxReady;
        assertFalse(d.device.receive(frame(64, 1), 0, 64));
        assertEquals(1, d.net.counters().rxRefusedNoBuffer());
        d.postRx(1, 1526);
        assertEquals(1, d.queues[VirtioNet.RX_QUEUE].kicks, "refusal turned RX kicks on");
        assertEquals(readyAfterBringUp + 1, d.rxReady);
        assertTrue(d.device.receive(frame(64, 1), 0, 64));
    }

    @Test
    void busyRxRingTurnsRxKicksOff() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        d.postRx(1, 1526);
        int kicks = d.queues[VirtioNet.RX_QUEUE].kicks;
        assertTrue(d.device.receive(frame(64, 1), 0, 64));
        d.postRx(1, 1526);
        d.postRx(1, 1526);
        assertTrue(d.queues[VirtioNet.RX_QUEUE].kicks <= kicks + 1, "refills while the device has buffers do not all kick");
    }

    @Test
    void framesWaitUntilDriverOk() {
        TestDriver d = new TestDriver(VirtioNetConfig.defaults());
        assertFalse(d.device.receive(frame(64, 1), 0, 64));
        assertEquals(1, d.net.counters().rxRefusedNotReady());
        d.bringUp(-1L);
        assertEquals(1, d.rxReady, "DRIVER_OK tells the backend to retry");
    }

    @Test
    void controlQueueSetsRxModeAndFiltersUnicast() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        assertTrue(d.net.promiscuous(), "promiscuous after reset, like QEMU");
        assertEquals(ControlQueue.OK, d.control(ControlQueue.CLASS_RX, ControlQueue.RX_PROMISC, new byte[] {0}));
        assertEquals(ControlQueue.OK, d.control(ControlQueue.CLASS_RX, ControlQueue.RX_ALLMULTI, new byte[] {1}));
        assertFalse(d.net.promiscuous());
        assertTrue(d.net.allMulticast());
        d.postRx(8, 1526);
        byte[] other = frame(64, 1);
        other[5] = 0x77;
        assertTrue(d.device.receive(other, 0, 64));
        assertEquals(1, d.net.counters().rxFiltered());
        assertTrue(d.device.receive(frame(64, 1), 0, 64));
        byte[] multicast = frame(64, 1);
        multicast[0] = 0x01;
        assertTrue(d.device.receive(multicast, 0, 64));
        assertEquals(2, d.net.counters().rxFrames());
    }

    @Test
    void macTableAdmitsListedAddresses() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        d.control(ControlQueue.CLASS_RX, ControlQueue.RX_PROMISC, new byte[] {0});
        byte[] table = new byte[4 + 6 + 4];
        table[0] = 1;
        byte[] listed = {0x02, 0, 0, 0, 0, 0x09};
        System.arraycopy(listed, 0, table, 4, 6);
        assertEquals(ControlQueue.OK, d.control(ControlQueue.CLASS_MAC, ControlQueue.MAC_TABLE_SET, table));
        assertEquals(1, d.net.macTableEntries());
        d.postRx(4, 1526);
        byte[] f = frame(64, 2);
        System.arraycopy(listed, 0, f, 0, 6);
        assertTrue(d.device.receive(f, 0, 64));
        assertEquals(1, d.net.counters().rxFrames());
    }

    @Test
    void macTableWithALyingEntryCountIsRefused() {
        // The CVE-2023-3180 pattern: a length field inside the request disagrees with the buffers sent.
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        byte[] table = new byte[4 + 6 + 4];
        table[0] = (byte) 0xFF;
        table[1] = (byte) 0xFF;
        assertEquals(ControlQueue.ERR, d.control(ControlQueue.CLASS_MAC, ControlQueue.MAC_TABLE_SET, table));
        assertEquals(0, d.net.macTableEntries());
        assertFalse(d.net.transport().broken());
    }

    @Test
    void macAddressSetChangesTheConfigSpace() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        byte[] mac = {0x52, 0x54, 0, 1, 2, 3};
        assertEquals(ControlQueue.OK, d.control(ControlQueue.CLASS_MAC, ControlQueue.MAC_ADDR_SET, mac));
        assertArrayEquals(mac, d.net.mac());
        assertEquals(3, d.device.read(MODERN_BAR, DEVICE_OFFSET + 5, 1));
    }

    @Test
    void vlanTableFiltersTaggedFrames() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        d.control(ControlQueue.CLASS_RX, ControlQueue.RX_PROMISC, new byte[] {0});
        assertEquals(ControlQueue.OK, d.control(ControlQueue.CLASS_VLAN, ControlQueue.VLAN_ADD, new byte[] {5, 0}));
        assertTrue(d.net.vlanEnabled(5));
        assertEquals(ControlQueue.ERR, d.control(ControlQueue.CLASS_VLAN, ControlQueue.VLAN_ADD, new byte[] {0, 0x10}));
        d.postRx(4, 1526);
        byte[] tagged = frame(64, 1);
        tagged[12] = (byte) 0x81;
        tagged[13] = 0;
        tagged[14] = 0;
        tagged[15] = 6;
        assertTrue(d.device.receive(tagged, 0, 64));
        assertEquals(1, d.net.counters().rxFiltered());
        tagged[15] = 5;
        assertTrue(d.device.receive(tagged, 0, 64));
        assertEquals(1, d.net.counters().rxFrames());
    }

    @Test
    void announceIsAcknowledgedThroughTheControlQueue() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        assertEquals(ControlQueue.ERR, d.control(ControlQueue.CLASS_ANNOUNCE, ControlQueue.ANNOUNCE_ACK, new byte[] {0}),
                "nothing to acknowledge");
        int generation = (int) d.common(CONFIG_GENERATION, 1);
        assertTrue(d.net.announce());
        assertEquals(NetConfigSpace.S_LINK_UP | NetConfigSpace.S_ANNOUNCE, d.device.read(MODERN_BAR, DEVICE_OFFSET + 6, 2));
        assertEquals(generation + 1, d.common(CONFIG_GENERATION, 1));
        assertEquals(0x40, d.msis.get(d.msis.size() - 1)[1], "config change on the config vector");
        assertEquals(ControlQueue.OK, d.control(ControlQueue.CLASS_ANNOUNCE, ControlQueue.ANNOUNCE_ACK, new byte[] {0}));
        assertEquals(NetConfigSpace.S_LINK_UP, d.net.linkStatus());
    }

    @Test
    void unknownControlClassAnswersErr() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        assertEquals(ControlQueue.ERR, d.control(0x42, 0, new byte[] {0}));
        assertEquals(ControlQueue.ERR, d.control(ControlQueue.CLASS_MQ, 0, new byte[] {1, 0}));
        assertEquals(ControlQueue.ERR, d.control(ControlQueue.CLASS_RX, ControlQueue.RX_PROMISC, new byte[] {0, 0}));
        assertEquals(3, d.net.counters().ctrlErrors());
    }

    @Test
    void guestOffloadsAcceptOnlyNegotiatedReceiveOffloads() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        assertEquals(ControlQueue.OK, d.control(ControlQueue.CLASS_GUEST_OFFLOADS, 0, new byte[8]));
        byte[] csum = new byte[8];
        csum[0] = 1 << VirtioNetFeatures.GUEST_CSUM;
        assertEquals(ControlQueue.ERR, d.control(ControlQueue.CLASS_GUEST_OFFLOADS, 0, csum), "GUEST_CSUM not offered");
        TestDriver withCsum = TestDriver.up(VirtioNetConfig.defaults().csum(true));
        assertEquals(ControlQueue.OK, withCsum.control(ControlQueue.CLASS_GUEST_OFFLOADS, 0, csum));
    }

    @Test
    void needsCsumIsCompletedBeforeTransmission() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults().csum(true));
        byte[] f = frame(60, 3);
        f[34 + 6] = 0;
        f[34 + 7] = 0;
        TestDriver.Queue tx = d.queues[VirtioNet.TX_QUEUE];
        long buf = tx.buffer(tx.slot);
        d.memory.fill(buf, 12, (byte) 0);
        d.memory.store(buf + VirtioNetHeader.FLAGS, 1, VirtioNetHeader.F_NEEDS_CSUM);
        d.memory.store(buf + VirtioNetHeader.CSUM_START, 2, 34);
        d.memory.store(buf + VirtioNetHeader.CSUM_OFFSET, 2, 6);
        d.memory.write(buf + 12, f, 0, 60);
        tx.add(new long[] {buf}, new int[] {72}, new int[] {0});
        d.run();
        byte[] sent = d.transmitted.get(0);
        long sum = 0;
        for (int i = 34; i < 60; i += 2) {
            sum += (sent[i] & 0xFF) << 8 | (sent[i + 1] & 0xFF);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        assertEquals(0xFFFF, sum, "the one's-complement sum over the checksummed part verifies");
    }

    @Test
    void intxWithIsrReadToClearWhenMsixIsOff() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults().vectors(0));
        assertEquals(null, d.net.transport().msix());
        d.send(frame(64, 1));
        d.run();
        assertTrue(d.intx);
        assertTrue((d.device.configRead(PciConfigSpace.STATUS, 2) & PciConfigSpace.STATUS_INTERRUPT) != 0);
        assertEquals(ISR_QUEUE, d.device.read(MODERN_BAR, ISR_OFFSET, 1));
        assertFalse(d.intx);
        assertEquals(0, d.device.read(MODERN_BAR, ISR_OFFSET, 1), "read cleared it");
    }

    @Test
    void intxDisableBitKeepsTheLineLow() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults().vectors(0));
        d.device.configWrite(PciConfigSpace.COMMAND, 2, d.device.configRead(PciConfigSpace.COMMAND, 2)
                | PciConfigSpace.COMMAND_INTX_DISABLE);
        d.send(frame(64, 1));
        d.run();
        assertFalse(d.intx);
        assertEquals(ISR_QUEUE, d.device.read(MODERN_BAR, ISR_OFFSET, 1));
    }

    @Test
    void legacyInterfaceCarriesTrafficAndMovesConfigWithMsix() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults().mode(TransportMode.LEGACY));
        d.send(frame(64, 1));
        d.run();
        assertEquals(1, d.transmitted.size());
        assertEquals(0x52, d.device.read(LEGACY_BAR, LEGACY_CONFIG_MSIX, 1), "MAC at 0x18 with MSI-X on");
        assertEquals(0, d.device.read(LEGACY_BAR, LEGACY_MSI_CONFIG_VECTOR, 2));
        TestDriver noMsix = TestDriver.up(VirtioNetConfig.defaults().mode(TransportMode.LEGACY).vectors(0));
        assertEquals(0x52, noMsix.device.read(LEGACY_BAR, LEGACY_CONFIG, 1), "MAC at 0x14 without MSI-X");
        assertEquals(0x20, noMsix.net.pciConfig().barSize(0), "I/O BAR: 0x14 + 8 config bytes, rounded up");
        assertEquals(0x20, d.net.pciConfig().barSize(0), "I/O BAR: 0x18 + 8 config bytes");
    }

    @Test
    void resetClearsQueuesAndFeatures() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        d.setStatus(0);
        assertEquals(0, d.status());
        d.common(QUEUE_SELECT, 2, 1);
        assertEquals(0, d.common(QUEUE_ENABLE, 2));
        assertEquals(256, d.common(QUEUE_SIZE, 2));
        assertEquals(0, d.common(QUEUE_DESC_LO, 4));
        assertEquals(NO_VECTOR, d.common(QUEUE_MSIX_VECTOR, 2));
        assertEquals(NO_VECTOR, d.common(CONFIG_MSIX_VECTOR, 2));
        assertEquals(0, d.net.negotiatedFeatures());
        assertFalse(d.net.transport().ring(1).ready());
        d.send(frame(64, 1));
        d.run();
        assertTrue(d.transmitted.isEmpty(), "kicks after reset go nowhere");
    }

    @Test
    void featuresOkIsRefusedForFeaturesNotOffered() {
        TestDriver d = new TestDriver(VirtioNetConfig.defaults());
        d.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER);
        d.common(DRIVER_FEATURE_SELECT, 4, 0);
        d.common(DRIVER_FEATURE, 4, 1 << VirtioNetFeatures.CSUM);
        d.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK);
        assertEquals(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER, d.status());
    }

    @Test
    void featureWritesAfterFeaturesOkAreIgnored() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        d.common(DRIVER_FEATURE_SELECT, 4, 0);
        d.common(DRIVER_FEATURE, 4, 0);
        assertNotEquals(0, d.common(DRIVER_FEATURE, 4));
    }

    @Test
    void deviceErrorSetsNeedsResetAndSignalsConfigChange() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        TestDriver.Queue tx = d.queues[VirtioNet.TX_QUEUE];
        long desc = tx.desc;
        d.memory.store(desc + Descriptor.ADDR, 8, TestDriver.BUFFERS);
        d.memory.store(desc + Descriptor.LEN, 4, 100);
        d.memory.store(desc + Descriptor.FLAGS, 2, Descriptor.F_NEXT);
        d.memory.store(desc + Descriptor.NEXT, 2, 0);
        d.memory.store(tx.avail + 4, 2, 0);
        d.memory.store(tx.avail + 2, 2, 1);
        tx.availIdx = 1;
        tx.kick();
        d.run();
        assertTrue((d.status() & VirtioStatus.DEVICE_NEEDS_RESET) != 0);
        assertEquals("CHAIN_LOOP", d.net.transport().lastError());
        assertEquals(0x40, d.msis.get(d.msis.size() - 1)[1], "config interrupt");
        d.bringUp(-1L);
        assertEquals(0, d.status() & VirtioStatus.DEVICE_NEEDS_RESET, "reset recovers");
        d.send(frame(64, 1));
        d.run();
        assertEquals(1, d.transmitted.size());
    }

    @Test
    void queueSizeNotAPowerOfTwoIsADeviceError() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        d.common(QUEUE_SELECT, 2, 1);
        d.common(QUEUE_RESET, 2, 1);
        assertEquals(0, d.common(QUEUE_ENABLE, 2), "queue_reset disabled the queue");
        d.common(QUEUE_SIZE, 2, 100);
        assertEquals(100, d.common(QUEUE_SIZE, 2));
        d.common(QUEUE_ENABLE, 2, 1);
        assertTrue((d.status() & VirtioStatus.DEVICE_NEEDS_RESET) != 0);
        assertEquals("QUEUE_SIZE_NOT_POWER_OF_TWO", d.net.transport().lastError());
    }

    @Test
    void oversizedQueueSizeWriteIsIgnored() {
        TestDriver d = new TestDriver(VirtioNetConfig.defaults());
        d.common(QUEUE_SELECT, 2, 0);
        d.common(QUEUE_SIZE, 2, 4096);
        assertEquals(256, d.common(QUEUE_SIZE, 2));
        d.common(QUEUE_SIZE, 2, 64);
        assertEquals(64, d.common(QUEUE_SIZE, 2));
    }

    @Test
    void kicksForAbsentOrDisabledQueuesAreIgnored() {
        TestDriver d = new TestDriver(VirtioNetConfig.defaults());
        d.device.write(MODERN_BAR, NOTIFY_OFFSET + 4L * 1, 2, 1);
        d.device.write(MODERN_BAR, NOTIFY_OFFSET + 4L * 700, 2, 700);
        d.device.write(LEGACY_BAR, LEGACY_QUEUE_NOTIFY, 2, 0xFFFF);
        d.run();
        assertEquals(0, d.status());
        assertFalse(d.net.transport().broken());
        assertTrue(d.transmitted.isEmpty());
    }

    @Test
    void absentQueueRegistersReadAsEmpty() {
        TestDriver d = new TestDriver(VirtioNetConfig.defaults());
        d.common(QUEUE_SELECT, 2, 5);
        assertEquals(0, d.common(QUEUE_SIZE, 2));
        assertEquals(NO_VECTOR, d.common(QUEUE_MSIX_VECTOR, 2));
        d.common(QUEUE_ENABLE, 2, 1);
        assertEquals(0, d.common(QUEUE_ENABLE, 2));
        assertEquals(3, d.common(NUM_QUEUES, 2));
    }

    @Test
    void vectorBeyondTheTableReadsBackAsNoVector() {
        TestDriver d = new TestDriver(VirtioNetConfig.defaults());
        d.common(CONFIG_MSIX_VECTOR, 2, 4);
        assertEquals(NO_VECTOR, d.common(CONFIG_MSIX_VECTOR, 2));
        d.common(CONFIG_MSIX_VECTOR, 2, 3);
        assertEquals(3, d.common(CONFIG_MSIX_VECTOR, 2));
    }

    @Test
    void linkDownClearsStatusAndSignalsConfigChange() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        int before = d.msis.size();
        d.net.setLinkUp(false);
        assertEquals(0, d.device.read(MODERN_BAR, DEVICE_OFFSET + 6, 2));
        assertEquals(before + 1, d.msis.size());
        d.postRx(1, 1526);
        assertTrue(d.device.receive(frame(64, 1), 0, 64));
        assertEquals(1, d.net.counters().rxDropped());
    }

    @Test
    void clearingBusMasterTakesDriverOkAway() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults());
        d.device.configWrite(PciConfigSpace.COMMAND, 2, PciConfigSpace.COMMAND_MEMORY);
        assertEquals(0, d.status() & VirtioStatus.DRIVER_OK);
    }

    @Test
    void pciCfgCapabilityReachesTheBars() {
        TestDriver d = new TestDriver(VirtioNetConfig.defaults());
        int cap = 0x84;
        assertEquals(VirtioPciRegisters.CFG_TYPE_PCI, d.device.configRead(cap + 3, 1));
        d.device.configWrite(cap + 4, 1, MODERN_BAR);
        d.device.configWrite(cap + 8, 4, COMMON_OFFSET + NUM_QUEUES);
        d.device.configWrite(cap + 12, 4, 2);
        assertEquals(3, d.device.configRead(cap + 16, 4));
        d.device.configWrite(cap + 8, 4, COMMON_OFFSET + QUEUE_SELECT);
        d.device.configWrite(cap + 16, 4, 2);
        assertEquals(2, d.common(QUEUE_SELECT, 2));
    }

    @Test
    void registersHaveNames() {
        assertEquals("common.queue_select", VirtioPciRegisters.name(4, 0x16));
        assertEquals("legacy.QUEUE_NOTIFY", VirtioPciRegisters.name(0, 0x10));
        assertEquals("isr", VirtioPciRegisters.name(4, 0x1000));
        assertEquals("notify", VirtioPciRegisters.name(4, 0x3008));
        assertEquals("device+0x6", VirtioPciRegisters.name(4, 0x2006));
        assertEquals("msix.table[2].data", VirtioPciRegisters.name(1, 0x28));
        assertEquals("msix.pba+0x0", VirtioPciRegisters.name(1, 0x800));
        assertEquals("legacy.config+0x0", VirtioPciRegisters.name(0, 0x14, false));
        assertEquals("legacy.MSI_CONFIG_VECTOR", VirtioPciRegisters.name(0, 0x14, true));
        assertEquals("common.queue_select", VirtioPciRegisters.NAMES.name(4, 0x16));
    }

    @Test
    void legacyPfnZeroResetsTheDevice() {
        TestDriver d = TestDriver.up(VirtioNetConfig.defaults().mode(TransportMode.LEGACY));
        assertNotEquals(0, d.status());
        d.device.write(LEGACY_BAR, LEGACY_QUEUE_SEL, 2, 0);
        d.device.write(LEGACY_BAR, LEGACY_QUEUE_PFN, 4, 0);
        assertEquals(0, d.status(), "QEMU: PFN 0 resets the whole device");
        assertEquals(0, d.device.read(LEGACY_BAR, LEGACY_QUEUE_PFN, 4));
    }

    @Test
    void legacyDriverAcceptingBadFeatureGetsNoFeatures() {
        TestDriver d = new TestDriver(VirtioNetConfig.defaults().mode(TransportMode.LEGACY));
        d.device.write(LEGACY_BAR, LEGACY_GUEST_FEATURES, 4, 0xFFFF_FFFFL);
        assertEquals(0, d.net.negotiatedFeatures());
        d.device.write(LEGACY_BAR, LEGACY_GUEST_FEATURES, 4, 1L << VirtioNetFeatures.MAC);
        assertEquals(1L << VirtioNetFeatures.MAC, d.net.negotiatedFeatures());
    }

    @Test
    void notifyOnEmptyInterruptsDespiteNoInterruptWhenTheRingRunsDry() {
        TestDriver d = new TestDriver(VirtioNetConfig.defaults().mode(TransportMode.LEGACY).eventIdx(false));
        d.bringUp(~(1L << 30));
        assertTrue((d.net.negotiatedFeatures() & (1L << 24)) != 0, "NOTIFY_ON_EMPTY accepted");
        d.queues[VirtioNet.TX_QUEUE].setNoInterrupt(true);
        d.send(frame(64, 1));
        d.run();
        assertEquals(1, d.msis.size(), "the TX ring ran empty");
        TestDriver without = new TestDriver(VirtioNetConfig.defaults().mode(TransportMode.LEGACY).eventIdx(false));
        without.bringUp(~(1L << 30) & ~(1L << 24));
        without.queues[VirtioNet.TX_QUEUE].setNoInterrupt(true);
        without.send(frame(64, 1));
        without.run();
        assertEquals(0, without.msis.size(), "without NOTIFY_ON_EMPTY, NO_INTERRUPT holds");
    }

    @Test
    void wideAccessToCommonConfigSplitsIntoTwo() {
        TestDriver d = new TestDriver(VirtioNetConfig.defaults());
        d.common(QUEUE_SELECT, 2, 1);
        d.common(QUEUE_DESC_LO, 8, 0x0000_0001_2345_6000L);
        assertEquals(0x2345_6000L, d.common(QUEUE_DESC_LO, 4));
        assertEquals(1, d.common(QUEUE_DESC_HI, 4));
        assertEquals(0x0000_0001_2345_6000L, d.common(QUEUE_DESC_LO, 8));
    }

    @Test
    void queueNotifyOffIsTheQueueIndex() {
        TestDriver d = new TestDriver(VirtioNetConfig.defaults());
        for (int q = 0; q < 3; q++) {
            d.common(QUEUE_SELECT, 2, q);
            assertEquals(q, d.common(QUEUE_NOTIFY_OFF, 2));
        }
        d.common(QUEUE_SELECT, 2, 2);
        assertEquals(64, d.common(QUEUE_SIZE, 2), "QEMU's control queue size");
    }

    @Test
    void withoutCtrlVqThereAreTwoQueuesAndNoControlFeatures() {
        TestDriver d = new TestDriver(VirtioNetConfig.defaults().ctrlVq(false));
        assertEquals(2, d.common(NUM_QUEUES, 2));
        d.common(DEVICE_FEATURE_SELECT, 4, 0);
        long f = d.common(DEVICE_FEATURE, 4);
        assertEquals(0, f & ((1L << VirtioNetFeatures.CTRL_VQ) | (1L << VirtioNetFeatures.CTRL_RX)
                | (1L << VirtioNetFeatures.GUEST_ANNOUNCE)));
    }
}
