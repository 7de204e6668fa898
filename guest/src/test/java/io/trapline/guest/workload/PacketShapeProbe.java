package io.trapline.guest.workload;

import io.trapline.guest.net.Packet;
import io.trapline.guest.peer.BackToBack;
import io.trapline.guest.peer.Conversations;
import io.trapline.guest.platform.PlatformProfile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

class PacketShapeProbe {
    @Test
    void print() {
        BackToBack net = new BackToBack(PlatformProfile.tcg(), 1);
        Workload w = new WebWorkload(net.env(1_000_000), RequestGroup.parseList("3x1024,2x65536"));
        net.run(w, MarkListener.NONE, 1_000_000);
        for (Map.Entry<Integer, List<Packet>> e : Conversations.byClientPort(net).entrySet()) {
            System.out.println(e.getValue().size() + ": " + Conversations.describe(e.getValue()));
        }
        System.out.println("total frames " + net.frames.size());
        for (int i = 0; i < 40; i++) {
            Packet p = Packet.parse(net.frames.get(i), 0, net.frames.get(i).length);
            System.out.println(net.times.get(i) / 1000 + "us " + (net.fromGuest.get(i) ? "G->H " : "H->G ") + io.trapline.guest.net.Addresses.ipv4(p.srcIp) + ":" + p.srcPort + " > " + p.dstPort + String.format(" fl=%02x len=%d win=%d seq=%d ack=%d", p.flags, p.payloadLength, p.window, p.seq, p.ack));
        }
    }
}
