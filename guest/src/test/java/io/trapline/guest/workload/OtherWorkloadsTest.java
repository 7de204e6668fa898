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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OtherWorkloadsTest {

    private static BackToBack net(long seed) {
        return new BackToBack(PlatformProfile.kvm(), seed);
    }

    @Test
    void keepaliveSendsEveryRequestOverOneConnection() {
        BackToBack net = net(1);
        Workload w = Workloads.create("keepalive", net.env(0), Map.of("requests", "50x1024,5x65536"));
        net.run(w, MarkListener.NONE, 5_000_000);
        assertEquals(55, w.result().requestsOk());
        assertEquals(1, Conversations.byClientPort(net).size());
    }

    @Test
    void inKeepaliveTheGuestAcksRequestsOnItsResponsesOnceQuickAckModeIsOver() {
        BackToBack net = net(2);
        Workload w = Workloads.create("keepalive", net.env(0), Map.of("requests", "100x512"));
        net.run(w, MarkListener.NONE, 5_000_000);
        List<Packet> conversation = Conversations.byClientPort(net).values().iterator().next();
        long pureAcksFromGuest = conversation.stream()
                .filter(p -> p.srcPort == 80 && p.flags == Packet.ACK && p.payloadLength == 0).count();
        // quick ACKs for the first requests, then ping-pong mode: the response carries the ACK
        assertTrue(pureAcksFromGuest <= 3, "guest sent " + pureAcksFromGuest + " pure ACKs for 100 requests");
    }

    @Test
    void bulkDownloadsLargeFilesIntact() {
        BackToBack net = net(3);
        Workload w = Workloads.create("bulk", net.env(0), Map.of("count", "2", "size", "4m"));
        net.run(w, MarkListener.NONE, 5_000_000);
        assertEquals(2, w.result().requestsOk());
        assertEquals(8L * 1024 * 1024, w.result().bodyBytes());
        assertEquals(2, Conversations.byClientPort(net).size());
    }

    @Test
    void rrPingPongsRequestsAndResponsesOfTheGivenSize() {
        BackToBack net = net(4);
        Workload w = Workloads.create("rr", net.env(0), Map.of("count", "30", "size", "1000"));
        net.run(w, MarkListener.NONE, 5_000_000);
        assertEquals(30, w.result().requestsOk());
        List<Packet> conversation = Conversations.byClientPort(net).values().iterator().next();
        long requests = conversation.stream().filter(p -> p.srcPort != 80 && p.payloadLength == 1000).count();
        assertEquals(30, requests, "each request head is padded to 1000 bytes");
    }

    @Test
    void workloadsAreNamedAndOptionsChecked() {
        BackToBack net = net(5);
        for (String name : Workloads.NAMES) {
            assertEquals(name, Workloads.create(name, net.env(0), Map.of()).name());
        }
        assertThrows(IllegalArgumentException.class, () -> Workloads.create("ftp", net.env(0), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> Workloads.create("web", net.env(0), Map.of("count", "3")));
        assertThrows(IllegalArgumentException.class, () -> Workloads.create("rr", net.env(0), Map.of("count", "0")));
    }

    @Test
    void requestGroupsParseTheCommandLineForm() {
        assertEquals(List.of(new RequestGroup(200, 1024), new RequestGroup(20, 65536)), RequestGroup.parseList(RequestGroup.DEFAULT));
        assertEquals(List.of(new RequestGroup(3, 64 * 1024), new RequestGroup(1, 2L << 20)), RequestGroup.parseList("3x64k, 1x2M"));
        for (String bad : List.of("", "x", "10", "0x5", "5x", "ax1", "5x-1", "5xk", "1x99999999999999m",
                "1x99999999999999999999", "1x1e9", "1x1099511627777",
                "5x1024,", ",5x1024", "1x1,,2x2", ",")) {
            assertThrows(IllegalArgumentException.class, () -> RequestGroup.parseList(bad), bad);
        }
        assertEquals(List.of(new RequestGroup(1, 1L << 40)), RequestGroup.parseList("1x1099511627776"), "1 TiB is allowed");
    }

    @Test
    void badCountsAndSizesNameTheOptionAndTheValue() {
        BackToBack net = net(8);
        var count = assertThrows(IllegalArgumentException.class,
                () -> Workloads.parse("rr", Map.of("count", "abc")));
        assertEquals("--count: expected a whole number from 1 to 2147483647, got 'abc'", count.getMessage());
        var size = assertThrows(IllegalArgumentException.class,
                () -> Workloads.parse("bulk", Map.of("size", "99999999999999m")));
        assertTrue(size.getMessage().startsWith("--size: expected 0 to 1099511627776 bytes"), size.getMessage());
        assertTrue(size.getMessage().endsWith(", got '99999999999999m'"), size.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Workloads.parse("rr", Map.of("size", "1e9")));
        assertEquals("rr", Workloads.parse("rr", Map.of("count", "2", "size", "64k")).create(net.env(0)).name());
    }

    @Test
    void aWorkloadStartsOnce() {
        BackToBack net = net(6);
        Workload w = Workloads.create("web", net.env(0), Map.of("requests", "1x10"));
        w.start(MarkListener.NONE);
        assertThrows(IllegalStateException.class, () -> w.start(MarkListener.NONE));
    }

    @Test
    void aMissingFileFailsTheRequestWithoutStoppingTheWorkload() {
        BackToBack net = net(7);
        List<String> marks = new ArrayList<>();
        Workload w = new WebWorkload(net.env(0), List.of(new RequestGroup(2, HttpServerLimits.TOO_BIG)));
        net.run(w, new RecordingMarks(marks), 1_000_000);
        assertEquals(2, w.result().requestsFailed());
        assertTrue(marks.stream().anyMatch(l -> l.endsWith("response 0 404 0")), marks.toString());
    }

    /** A size beyond what the server serves. */
    private static final class HttpServerLimits {
        static final long TOO_BIG = io.trapline.guest.http.HttpServer.MAX_BODY + 1;
    }
}
