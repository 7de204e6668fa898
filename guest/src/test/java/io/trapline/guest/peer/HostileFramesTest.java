package io.trapline.guest.peer;

import io.trapline.guest.net.Bytes;
import io.trapline.guest.net.Checksum;
import io.trapline.guest.net.Ipv4;
import io.trapline.guest.net.Packet;
import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.workload.MarkListener;
import io.trapline.guest.workload.RequestGroup;
import io.trapline.guest.workload.WebWorkload;
import io.trapline.guest.workload.Workload;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Frames from the other side are input the stacks must survive: mutated TCP segments with correct checksums
 * (so they get past validation and into the state machine) are injected into both stacks while a workload
 * runs. Nothing may throw and the run must end; requests may fail.
 */
class HostileFramesTest {

    private static byte[] mutate(byte[] original, Random r) {
        byte[] f = original.clone();
        Packet p = Packet.parse(f, 0, f.length);
        if (p.kind != Packet.Kind.TCP) {
            return f;
        }
        int t = 14 + Ipv4.HEADER;
        switch (r.nextInt(6)) {
            case 0 -> f[t + 13] = (byte) r.nextInt(64); // any flag combination
            case 1 -> Bytes.put32(f, t + 4, p.seq + r.nextInt(200_000) - 100_000);
            case 2 -> Bytes.put32(f, t + 8, p.ack + r.nextInt(200_000) - 100_000);
            case 3 -> Bytes.put16(f, t + 14, r.nextInt(65536));
            case 4 -> Bytes.put32(f, t + 4, r.nextInt());
            default -> {
                f[t + 12] = (byte) ((5 + r.nextInt(11)) << 4); // data offset over the payload (options garbage)
            }
        }
        int tcpLength = p.ipTotalLength - Ipv4.HEADER;
        Bytes.put16(f, t + 16, 0);
        long sum = Checksum.pseudoHeader(p.srcIp, p.dstIp, Ipv4.PROTOCOL_TCP, tcpLength);
        Bytes.put16(f, t + 16, Checksum.finish(Checksum.add(sum, f, t, tcpLength)));
        return f;
    }

    @Test
    void mutatedSegmentsWithValidChecksumsNeitherCrashNorHangEitherStack() {
        for (long seed = 1; seed <= 12; seed++) {
            BackToBack clean = new BackToBack(PlatformProfile.kvm(), seed);
            clean.run(new WebWorkload(clean.env(0), RequestGroup.parseList("3x1024,1x65536")), MarkListener.NONE, 1_000_000);
            List<byte[]> samples = clean.frames;

            BackToBack net = new BackToBack(PlatformProfile.kvm(), seed);
            Random r = new Random(seed);
            Workload w = new WebWorkload(net.env(0), RequestGroup.parseList("3x1024,1x65536"));
            w.start(MarkListener.NONE);
            long events = 0;
            while (!w.done() && net.scheduler.runNext()) {
                if (r.nextInt(10) == 0) {
                    int i = r.nextInt(samples.size());
                    byte[] f = mutate(samples.get(i), r);
                    if (clean.fromGuest.get(i)) {
                        net.peer.stack().receive(f, 0, f.length);
                    } else {
                        net.guest.receive(f, 0, f.length);
                    }
                }
                assertTrue(++events < 2_000_000, "seed " + seed + ": run did not end");
            }
            assertTrue(w.done(), "seed " + seed);
        }
    }
}
