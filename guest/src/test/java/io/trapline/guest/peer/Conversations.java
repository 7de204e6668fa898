package io.trapline.guest.peer;

import io.trapline.guest.net.Packet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helper: delivered TCP frames grouped by connection (the host's port), in order. */
public final class Conversations {
    private Conversations() {
    }

    public static Map<Integer, List<Packet>> byClientPort(BackToBack net) {
        Map<Integer, List<Packet>> out = new LinkedHashMap<>();
        for (int i = 0; i < net.frames.size(); i++) {
            byte[] f = net.frames.get(i);
            Packet p = Packet.parse(f, 0, f.length);
            if (p.kind != Packet.Kind.TCP) {
                continue;
            }
            int clientPort = net.fromGuest.get(i) ? p.dstPort : p.srcPort;
            out.computeIfAbsent(clientPort, k -> new ArrayList<>()).add(p);
        }
        return out;
    }

    /** One line per frame like "G18:212" (sender G = guest / H = host, TCP flags hex, payload length). */
    public static String describe(List<Packet> conversation) {
        StringBuilder sb = new StringBuilder();
        for (Packet p : conversation) {
            sb.append(p.srcPort == UserNetwork.HTTP_PORT ? 'G' : 'H')
                    .append(String.format("%02x:%d w%d ", p.flags, p.payloadLength, p.window));
        }
        return sb.toString();
    }
}
