package io.trapline.cli;

import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.run.GuestRun;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.CapturePaths;
import io.trapline.recorder.IoErrors;
import io.trapline.recorder.embedded.EmbeddedRecorder;
import io.trapline.recorder.qemu.QemuImportOptions;
import io.trapline.recorder.qemu.QemuTraceImporter;
import io.trapline.replay.ReplayOptions;
import io.trapline.replay.ReplayResult;
import io.trapline.replay.Replayer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code trapline demo}: the question trapline exists for, answered end to end. Records the web workload on an
 * emulated e1000 and on a paravirtual virtio-net, replays both (every output checked), imports the real QEMU
 * runs shipped in samples/ when present, and prints what each costs per packet, side by side.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Record the web workload on e1000 and on virtio-net, replay both, and compare what each costs",
                "per packet (with the real QEMU 7.2 captures from samples/ alongside when present)."})
final class DemoCommand implements Callable<Integer> {
    private static final List<String> OUTPUTS = List.of("e1000", "virtio-net", "real-e1000", "real-virtio");
    /** Left in a directory the demo made: only such a directory (or a new or empty one) is written to. */
    static final String MARKER = ".trapline-demo";

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "trapline-demo",
            description = "Where the captures go (default ${DEFAULT-VALUE}): a new or empty directory, or one an earlier demo made, whose captures are replaced.")
    Path dir;

    @Option(names = "--requests", paramLabel = "COUNTxSIZE[,...]", defaultValue = "200x1024,20x65536",
            description = "The web workload (default ${DEFAULT-VALUE}, the shared captures' workload).")
    String requests;

    @Option(names = "--profile", defaultValue = "tcg", description = "Platform profile for the embedded runs (default ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--samples", paramLabel = "DIR",
            description = "Real QEMU inputs to import (default: samples/qemu-7.2-tcg of this checkout, if present).")
    Path samples;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PlatformProfile platform;
        try {
            platform = PlatformProfile.named(profile);
        } catch (IllegalArgumentException e) {
            throw new UserError("--profile: " + e.getMessage());
        }
        for (String nic : new String[] {"e1000", "virtio-net"}) {
            try { // before anything is made on disk
                GuestRun.check(new GuestRun.Options(nic, Map.of(), "web", Map.of("requests", requests), platform, 1));
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage()); // names --requests itself
            }
        }
        prepare();
        List<String> analyzeArgs = new ArrayList<>(List.of("analyze"));
        for (String nic : new String[] {"e1000", "virtio-net"}) {
            Path capture = dir.resolve(nic);
            EmbeddedRecorder.Recording rec;
            try {
                rec = EmbeddedRecorder.record(new GuestRun.Options(nic, Map.of(), "web", Map.of("requests", requests),
                        platform, 1), capture, null);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            out.printf(Locale.ROOT, "recorded %-10s %s: %,d events, %d requests in %s of virtual time (%s of host time)%n",
                    nic, capture, rec.events(), rec.run().workload().requests(),
                    Durations.span(rec.run().workload().elapsedNs()), Durations.span(rec.hostNs()));
            try (CaptureReader r = CaptureReader.open(capture)) {
                ReplayResult result = Replayer.replay(r, ReplayOptions.defaults());
                out.printf(Locale.ROOT, "replayed %-10s %,d outputs checked: %d divergences%n", nic, result.outputsChecked(),
                        result.divergences().size());
                if (!result.identical()) {
                    return 1;
                }
            }
            analyzeArgs.add(nic + "=" + capture);
        }
        Path real = samples != null ? samples : Checkout.existing("samples/qemu-7.2-tcg");
        if (real != null) {
            for (String[] run : new String[][] {{"e1000", "real-e1000"}, {"virtio", "real-virtio"}}) {
                Path in = real.resolve(run[0]);
                Path trace = in.resolve("trace.log.xz");
                if (!Files.isRegularFile(trace)) {
                    continue;
                }
                QemuImportOptions o = QemuImportOptions.of(trace, dir.resolve(run[1])).withPhases(in.resolve("phases.txt"));
                Path pcap = Files.isRegularFile(in.resolve("packets.pcap.xz")) ? in.resolve("packets.pcap.xz") : in.resolve("packets.pcap");
                if (Files.isRegularFile(pcap)) {
                    o = o.withPcap(pcap);
                }
                QemuTraceImporter.run(o);
                out.printf("imported %-10s %s (real QEMU 7.2 run of Linux 6.1's driver, %s)%n", run[1], dir.resolve(run[1]), in);
                analyzeArgs.add(run[1] + "=" + dir.resolve(run[1]));
            }
        }
        out.println();
        out.println("What each device model costs in the measured window (trapline " + String.join(" ", analyzeArgs) + "):");
        out.flush();
        return spec.parent().commandLine().execute(analyzeArgs.toArray(new String[0]));
    }

    /**
     * Makes {@code dir} ready for the demo's captures. The demo replaces captures only in a directory it made itself
     * (it leaves {@link #MARKER} there): anything else the user keeps there, or a capture, is never touched.
     */
    private void prepare() throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError("--dir: " + dir + " exists and is not a directory");
        }
        if (samples != null && !Files.isDirectory(samples)) {
            throw new UserError("--samples: " + samples + " is not a directory (expected e1000/ and virtio/ with trace.log.xz)");
        }
        Path capture = CapturePaths.enclosingCapture(dir);
        if (capture != null || CapturePaths.isCapture(dir)) {
            throw new UserError("--dir: " + dir + (capture != null ? " is inside capture " + capture : " is a capture")
                    + " (the demo never writes into a capture)");
        }
        boolean ours = Files.isRegularFile(dir.resolve(MARKER)) || madeByAnEarlierDemo(dir);
        if (!ours && Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new UserError("--dir: " + dir + " is not empty and was not made by trapline demo (no " + MARKER
                            + " in it); not writing into it (name a new or empty directory)");
                }
            }
        }
        try {
            Files.createDirectories(dir);
            if (!Files.isRegularFile(dir.resolve(MARKER))) {
                Files.writeString(dir.resolve(MARKER), "made by trapline demo: it replaces the captures in this directory on every run\n");
            }
        } catch (IOException e) {
            throw new UserError("--dir: cannot create " + dir + ": " + IoErrors.describe(e));
        }
        for (String name : OUTPUTS) {
            Path p = dir.resolve(name);
            if (Files.exists(p)) {
                if (!Files.exists(p.resolve("capture.json"))) {
                    throw new UserError("--dir: " + p + " exists and is not a capture; not replacing it");
                }
                try (Stream<Path> s = Files.walk(p)) {
                    s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    /**
     * A directory an earlier demo made before it left its marker: exactly its four captures, nothing else (no user
     * recording makes that set), so that running the README's first command again still works.
     */
    private static boolean madeByAnEarlierDemo(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            List<String> names = entries.map(p -> p.getFileName().toString()).sorted().toList();
            return names.equals(OUTPUTS.stream().sorted().toList())
                    && OUTPUTS.stream().allMatch(n -> CapturePaths.isCapture(dir.resolve(n)));
        }
    }
}
