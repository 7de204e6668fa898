package io.trapline.cli;

import java.nio.file.Files;
import java.io.IOException;
import io.trapline.guest.workload.Workloads;
import io.trapline.emulator.device.DeviceCatalog;
import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.run.GuestRun;
import io.trapline.recorder.embedded.EmbeddedRecorder;
import io.trapline.recorder.embedded.WindowSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code trapline record}: an embedded guest driving a device model through the recording tap. */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = "Record an embedded guest (Linux-like driver model, TCP/IP, workload) driving a NIC model.")
final class RecordCommand implements Callable<Integer> {
    @Option(names = "--nic", required = true, paramLabel = "MODEL", description = "e1000 or virtio-net.")
    String nic;

    @Option(names = "--virtio-transport", paramLabel = "T", description = "virtio-net: modern, legacy or transitional (default).")
    String transport;

    @Option(names = "--msix", paramLabel = "on|off", description = "virtio-net: MSI-X (default on); off = INTx and ISR reads.")
    String msix;

    @Option(names = "--event-idx", paramLabel = "on|off", description = "virtio-net: VIRTIO_F_EVENT_IDX (default on).")
    String eventIdx;

    @Option(names = "--device-option", paramLabel = "KEY=VALUE", split = ",",
            description = "Other device options, e.g. mitigation=off (e1000) or tx_burst=64 (virtio-net).")
    List<String> deviceOptions;

    @Option(names = "--workload", defaultValue = "web", description = "web, keepalive, bulk or rr (default ${DEFAULT-VALUE}).")
    String workload;

    @Option(names = "--requests", paramLabel = "COUNTxSIZE[,...]", description = "web and keepalive: request groups (default 200x1024,20x65536 for web).")
    String requests;

    @Option(names = "--count", paramLabel = "N", description = "bulk and rr: how many transfers / exchanges.")
    String count;

    @Option(names = "--size", paramLabel = "BYTES", description = "bulk and rr: size of each (e.g. 1m, 64k, 100).")
    String size;

    @Option(names = "--profile", defaultValue = "tcg", description = "Platform timing profile: tcg (the shared captures' setup) or kvm (default ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (ISNs, ports); same seed, same capture (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "New capture directory.")
    Path output;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /**
     * Capture bytes per response byte and per request, measured on recordings of both NICs (a 16 MiB response: 28.6 and
     * 26.8 MiB of events; a 1 KiB request about 12 KiB), with room to spare.
     */
    static final long BYTES_PER_BODY_BYTE = 2;
    static final long BYTES_PER_REQUEST = 16 << 10;

    /**
     * Refuses up front a workload whose capture could not fit on the output's file system, instead of filling it:
     * a mistyped size ({@code 1x99999999999}) would otherwise write until the disk is full.
     */
    static void checkRoom(Path output, Workloads.Plan plan, String flag) {
        double need = (double) plan.bodyBytes() * BYTES_PER_BODY_BYTE + (double) plan.requests() * BYTES_PER_REQUEST;
        Path existing = output.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return; // the writer reports a path it cannot make
        }
        long free;
        try {
            free = Files.getFileStore(existing).getUsableSpace();
        } catch (IOException e) {
            return; // no figure to go by: the writer reports a full file system if it comes to that
        }
        if (need > free) {
            throw new UserError(flag + String.format(Locale.ROOT, "the workload's %,d %s for %s of responses; their"
                    + " capture needs about %s, and %s has %s free", plan.requests(),
                    plan.requests() == 1 ? "request asks" : "requests ask", bytes(plan.bodyBytes()),
                    bytes((long) Math.min(need, Long.MAX_VALUE)), existing, bytes(free)));
        }
    }

    @Override
    public Integer call() {
        if (!DeviceCatalog.known(nic)) {
            throw new UserError("--nic: unknown NIC '" + nic + "' (known: e1000, virtio-net)");
        }
        Map<String, Object> config = new LinkedHashMap<>();
        if (deviceOptions != null) {
            for (String kv : deviceOptions) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new UserError("--device-option: '" + kv + "' is not KEY=VALUE");
                }
                config.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        boolean virtio = DeviceCatalog.VIRTIO_NET.equals(nic);
        if (!virtio && (transport != null || msix != null || eventIdx != null)) {
            throw new UserError("--virtio-transport, --msix and --event-idx are virtio-net options, not " + nic + " options");
        }
        if (transport != null) {
            config.put("transport", transport);
        }
        if (msix != null) {
            config.put("vectors", onOff("--msix", msix) ? 4 : 0);
        }
        if (eventIdx != null) {
            config.put("event_idx", onOff("--event-idx", eventIdx) ? "on" : "off");
        }
        try {
            DeviceCatalog.validate(nic, config);
        } catch (IllegalArgumentException e) {
            throw new UserError("--device-option: " + e.getMessage());
        }
        Map<String, String> wopts = new LinkedHashMap<>();
        if (requests != null) {
            wopts.put("requests", requests);
        }
        if (count != null) {
            wopts.put("count", count);
        }
        if (size != null) {
            wopts.put("size", size);
        }
        PlatformProfile platform;
        try {
            platform = PlatformProfile.named(profile);
        } catch (IllegalArgumentException e) {
            throw new UserError("--profile: " + e.getMessage());
        }
        GuestRun.Options options = new GuestRun.Options(nic, config, workload, wopts, platform, seed);
        try {
            checkRoom(output, Workloads.plan(workload, wopts),
                    requests != null ? "--requests: " : count != null || size != null ? "--count, --size: " : "");
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage()); // the workload's own option errors, as the run would give them
        }
        PrintWriter out = spec.commandLine().getOut();
        Progress progress = new Progress();
        EmbeddedRecorder.Recording rec;
        try (Interruption stop = Interruption.on("record", output + " keeps the events written so far and stays"
                + " incomplete (capture.json status \"recording\"); the commands that read it say so", () -> { })) {
            rec = EmbeddedRecorder.record(options, output, Terminal.stderrIsTerminal() ? progress : null);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        } finally {
            progress.clear();
        }
        print(out, rec);
        return rec.run().finished() ? 0 : 1;
    }

    private static boolean onOff(String flag, String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new UserError(flag + ": must be on or off, not '" + v + "'");
        };
    }

    private void print(PrintWriter out, EmbeddedRecorder.Recording rec) {
        WindowSummary w = rec.window();
        var r = rec.run().workload();
        out.printf(Locale.ROOT, "recorded %s (%,d events) — %s on %s, profile %s, seed %d%n", rec.capture(), rec.events(),
                workload, nic, profile, seed);
        if (!rec.run().finished()) {
            out.printf("workload did NOT finish within %s of virtual time (%d of its requests done)%n",
                    Durations.span(GuestRun.LIMIT_NS), r.requests());
        }
        out.printf(Locale.ROOT, "requests   %,d ok, %,d failed, %s of body in %s of virtual time: %.1f requests/s%n",
                r.requestsOk(), r.requestsFailed(), bytes(r.bodyBytes()), Durations.span(r.elapsedNs()), r.requestsPerSecond());
        // What recording costs on this machine: host time to a complete capture, and the capture's size.
        out.printf(Locale.ROOT, "host       %s to a complete capture: %,.0f packets/s; %s of events, %s per packet%n",
                Durations.span(rec.hostNs()), rec.packets() * 1e9 / Math.max(rec.hostNs(), 1), bytes(rec.eventBytes()),
                bytes(rec.eventBytes() / Math.max(rec.packets(), 1)));
        out.println("workload window (work_start .. work_end + 0.25 s):");
        double pk = Math.max(w.packets(), 1);
        double rq = Math.max(w.requests(), 1);
        out.printf(Locale.ROOT, "  %-22s %10s %12s %12s%n", "", "total", "per packet", "per request");
        out.printf(Locale.ROOT, "  %-22s %,10d %12s %12.1f%n", "packets (rx/tx " + w.rxFrames() + "/" + w.txFrames() + ")",
                w.packets(), "", w.packets() / rq);
        out.printf(Locale.ROOT, "  %-22s %,10d %12.2f %12.1f%n", "NIC accesses", w.accesses(), w.accesses() / pk, w.accesses() / rq);
        out.printf(Locale.ROOT, "  %-22s %,10d %12.2f %12.1f%n", "  reads", w.reads(), w.reads() / pk, w.reads() / rq);
        out.printf(Locale.ROOT, "  %-22s %,10d %12.2f %12.1f%n", "  writes", w.writes(), w.writes() / pk, w.writes() / rq);
        out.printf(Locale.ROOT, "  %-22s %,10d %12.2f %12.1f%n", "queue kicks", w.kicks(), w.kicks() / pk, w.kicks() / rq);
        out.printf(Locale.ROOT, "  %-22s %,10d %12.2f %12.1f%n", "interrupts", w.interrupts(), w.interrupts() / pk, w.interrupts() / rq);
    }

    static String bytes(long n) {
        return n >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", n / 1073741824.0)
                : n >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0)
                : n >= 1024 ? String.format(Locale.ROOT, "%.1f KiB", n / 1024.0) : n + " B";
    }

    /** A one-line progress indicator on stderr, for runs long enough to need one. */
    private static final class Progress implements GuestRun.Progress {
        private final long started = System.nanoTime();
        private boolean shown;

        @Override
        public void update(long virtualNs, long requestsDone) {
            if (System.nanoTime() - started < 1_000_000_000L) {
                return;
            }
            shown = true;
            System.err.printf(Locale.ROOT, "\rrecording: virtual time %s, %d requests done   ", Durations.span(virtualNs), requestsDone);
            System.err.flush();
        }

        void clear() {
            if (shown) {
                System.err.print("\r\033[K");
                System.err.flush();
            }
        }
    }
}
