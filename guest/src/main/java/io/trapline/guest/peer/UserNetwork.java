package io.trapline.guest.peer;

import io.trapline.emulator.time.Scheduler;
import io.trapline.guest.net.Addresses;
import io.trapline.guest.platform.Cpu;
import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.tcp.NetStack;
import io.trapline.guest.tcp.TcpConfig;

import java.util.Random;

/**
 * Addresses of QEMU's user-mode network (slirp) as in the shared captures: the guest is 10.0.2.15 with the
 * MAC given on the QEMU command line, the host side answers as the gateway 10.0.2.2 with slirp's MAC
 * 52:55:0a:00:02:02 (its ARP request is frame 9 of e1000/packets.pcap).
 */
public final class UserNetwork {
    public static final int GUEST_IP = Addresses.ipv4("10.0.2.15");
    public static final long GUEST_MAC = Addresses.mac("52:54:00:12:34:56");
    public static final int HOST_IP = Addresses.ipv4("10.0.2.2");
    public static final long HOST_MAC = Addresses.mac("52:55:0a:00:02:02");
    /** busybox httpd listens on port 80 in the guest. */
    public static final int HTTP_PORT = 80;

    private UserNetwork() {
    }

    /** The guest's stack: Linux TCP, costs from {@code profile}, work on the guest's vCPU. */
    public static NetStack guestStack(Scheduler scheduler, Cpu vcpu, PlatformProfile profile, Random random) {
        return new NetStack("guest", scheduler, vcpu, profile.tcpRxSegmentNs(), profile.tcpTxSegmentNs(),
                TcpConfig.linux(), GUEST_MAC, GUEST_IP, random);
    }
}
