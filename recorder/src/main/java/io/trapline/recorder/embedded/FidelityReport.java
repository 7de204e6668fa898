package io.trapline.recorder.embedded;

import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.run.GuestRun;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.qemu.QemuImportOptions;
import io.trapline.recorder.qemu.QemuTraceImporter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How close the embedded guest is to the real one: records the shared captures' {@code web} workload with the
 * {@code tcg} profile on each NIC, imports the real QEMU 7.2 runs of the same workload, and compares per request
 * size (1 KiB and 64 KiB phases): packets per request, NIC accesses per request and interrupts per packet.
 */
public final class FidelityReport {
    /** The shared captures' request groups and their phase names in the imported and in the embedded captures. */
    static final String[][] PHASES = {{"small", "200x1024", "200"}, {"large", "20x65536", "20"}};
    /** The bound the model is held to (issue: within +-15%). */
    public static final double BOUND = 0.15;

    public record Row(String nic, String size, String metric, double real, double model) {
        public double deviation() {
            return real == 0 ? (model == 0 ? 0 : 1) : (model - real) / real;
        }
    }

    public record Report(List<Row> rows, Map<String, Long> realE1000Registers, Map<String, Long> modelE1000Registers,
                         WindowSummary realVirtioWindow, WindowSummary modelVirtioWindow) {
    }

    private FidelityReport() {
    }

    /** Builds the report; {@code sharedCaptures} is the qemu-7.2-tcg folder, {@code work} a scratch directory. */
    public static Report build(Path sharedCaptures, Path work) {
        List<Row> rows = new ArrayList<>();
        Map<String, Long> realRegs = null;
        Map<String, Long> modelRegs = null;
        WindowSummary realVirtio = null;
        WindowSummary modelVirtio = null;
        for (String[] nic : new String[][] {{"e1000", "e1000"}, {"virtio-net", "virtio"}}) {
            Path real = work.resolve("real-" + nic[1]);
            Path dir = sharedCaptures.resolve(nic[1]);
            QemuTraceImporter.run(QemuImportOptions.of(dir.resolve("trace.log.xz"), real)
                    .withPhases(dir.resolve("phases.txt")).withPcap(dir.resolve("packets.pcap")));
            Path model = work.resolve("model-" + nic[1]);
            EmbeddedRecorder.record(new GuestRun.Options(nic[0], Map.of(), "web", Map.of(), PlatformProfile.tcg(), 1),
                    model, null);
            try (CaptureReader r = CaptureReader.open(real); CaptureReader m = CaptureReader.open(model)) {
                for (String[] phase : PHASES) {
                    WindowSummary a = WindowSummary.ofPhase(r, phase[0]);
                    WindowSummary b = WindowSummary.ofPhase(m, phase[1]);
                    double requests = Double.parseDouble(phase[2]);
                    String size = phase[1].substring(phase[1].indexOf('x') + 1).equals("1024") ? "1 KiB" : "64 KiB";
                    rows.add(new Row(nic[0], size, "packets per request", a.packets() / requests, b.packets() / requests));
                    rows.add(new Row(nic[0], size, "NIC accesses per request", a.accesses() / requests, b.accesses() / requests));
                    rows.add(new Row(nic[0], size, "interrupts per packet", (double) a.interrupts() / a.packets(),
                            (double) b.interrupts() / b.packets()));
                }
                WindowSummary ra = WindowSummary.of(r, GuestRun.TAIL_NS);
                WindowSummary mb = WindowSummary.of(m, GuestRun.TAIL_NS);
                if (nic[0].equals("e1000")) {
                    realRegs = ra.byRegister();
                    modelRegs = mb.byRegister();
                } else {
                    realVirtio = ra;
                    modelVirtio = mb;
                }
            }
        }
        return new Report(rows, realRegs, modelRegs, realVirtio, modelVirtio);
    }

    /** The side-by-side table in Markdown. */
    public static String markdown(Report report) {
        StringBuilder sb = new StringBuilder();
        sb.append("| NIC | request size | metric | real (QEMU 7.2, Linux 6.1) | model | deviation |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (Row r : report.rows()) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f | %+.1f%% |%n", r.nic(), r.size(), r.metric(),
                    r.real(), r.model(), 100 * r.deviation()));
        }
        sb.append("\ne1000 registers in the workload window (real / model):\n\n| access | real | model |\n|---|---|---|\n");
        for (String reg : new String[] {"R STATUS", "R ICR", "W IMC", "W IMS", "W RDT", "W TDT", "W ITR"}) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d |%n", reg, report.realE1000Registers().getOrDefault(reg, 0L),
                    report.modelE1000Registers().getOrDefault(reg, 0L)));
        }
        sb.append(String.format(Locale.ROOT, "%nvirtio-net in the workload window: kicks real %d / model %d, register reads "
                        + "real %d / model %d (no ISR reads under MSI-X)%n", report.realVirtioWindow().kicks(),
                report.modelVirtioWindow().kicks(), report.realVirtioWindow().reads(), report.modelVirtioWindow().reads()));
        return sb.toString();
    }

    /** Deletes the scratch captures. */
    public static void clean(Path work) {
        if (!Files.exists(work)) {
            return;
        }
        try (Stream<Path> s = Files.walk(work)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
