package io.trapline.emulator.e1000;

import org.junit.jupiter.api.Test;
import org.tukaani.xz.XZInputStream;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.trapline.emulator.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Feeds every register write of the Linux 6.1 e1000 probe and bring-up in the shared QEMU 7.2 capture
 * (captures/qemu-7.2-tcg/e1000/probe.txt.xz) to the model in order, with virtual time following the
 * capture's timestamps, and checks that every read returns what QEMU returned.
 *
 * <p>One input is not in the file: the bytes of the single TX descriptor the driver queues at 8.937929 s
 * (DMA is not traced). The test puts the descriptor Linux's e1000_tx_map/e1000_tx_queue write for a
 * small frame there (legacy, EOP|IFCS|RS), so ICR then shows TXDW|TXQE as in the capture. There are no
 * other exceptions: every one of the capture's reads matches, timing-dependent ones included (STATUS.LU
 * clear during autonegotiation, ICR.LSC after it).
 */
class E1000ProbeSequenceTest {

    record Access(double seconds, boolean write, boolean io, int offset, int size, long value, String name) {
    }

    static List<Access> loadProbe() throws Exception {
        Path file = Path.of(System.getProperty("trapline.shared.dir", "../shared"),
                "captures/qemu-7.2-tcg/e1000/probe.txt.xz");
        List<Access> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new XZInputStream(Files.newInputStream(file)), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                out.add(new Access(Double.parseDouble(f[0]), f[3].equals("W"), f[4].equals("e1000-io"),
                        Integer.decode(f[5]), Integer.parseInt(f[6]), Long.decode(f[7]), f[8]));
            }
        }
        return out;
    }

    @Test
    void everyReadOfTheLinuxProbeMatchesQemu() throws Exception {
        List<Access> probe = loadProbe();
        assertTrue(probe.size() > 12_000, "probe file has " + probe.size() + " accesses");
        E1000Rig rig = new E1000Rig();
        long txBuffer = 0x0100_0000L;
        int reads = 0;
        List<String> mismatches = new ArrayList<>();
        for (Access a : probe) {
            rig.runUntil(Math.round(a.seconds() * 1e9));
            if (a.write() && !a.io() && a.offset() == TDT && a.value() != 0) {
                long ring = (rig.nic.peek(TDBAH) & 0xFFFF_FFFFL) << 32 | (rig.nic.peek(TDBAL) & 0xFFFF_FFF0L);
                rig.putTxDescriptor(ring, rig.nic.peek(TDH), txBuffer, 60, TXD_CMD_EOP | TXD_CMD_IFCS | TXD_CMD_RS);
            }
            int bar = a.io() ? 1 : 0;
            if (a.write()) {
                rig.nic.write(bar, a.offset(), a.size(), a.value());
            } else {
                reads++;
                long got = rig.nic.read(bar, a.offset(), a.size());
                if (got != a.value()) {
                    mismatches.add(String.format("%.6f %s (0x%x): QEMU 0x%x, model 0x%x", a.seconds(), a.name(),
                            a.offset(), a.value(), got));
                }
            }
        }
        assertEquals(List.of(), mismatches.subList(0, Math.min(20, mismatches.size())),
                mismatches.size() + " of " + reads + " reads differ");
        assertEquals(1, rig.sent.size(), "the one frame Linux queued during bring-up");
        assertEquals(0, rig.nic.unknownAccesses(), "the probe touches only registers the model knows");
    }
}
