package io.trapline.emulator.e1000;

import io.trapline.emulator.machine.Machine;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.XZInputStream;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Replays the e1000's PCI configuration accesses from the shared QEMU 7.2 trace (BIOS and Linux: BAR
 * sizing and programming, ROM BAR, command register, interrupt line) and checks every read.
 *
 * <p>QEMU's {@code pci_cfg_read/write} events do not print the access size. Reads are compared at the
 * narrowest aligned size that holds QEMU's value (a wider read with zero upper bytes would compare the
 * same bytes); writes use the natural size of their offset (4 at dword-aligned offsets, else 1), which
 * only adds zero bytes to read-only or write-one-to-clear fields.
 */
class E1000PciConfigTraceTest {
    private static final Pattern CFG = Pattern.compile(
            "pci_cfg_(read|write) e1000 \\S+ @0x([0-9a-f]+) (->|<-) 0x([0-9a-f]+)");

    @Test
    void everyConfigReadInTheTraceMatchesQemu() throws Exception {
        Path file = Path.of(System.getProperty("trapline.shared.dir", "../shared"),
                "captures/qemu-7.2-tcg/e1000/trace.log.xz");
        E1000 nic = (E1000) new Machine(1 << 20).plug(ctx -> new E1000(ctx, E1000Config.defaults())).device();
        int reads = 0;
        int writes = 0;
        List<String> mismatches = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new XZInputStream(Files.newInputStream(file)), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.contains("pci_cfg_")) {
                    continue;
                }
                Matcher m = CFG.matcher(line);
                if (!m.find()) {
                    continue;
                }
                int offset = Integer.parseInt(m.group(2), 16);
                long value = Long.parseLong(m.group(4), 16);
                if (m.group(1).equals("write")) {
                    writes++;
                    nic.configWrite(offset, (offset & 3) == 0 ? 4 : 1, value);
                } else {
                    reads++;
                    int size = value > 0xFFFF ? 4 : value > 0xFF ? 2 : 1;
                    if ((offset & (size - 1)) != 0) {
                        size = 1;
                    }
                    long got = nic.configRead(offset, size);
                    if (got != value) {
                        mismatches.add(String.format("@0x%x: QEMU 0x%x, model 0x%x", offset, value, got));
                    }
                }
            }
        }
        assertEquals(109, reads, "reads in the trace");
        assertTrue(writes > 40);
        assertEquals(List.of(), mismatches);
    }
}
