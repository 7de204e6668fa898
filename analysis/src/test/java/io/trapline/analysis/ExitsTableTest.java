package io.trapline.analysis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** The exits table: classes per profile, prices, and the attribution rule, on hand-counted fixtures. */
class ExitsTableTest {
    @TempDir
    Path tmp;

    private static List<Map<String, Object>> profile(List<Map<String, Object>> rows, String p) {
        return rows.stream().filter(r -> p.equals(r.get("profile"))).collect(Collectors.toList());
    }

    private static List<Object> column(List<Map<String, Object>> rows, String name) {
        return rows.stream().map(r -> r.get(name)).collect(Collectors.toList());
    }

    @Test
    void e1000ExitsPerProfile() {
        List<Map<String, Object>> rows = TableRows.read(Table.EXITS, TestCaptures.e1000(tmp.resolve("e")));
        List<Map<String, Object>> tcg = profile(rows, "tcg");
        List<Map<String, Object>> kvm = profile(rows, "kvm");
        List<Map<String, Object>> vhost = profile(rows, "kvm-vhost");
        assertEquals(11, tcg.size(), "every access reaches the device model");
        assertEquals(10, kvm.size(), "the RDT write is coalesced");
        assertEquals(10, vhost.size());
        assertFalse(column(kvm, "offset").contains(0x2818L));
        assertEquals(List.of("mmio", "mmio", "mmio", "mmio", "irqchip", "mmio", "mmio", "mmio", "mmio", "pci_cfg"),
                column(kvm, "class"));
        long cycles = kvm.stream().mapToLong(r -> (Long) r.get("cycles")).sum();
        assertEquals(8 * 8_800 + 3_600 + 10_600, cycles);
        assertEquals(0L, tcg.stream().mapToLong(r -> (Long) r.get("cycles")).sum());
    }

    @Test
    void attributionRuleOnE1000() {
        List<Map<String, Object>> kvm = profile(TableRows.read(Table.EXITS, TestCaptures.e1000(tmp.resolve("e"))), "kvm");
        // STATUS before any frame: none; the RX handling: packet 0; TDT: the frame it sent (1); after it: 1;
        // the watchdog read 1 s later and the config read: beyond the window, none
        assertEquals(java.util.Arrays.asList(null, 0L, 0L, 0L, 0L, 1L, 1L, 1L, null, null), column(kvm, "packet"));
        List<Map<String, Object>> tcg = profile(TableRows.read(Table.EXITS, TestCaptures.e1000(tmp.resolve("e2"))), "tcg");
        // under TCG the RDT write (before TDT) is an access: it is followed by another access, so it stays with packet 0
        assertEquals(0L, tcg.stream().filter(r -> Long.valueOf(0x2818).equals(r.get("offset"))).findFirst()
                .orElseThrow().get("packet"));
    }

    @Test
    void virtioKicksAreCountedOnceAndAttributedToTheirTx() {
        List<Map<String, Object>> rows = TableRows.read(Table.EXITS, TestCaptures.virtio(tmp.resolve("v")));
        List<Map<String, Object>> kvm = profile(rows, "kvm");
        List<Map<String, Object>> vhost = profile(rows, "kvm-vhost");
        assertEquals(List.of("mmio", "mmio_ioeventfd", "mmio_ioeventfd", "mmio"), column(kvm, "class"));
        assertEquals(List.of("mmio", "kick", "mmio", "mmio"), column(kvm, "kind"));
        assertEquals(List.of("qemu", "qemu", "qemu", "qemu"), column(kvm, "handler"));
        assertEquals(List.of("qemu", "vhost", "vhost", "qemu"), column(vhost, "handler"));
        assertEquals(java.util.Arrays.asList(null, 0L, 2L, 2L), column(kvm, "packet"));
        assertEquals(4, profile(rows, "tcg").size());
        assertEquals(8_800 + 3_600 + 3_600 + 8_800,
                kvm.stream().mapToLong(r -> (Long) r.get("cycles")).sum());
    }

    @Test
    void profilesAndCostsAreOptions() {
        AnalysisOptions opts = new AnalysisOptions(List.of(Profile.KVM),
                CostModel.defaults().withFlags(List.of("mmio=1000", "irqchip=0", "pci_cfg=0")));
        List<Map<String, Object>> rows = TableRows.read(Table.EXITS,
                List.of(new CaptureSource("c", TestCaptures.e1000(tmp.resolve("e")))), opts);
        assertEquals(10, rows.size());
        assertEquals(8_000L, rows.stream().mapToLong(r -> (Long) r.get("cycles")).sum());
    }

    @Test
    void captureProfileNumbersEachCaptureAndProfilePairAsTheProfilesTableNamesIt() {
        AnalysisOptions opts = new AnalysisOptions(List.of(Profile.KVM, Profile.TCG), CostModel.defaults());
        List<CaptureSource> caps = List.of(new CaptureSource("a", TestCaptures.e1000(tmp.resolve("a"))),
                new CaptureSource("b", TestCaptures.virtio(tmp.resolve("b"))));
        List<Map<String, Object>> profiles = TableRows.read(Table.PROFILES, caps, opts);
        assertEquals(List.of("a", "a", "b", "b"), column(profiles, "capture"));
        assertEquals(List.of("kvm", "tcg", "kvm", "tcg"), column(profiles, "profile"));
        assertEquals(List.of((short) 0, (short) 1, (short) 2, (short) 3), column(profiles, "capture_profile"));
        Map<Object, Map<String, Object>> byNumber = profiles.stream()
                .collect(Collectors.toMap(r -> r.get("capture_profile"), r -> r));
        List<Map<String, Object>> exits = TableRows.read(Table.EXITS, caps, opts);
        assertEquals(10 + 11 + 4 + 4, exits.size());
        for (Map<String, Object> r : exits) {
            Map<String, Object> named = byNumber.get(r.get("capture_profile"));
            assertEquals(named.get("capture"), r.get("capture"));
            assertEquals(named.get("profile"), r.get("profile"));
        }
    }

    @Test
    void aDoorbellAtABatchBoundaryIsSettledTheSameWay() {
        // many accesses then TDT + TX: the pending TDT row keeps its batch open until its frame arrives
        Path cap = tmp.resolve("b");
        int n = CaptureTableReader.BATCH_ROWS / 3 - 1; // 3 profiles x n reads, then the TDT rows cross the boundary
        try (var w = io.trapline.recorder.CaptureWriter.create(cap, TestCaptures.e1000Metadata())) {
            TestCaptures.frame(w, 0, false, TestCaptures.tcp("1.1.1.1", "2.2.2.2", 1, 2, 0x10, 0));
            for (int i = 0; i < n; i++) {
                w.append(1 + i, io.trapline.recorder.EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 0);
            }
            w.append(n + 10, io.trapline.recorder.EventType.MMIO_WRITE, 0, 0, 0, 4, 0x3818, 1);
            w.append(n + 10, io.trapline.recorder.EventType.DMA_READ, 0, 0, 0, 0, 0x1000, 16, 0, new byte[16], 0, 16);
            TestCaptures.frame(w, n + 10, true, TestCaptures.tcp("2.2.2.2", "1.1.1.1", 2, 1, 0x10, 0));
        }
        List<Map<String, Object>> rows = TableRows.read(Table.EXITS, cap);
        List<Map<String, Object>> tdt = rows.stream().filter(r -> Long.valueOf(0x3818).equals(r.get("offset")))
                .collect(Collectors.toList());
        assertEquals(3, tdt.size());
        for (Map<String, Object> r : tdt) {
            assertEquals(1L, r.get("packet"));
        }
    }
}
