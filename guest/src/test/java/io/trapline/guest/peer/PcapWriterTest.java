package io.trapline.guest.peer;

import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.workload.MarkListener;
import io.trapline.guest.workload.RequestGroup;
import io.trapline.guest.workload.WebWorkload;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PcapWriterTest {

    /** Writes a short web run to target/guest-web.pcap (open it in Wireshark: HTTP) and reads it back. */
    @Test
    void aWebRunWritesAPcapThatReadsBackFrameForFrame() throws IOException {
        BackToBack net = new BackToBack(PlatformProfile.tcg(), 9);
        net.run(new WebWorkload(net.env(0), RequestGroup.parseList("2x1024,1x65536")), MarkListener.NONE, 1_000_000);
        Path file = Path.of("target", "guest-web.pcap");
        Files.createDirectories(file.getParent());
        try (OutputStream os = Files.newOutputStream(file); PcapWriter pcap = new PcapWriter(os)) {
            for (int i = 0; i < net.frames.size(); i++) {
                pcap.frame(net.times.get(i), net.frames.get(i));
            }
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, b.getInt());
        b.position(20);
        assertEquals(1, b.getInt(), "Ethernet link type");
        for (int i = 0; i < net.frames.size(); i++) {
            int sec = b.getInt();
            int usec = b.getInt();
            assertEquals(net.times.get(i) / 1_000, sec * 1_000_000L + usec);
            int len = b.getInt();
            b.getInt();
            byte[] f = new byte[len];
            b.get(f);
            assertArrayEquals(net.frames.get(i), f);
        }
        assertEquals(0, b.remaining());
    }
}
