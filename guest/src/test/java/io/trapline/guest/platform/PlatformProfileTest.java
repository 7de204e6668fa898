package io.trapline.guest.platform;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlatformProfileTest {

    @Test
    void profilesAreFoundByName() {
        assertEquals("kvm", PlatformProfile.named("KVM").name());
        assertEquals("tcg", PlatformProfile.named("tcg").name());
        assertThrows(IllegalArgumentException.class, () -> PlatformProfile.named("xen"));
    }

    @Test
    void kvmExitCostsFollowTheFactsTableOrdering() {
        PlatformProfile kvm = PlatformProfile.kvm();
        // FACTS.md: MMIO exit 8,800 > PIO exit 5,300 > MMIO ioeventfd 3,600 > PIO ioeventfd 1,760 cycles
        assertTrue(kvm.mmioExitNs() > kvm.pioExitNs());
        assertTrue(kvm.pioExitNs() > kvm.mmioIoeventfdNs());
        assertTrue(kvm.mmioIoeventfdNs() > kvm.pioIoeventfdNs());
        assertEquals(2_933, kvm.mmioExitNs());
    }

    @Test
    void tcgIsSlowerThanKvmForEveryGuestOperation() {
        PlatformProfile kvm = PlatformProfile.kvm();
        PlatformProfile tcg = PlatformProfile.tcg();
        assertTrue(tcg.tcpRxSegmentNs() > kvm.tcpRxSegmentNs());
        assertTrue(tcg.tcpTxSegmentNs() > kvm.tcpTxSegmentNs());
        assertTrue(tcg.syscallNs() > kvm.syscallNs());
        assertTrue(tcg.mmioExitNs() > kvm.mmioExitNs());
        assertTrue(tcg.interruptDeliveryNs() > kvm.interruptDeliveryNs());
        assertEquals(kvm.hostClientStartNs(), tcg.hostClientStartNs(), "the host does not depend on the guest's accelerator");
    }

    @Test
    void wireTimeCountsPreambleFcsAndGapAndPadsShortFrames() {
        PlatformProfile kvm = PlatformProfile.kvm(); // 10 Gb/s
        assertEquals((1514 + 24) * 8 / 10, kvm.wireTimeNs(1514));
        assertEquals((60 + 24) * 8 / 10, kvm.wireTimeNs(42));
        assertEquals(kvm.syscallNs() + kvm.copyNsPerKiB() * 64, kvm.syscallNs(65536));
    }
}
