package io.trapline.guest.peer;

import io.trapline.emulator.time.Scheduler;
import io.trapline.emulator.time.Timer;
import io.trapline.guest.http.HttpServer;
import io.trapline.guest.net.Packet;
import io.trapline.guest.platform.Cpu;
import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.tcp.NetStack;
import io.trapline.guest.workload.MarkListener;
import io.trapline.guest.workload.RequestGroup;
import io.trapline.guest.workload.WebWorkload;
import io.trapline.guest.workload.Workload;
import io.trapline.guest.workload.WorkloadEnv;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostPeerTest {

    /**
     * A stand-in NIC with a 2-frame receive ring: refuses frames when full, drains one frame per 20 us
     * into the guest stack and tells the backend rxReady when it has room again — as a device model would.
     */
    private static final class SmallRingNic {
        final ArrayDeque<byte[]> ring = new ArrayDeque<>();
        final Timer drain;
        HostPeer peer;
        NetStack guest;
        int refused;
        boolean refusedSinceReady;

        SmallRingNic(Scheduler s) {
            drain = s.newTimer(this::drainOne);
            this.scheduler = s;
        }

        final Scheduler scheduler;

        boolean receive(byte[] f, int off, int len) {
            if (ring.size() == 2) {
                refused++;
                refusedSinceReady = true;
                return false;
            }
            ring.addLast(java.util.Arrays.copyOfRange(f, off, off + len));
            if (!drain.armed()) {
                drain.arm(scheduler.now() + 20_000);
            }
            return true;
        }

        void drainOne() {
            byte[] f = ring.pollFirst();
            guest.receive(f, 0, f.length);
            if (!ring.isEmpty()) {
                drain.arm(scheduler.now() + 20_000);
            }
            if (refusedSinceReady) {
                refusedSinceReady = false;
                peer.rxReady(0);
            }
        }
    }

    @Test
    void framesTheNicRefusesAreKeptInOrderAndOfferedAgainOnRxReady() {
        Scheduler scheduler = new Scheduler();
        PlatformProfile profile = PlatformProfile.tcg();
        Random random = new Random(5);
        SmallRingNic nic = new SmallRingNic(scheduler);
        HostPeer peer = new HostPeer(scheduler, profile, random, 0, nic::receive);
        NetStack guest = UserNetwork.guestStack(scheduler, new Cpu(scheduler), profile, random);
        nic.peer = peer;
        nic.guest = guest;
        // the guest's transmissions reach the host through the backend interface, as from a NIC model
        guest.attach((frame, off, len, gso, more) -> {
            peer.transmit(0, frame, off, len);
            return true;
        });
        new HttpServer(guest, profile).listen(UserNetwork.HTTP_PORT);
        List<Integer> hostSeqOrder = new ArrayList<>();
        peer.toGuest().observe((t, f) -> {
            Packet p = Packet.parse(f, 0, f.length);
            if (p.kind == Packet.Kind.TCP && p.payloadLength > 0) {
                hostSeqOrder.add(p.seq);
            }
        });
        // a keep-alive upload-heavy exchange: rr with 4 KiB requests makes the host send bursts
        Workload w = new io.trapline.guest.workload.RrWorkload(
                new WorkloadEnv(scheduler, peer.stack(), UserNetwork.GUEST_IP, UserNetwork.HTTP_PORT, profile, 0, 0), 50, 4096);
        w.start(MarkListener.NONE);
        long n = 0;
        while (!w.done()) {
            assertTrue(scheduler.runNext() && ++n < 2_000_000, "workload stuck");
        }
        assertEquals(50, w.result().requestsOk());
        assertTrue(nic.refused > 0, "the small ring refused frames");
        assertTrue(peer.toGuest().framesRefused() > 0);
        assertEquals(0, peer.toGuest().held());
        assertEquals(0, peer.stack().stats().retransmitTimeouts, "refused frames were kept, not lost");
        for (int i = 1; i < hostSeqOrder.size(); i++) {
            assertTrue(hostSeqOrder.get(i) - hostSeqOrder.get(i - 1) > 0, "host data reached the NIC in order");
        }
    }

    @Test
    void transmitCopiesTheFrameAndIgnoresOtherDevices() {
        Scheduler scheduler = new Scheduler();
        List<byte[]> seen = new ArrayList<>();
        HostPeer peer = new HostPeer(scheduler, PlatformProfile.kvm(), new Random(1), 2, (f, o, l) -> true);
        peer.fromGuest().observe((t, f) -> seen.add(f));
        byte[] frame = io.trapline.guest.net.Arp.frame(io.trapline.guest.net.Arp.OP_REQUEST,
                UserNetwork.GUEST_MAC, UserNetwork.GUEST_IP, 0, UserNetwork.HOST_IP);
        peer.transmit(1, frame, 0, frame.length);
        peer.transmit(2, frame, 0, frame.length);
        frame[0] = 0; // the caller's buffer is only valid during the call
        scheduler.runUntil(1_000_000);
        assertEquals(1, seen.size());
        assertEquals((byte) 0xFF, seen.get(0)[0]);
        assertEquals(1, peer.stack().stats().framesSent, "the host answered the ARP request");
    }

    @Test
    void theWireTakesSerialisationTimeAtTheLinkRate() {
        Scheduler scheduler = new Scheduler();
        List<Long> arrivals = new ArrayList<>();
        Wire wire = new Wire(scheduler, 1_000_000_000L, 5_000, (f, o, l) -> {
            arrivals.add(scheduler.now());
            return true;
        });
        wire.send(new byte[1514]);
        wire.send(new byte[1514]);
        scheduler.runUntil(1_000_000);
        long frameNs = (1514 + 24) * 8; // 1 bit per ns at 1 Gb/s
        assertEquals(List.of(frameNs + 5_000, 2 * frameNs + 5_000), arrivals);
    }
}
