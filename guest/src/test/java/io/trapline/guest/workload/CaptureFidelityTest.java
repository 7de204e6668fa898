package io.trapline.guest.workload;

import io.trapline.guest.net.Packet;
import io.trapline.guest.peer.BackToBack;
import io.trapline.guest.peer.Conversations;
import io.trapline.guest.platform.PlatformProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stack's packets per request against the real captures (../shared/captures/qemu-7.2-tcg). virtio's
 * pcap is the reference for counts: e1000's has ~7 extra header-only frames per 64 KiB response that come
 * from QEMU's e1000 TSO emulation, not from TCP.
 */
class CaptureFidelityTest {

    private static Path captures() {
        return Path.of(System.getProperty("trapline.shared.dir", "../shared"), "captures", "qemu-7.2-tcg");
    }

    /** TCP frames per connection of a classic little-endian pcap, keyed by the client's port. */
    static Map<Integer, Integer> packetsPerConnection(Path pcap) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        b.position(24);
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        while (b.remaining() >= 16) {
            b.getInt();
            b.getInt();
            int captured = b.getInt();
            b.getInt();
            byte[] f = new byte[captured];
            b.get(f);
            Packet p = Packet.parse(f, 0, f.length);
            if (p.kind == Packet.Kind.TCP) {
                int client = p.srcPort == 80 ? p.dstPort : p.srcPort;
                counts.merge(client, 1, Integer::sum);
            }
        }
        return counts;
    }

    private static double median(List<Integer> v) {
        int[] a = v.stream().mapToInt(Integer::intValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2.0;
    }

    @Test
    void packetsPerRequestMatchTheRealCapturesWithinTenPercent() throws IOException {
        BackToBack net = new BackToBack(PlatformProfile.tcg(), 2026);
        Workload w = new WebWorkload(net.env(1_000_000), RequestGroup.parseList(RequestGroup.DEFAULT));
        net.run(w, MarkListener.NONE, 20_000_000);
        List<Integer> model = new ArrayList<>();
        Conversations.byClientPort(net).values().forEach(c -> model.add(c.size()));
        assertTrue(model.size() == 220);

        List<Integer> real = new ArrayList<>(packetsPerConnection(captures().resolve("virtio/packets.pcap")).values());
        assertTrue(real.size() == 220, "virtio capture has 220 connections, found " + real.size());

        double modelSmall = median(model.subList(0, 200));
        double modelBig = median(model.subList(200, 220));
        double realSmall = median(real.subList(0, 200));
        double realBig = median(real.subList(200, 220));
        long modelTotal = model.stream().mapToLong(Integer::longValue).sum();
        long realTotal = real.stream().mapToLong(Integer::longValue).sum();
        System.out.printf("packets/request 1 KiB: model %.1f real %.1f; 64 KiB: model %.1f real %.1f; total TCP model %d real %d; %s%n",
                modelSmall, realSmall, modelBig, realBig, modelTotal, realTotal, w.result());
        assertTrue(Math.abs(modelSmall - realSmall) <= 0.1 * realSmall, "1 KiB: " + modelSmall + " vs " + realSmall);
        assertTrue(Math.abs(modelBig - realBig) <= 0.1 * realBig, "64 KiB: " + modelBig + " vs " + realBig);
        assertTrue(Math.abs(modelTotal - realTotal) <= 0.1 * realTotal, "total: " + modelTotal + " vs " + realTotal);
    }
}
