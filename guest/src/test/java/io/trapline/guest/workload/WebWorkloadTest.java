package io.trapline.guest.workload;

import io.trapline.guest.net.Packet;
import io.trapline.guest.peer.BackToBack;
import io.trapline.guest.peer.Conversations;
import io.trapline.guest.platform.PlatformProfile;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebWorkloadTest {

    private static BackToBack run(long seed, String requests, List<String> marks) {
        BackToBack net = new BackToBack(PlatformProfile.tcg(), seed);
        Workload w = new WebWorkload(net.env(1_000_000), RequestGroup.parseList(requests));
        net.run(w, new RecordingMarks(marks), 5_000_000);
        WorkloadResult r = w.result();
        assertEquals(0, r.requestsFailed(), r::toString);
        return net;
    }

    @Test
    void everyRequestSucceedsOnItsOwnConnection() {
        BackToBack net = run(1, "5x1024,2x65536", new ArrayList<>());
        Map<Integer, List<Packet>> conversations = Conversations.byClientPort(net);
        assertEquals(7, conversations.size());
        assertEquals(5 * 1024 + 2 * 65536, net.server.bodyBytes());
    }

    @Test
    void sameSeedGivesTheSameFramesByteForByte() {
        String first = run(42, "20x1024,3x65536", new ArrayList<>()).hash();
        String second = run(42, "20x1024,3x65536", new ArrayList<>()).hash();
        String other = run(43, "20x1024,3x65536", new ArrayList<>()).hash();
        assertEquals(first, second);
        assertNotEquals(first, other, "the seed reaches ISNs, ports and IP ids");
    }

    @Test
    void everyFrameParsesWithValidIpAndTcpChecksums() {
        BackToBack net = run(3, "10x1024,2x65536,1x0", new ArrayList<>());
        int tcp = 0;
        int arp = 0;
        for (byte[] f : net.frames) {
            Packet p = Packet.parse(f, 0, f.length);
            assertTrue(p.kind == Packet.Kind.TCP || p.kind == Packet.Kind.ARP, "frame kind " + p.kind);
            assertTrue(f.length <= 1514, "no frame beyond the MTU");
            if (p.kind == Packet.Kind.TCP) {
                tcp++;
                assertTrue(p.ipChecksumOk, "IPv4 header checksum");
                assertTrue(p.tcpChecksumOk, "TCP checksum");
                assertEquals(f.length - 14, p.ipTotalLength);
            } else {
                arp++;
            }
        }
        assertEquals(2, arp, "slirp asks for the guest once, the guest answers (as in e1000/packets.pcap)");
        assertTrue(tcp > 100);
    }

    @Test
    void marksFollowTheCapturesPhases() {
        List<String> marks = new ArrayList<>();
        run(1, "2x1024,1x65536", marks);
        List<String> names = marks.stream().map(l -> l.substring(l.indexOf(' ') + 1)).toList();
        assertEquals(List.of(
                "mark ready", "mark idle_start", "start idle", "end idle", "mark idle_end", "mark work_start",
                "start workload", "start window", "start 2x1024",
                "request 0 GET /file-1024", "response 0 200 1024",
                "request 1 GET /file-1024", "response 1 200 1024",
                "end 2x1024", "mark small_end", "start 1x65536",
                "request 2 GET /file-65536", "response 2 200 65536",
                "end 1x65536", "end workload", "mark work_end"), names, "the window phase ends with the run (GuestRun)");
        long idleStart = Long.parseLong(marks.get(1).split(" ")[0]);
        long idleEnd = Long.parseLong(marks.get(4).split(" ")[0]);
        assertEquals(1_000_000, idleEnd - idleStart);
    }
}
