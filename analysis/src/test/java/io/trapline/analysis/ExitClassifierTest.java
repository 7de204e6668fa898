package io.trapline.analysis;

import io.trapline.recorder.CaptureMetadata;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The classification of each kind of access under each profile, straight from the rules. */
class ExitClassifierTest {
    private final ExitClassifier e1000 = new ExitClassifier(TestCaptures.e1000Metadata());
    private final ExitClassifier virtio = new ExitClassifier(TestCaptures.virtioMetadata("modern"));
    private final ExitClassifier legacy = new ExitClassifier(TestCaptures.virtioMetadata("legacy"));

    @Test
    void tcgSendsEveryAccessToTheDeviceModel() {
        assertEquals(ExitClass.TCG_ACCESS, e1000.deviceAccess(Profile.TCG, 0, false, true, 0, 0x2818));
        assertEquals(ExitClass.TCG_ACCESS, virtio.deviceAccess(Profile.TCG, 0, false, true, 4, 0x3004));
        assertEquals(ExitClass.TCG_ACCESS, e1000.pciConfig(Profile.TCG));
        assertEquals(ExitClass.TCG_ACCESS, virtio.kick(Profile.TCG, 0, 1, false));
    }

    @Test
    void e1000WritesExitOnlyForTheRegistersQemuLeavesOutOfTheCoalescedRange() {
        int[] exiting = {0x20, 0xC0, 0xC8, 0xD0, 0xD8, 0x400, 0x3818};
        for (Profile p : new Profile[] {Profile.KVM, Profile.KVM_VHOST}) {
            for (int off : exiting) {
                assertEquals(ExitClass.MMIO, e1000.deviceAccess(p, 0, false, true, 0, off), "write " + off);
            }
            for (int off : new int[] {0x0, 0x8, 0xC4, 0x100, 0x2818, 0x2810, 0x5400, 0x3810}) {
                assertNull(e1000.deviceAccess(p, 0, false, true, 0, off), "coalesced write " + off);
                assertEquals(ExitClass.MMIO, e1000.deviceAccess(p, 0, false, false, 0, off), "read " + off);
            }
            // the I/O BAR is port I/O, never coalesced
            assertEquals(ExitClass.PIO, e1000.deviceAccess(p, 0, true, true, 1, 0x0));
        }
    }

    @Test
    void virtioNotifyWritesAreIoeventfdAndEverythingElseExitsToUserspace() {
        assertEquals(ExitClass.MMIO_IOEVENTFD, virtio.deviceAccess(Profile.KVM, 0, false, true, 4, 0x3004));
        assertEquals(ExitClass.MMIO_IOEVENTFD, virtio.deviceAccess(Profile.KVM_VHOST, 0, false, true, 4, 0x3000));
        assertEquals(ExitClass.MMIO, virtio.deviceAccess(Profile.KVM, 0, false, true, 4, 0x0016), "common cfg");
        assertEquals(ExitClass.MMIO, virtio.deviceAccess(Profile.KVM, 0, false, false, 4, 0x1000), "ISR read");
        assertEquals(ExitClass.MMIO, virtio.deviceAccess(Profile.KVM, 0, false, true, 1, 0x0), "MSI-X table write");
        assertEquals(ExitClass.MMIO, virtio.deviceAccess(Profile.KVM, 0, false, false, 4, 0x3004), "notify read");
        assertEquals(ExitClass.PIO_IOEVENTFD, legacy.deviceAccess(Profile.KVM, 0, true, true, 0, 0x10));
        assertEquals(ExitClass.PIO, legacy.deviceAccess(Profile.KVM, 0, true, true, 0, 0x12), "legacy status");
        // a modern-only device has no legacy notify port
        assertEquals(ExitClass.MMIO, virtio.deviceAccess(Profile.KVM, 0, false, true, 0, 0x10));
    }

    @Test
    void aDeviceQemuRanWithIoeventfdOffExitsToQemuOnEveryNotifyButVhostStillBindsItsQueues() {
        ExitClassifier off = new ExitClassifier(withQemuOptions("virtio-net-pci,netdev=n0,ioeventfd=off"));
        ExitClassifier on = new ExitClassifier(withQemuOptions("virtio-net-pci,netdev=n0,vectors=0"));
        // kvm: a notify is a full exit to QEMU, the TX queue's (modern: queue 1 at +0x3004; legacy: value 1) as any
        assertEquals(ExitClass.MMIO, off.deviceAccess(Profile.KVM, 0, false, true, 4, 0x3004, 1), "modern notify");
        assertEquals(ExitClass.PIO, off.deviceAccess(Profile.KVM, 0, true, true, 0, 0x10, 1), "legacy notify");
        assertEquals(ExitClass.MMIO, off.kick(Profile.KVM, 0, 1, false), "kick without its write");
        assertEquals(ExitClass.MMIO_IOEVENTFD, on.deviceAccess(Profile.KVM, 0, false, true, 4, 0x3004, 1), "default");
        // kvm-vhost: vhost-net binds its RX/TX notifications whatever the property says; the control queue stays QEMU's
        assertEquals(ExitClass.MMIO_IOEVENTFD, off.deviceAccess(Profile.KVM_VHOST, 0, false, true, 4, 0x3004, 1));
        assertEquals("vhost", ExitClassifier.handler(Profile.KVM_VHOST, ExitClass.MMIO_IOEVENTFD,
                off.path(0, true, 4, 0x3004, 1)));
        assertEquals(ExitClass.PIO_IOEVENTFD, off.deviceAccess(Profile.KVM_VHOST, 0, true, true, 0, 0x10, 0), "RX, legacy");
        assertEquals(ExitClass.MMIO, off.deviceAccess(Profile.KVM_VHOST, 0, false, true, 4, 0x3008, 2), "control queue");
        assertEquals(ExitClass.PIO, off.deviceAccess(Profile.KVM_VHOST, 0, true, true, 0, 0x10, 2), "control, legacy");
        // still a notification: the KICK traced right after the write is the same access
        assertTrue(off.rules(0).isNotify(4, 0x3004));
        assertTrue(off.rules(0).isNotify(4, 0x3008));
    }

    @Test
    void vhostServesTheRxAndTxQueuesAndQemuTheControlQueue() {
        ExitClassifier t = new ExitClassifier(TestCaptures.virtioMetadata("transitional"));
        for (int queue = 0; queue < 3; queue++) {
            AccessPath modern = t.path(0, true, 4, 0x3000 + 4L * queue, 1);
            AccessPath legacy = t.path(0, true, 0, 0x10, queue);
            AccessPath kick = t.kickPath(0, queue);
            String expected = queue < 2 ? "vhost" : "qemu";
            for (AccessPath path : new AccessPath[] {modern, legacy, kick}) {
                ExitClass c = ExitClassifier.deviceAccess(Profile.KVM_VHOST, false, path);
                assertEquals(ExitClass.MMIO_IOEVENTFD, c, "queue " + queue + " " + path);
                assertEquals(expected, ExitClassifier.handler(Profile.KVM_VHOST, c, path), "queue " + queue + " " + path);
                assertEquals("qemu", ExitClassifier.handler(Profile.KVM, c, path), "without vhost, queue " + queue);
            }
        }
    }

    private static CaptureMetadata withQemuOptions(String qemuOptions) {
        CaptureMetadata.DeviceInfo d = TestCaptures.virtioMetadata("transitional").devices().get(0);
        return CaptureMetadata.create(new CaptureMetadata.Source("qemu", "import fixture", null),
                new CaptureMetadata.Clock("host", null), "2026-11-25T00:00:00Z", null,
                List.of(new CaptureMetadata.DeviceInfo(0, d.model(), d.transport(), Map.of("qemuOptions", qemuOptions),
                        null, d.bars())));
    }

    @Test
    void vhostTakesKicksAwayFromQemu() {
        AccessPath tx = AccessPath.DATA_IOEVENTFD;
        assertEquals("qemu", ExitClassifier.handler(Profile.KVM, ExitClass.MMIO_IOEVENTFD, tx));
        assertEquals("vhost", ExitClassifier.handler(Profile.KVM_VHOST, ExitClass.MMIO_IOEVENTFD, tx));
        assertEquals("vhost", ExitClassifier.handler(Profile.KVM_VHOST, ExitClass.PIO_IOEVENTFD, tx));
        assertEquals("qemu", ExitClassifier.handler(Profile.KVM_VHOST, ExitClass.MMIO, AccessPath.USERSPACE));
        assertEquals("kvm", ExitClassifier.handler(Profile.KVM, ExitClass.IRQCHIP, null));
    }

    @Test
    void unmodelledRegionsByName() {
        var meta = TestCaptures.e1000Metadata().withRegions(
                java.util.List.of("apic-msi", "hpet", "serial", "interrupt-message", "pci-conf-data"));
        ExitClassifier c = new ExitClassifier(meta);
        assertEquals(ExitClass.IRQCHIP, c.other(Profile.KVM, 0, 0xFEE000B0L), "LAPIC EOI");
        assertEquals(ExitClass.MMIO, c.other(Profile.KVM, 1, 0xFED00000L), "HPET");
        assertEquals(ExitClass.PIO, c.other(Profile.KVM, 2, 0x3F8), "serial port");
        assertEquals(ExitClass.TCG_ACCESS, c.other(Profile.TCG, 0, 0xFEE000B0L));
        assertNull(c.other(Profile.KVM, 3, 0xFEE01000L), "interrupt messages are not guest accesses");
        assertNull(c.other(Profile.TCG, 4, 0xCFC), "config ports are counted as pci_cfg events");
    }

    @Test
    void unknownProfileIsAClearError() {
        AnalysisException e = assertThrows(AnalysisException.class, () -> Profile.parse("xen"));
        assertTrue(e.getMessage().contains("unknown profile 'xen'") && e.getMessage().contains("kvm-vhost"), e.getMessage());
        assertEquals(java.util.List.of(Profile.KVM, Profile.TCG), Profile.parseList(java.util.List.of("kvm,tcg", "kvm")));
    }
}
