package io.trapline.recorder.embedded;

import io.trapline.emulator.device.BoundaryTap;
import io.trapline.emulator.device.Device;
import io.trapline.emulator.device.DeviceCatalog;
import io.trapline.emulator.device.DeviceContext;
import io.trapline.emulator.pci.BarKind;
import io.trapline.emulator.pci.PciConfigSpace;
import io.trapline.emulator.virtio.net.VirtioNet;
import io.trapline.guest.kernel.PlatformTap;
import io.trapline.guest.run.GuestRun;
import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.AsyncCaptureWriter;
import io.trapline.recorder.CaptureException;
import io.trapline.recorder.EventType;
import io.trapline.recorder.RecordingTap;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * {@code trapline record}: runs the embedded guest (driver model, TCP/IP, workload) against a device model with the
 * recording tap on its boundary, and writes everything into a capture. Same options and seed give the same events,
 * byte for byte: the run lives in virtual time and draws randomness only from the seed.
 */
public final class EmbeddedRecorder {
    private EmbeddedRecorder() {
    }

    /**
     * Region of the guest's local APIC accesses (OTHER_WRITE events, the EOI closing each interrupt); named as
     * analysis expects interrupt-controller regions (imported QEMU traces call the same MMIO region apic-msi).
     */
    static final String APIC_REGION_NAME = "apic";

    /**
     * The outcome: the run and the workload window's counts; the capture's size ({@code eventBytes}: headers and
     * payloads) and the frames of the whole run ({@code packets}); {@code hostNs}, the host time from the call to a
     * complete capture. For benchmarks, {@code writerCpuNs} gives the CPU time of the capture's writer thread (it
     * waits for that thread to close the queue, which it does once the capture is complete: ask after timing) and
     * {@code closeNs} is how long closing the capture took the recording thread once the guest was done (writing what
     * the writer thread had not yet written, capture.json).
     */
    public record Recording(Path capture, GuestRun.Result run, WindowSummary window, long events, long eventBytes,
                            long packets, long hostNs, LongSupplier writerCpuNs, long closeNs) {
    }

    public static Recording record(GuestRun.Options options, Path output, GuestRun.Progress progress) {
        long started = System.nanoTime();
        Map<String, Object> config = new LinkedHashMap<>(GuestRun.deviceConfig(options));
        String transport = null;
        if (DeviceCatalog.VIRTIO_NET.equals(options.nic())) {
            var vc = DeviceCatalog.virtioNetConfig(config);
            config = new LinkedHashMap<>(DeviceCatalog.describe(vc));
            transport = DeviceCatalog.transportName(vc.mode());
        } else if (DeviceCatalog.E1000.equals(options.nic())) {
            config = new LinkedHashMap<>(DeviceCatalog.describe(DeviceCatalog.e1000Config(config)));
        }
        Map<String, Object> workloadOptions = new LinkedHashMap<>(options.workloadOptions());
        workloadOptions.put("profile", options.profile().name());
        CaptureMetadata meta = CaptureMetadata.create(
                new CaptureMetadata.Source("embedded", "trapline record: embedded Linux-like guest driver model",
                        CaptureMetadata.map("profile", options.profile().name(), "nic", options.nic())),
                new CaptureMetadata.Clock("virtual", null), Instant.now().toString(),
                new CaptureMetadata.Workload(options.workload(), options.seed(), workloadOptions),
                List.of(new CaptureMetadata.DeviceInfo(0, options.nic(), transport, config, null, List.of())))
                .withRegions(List.of(APIC_REGION_NAME)); // known up front: written with the first capture.json
        GuestRun.Options resolved = new GuestRun.Options(options.nic(), config, options.workload(),
                options.workloadOptions(), options.profile(), options.seed());
        GuestRun.check(resolved); // bad options are reported before anything exists on disk
        Device[] nic = new Device[1]; // the NIC model itself: its BARs and negotiated features go in capture.json
        // The window's counts are taken on the writer thread as events go by: no read-back of the capture. The tally
        // is made on that thread too (AsyncCaptureWriter.create says why).
        AtomicReference<WindowTally> window = new AtomicReference<>();
        AsyncCaptureWriter writer = AsyncCaptureWriter.create(output, meta,
                () -> {
                    WindowTally tally = new WindowTally(GuestRun.TAIL_NS);
                    window.set(tally);
                    return tally;
                }, AsyncCaptureWriter.DEFAULT_RING_BYTES);
        GuestRun.Result result;
        try {
            RecordingTap tap = new RecordingTap(writer);
            int apic = writer.region(APIC_REGION_NAME);
            result = GuestRun.run(resolved, new BoundaryTap() {
                @Override
                public DeviceContext wrapContext(int deviceIndex, DeviceContext context) {
                    return tap.wrapContext(deviceIndex, context);
                }

                @Override
                public Device wrapDevice(int deviceIndex, Device device) {
                    nic[0] = device;
                    return tap.wrapDevice(deviceIndex, device);
                }
            }, new CaptureMarks(writer), timeNs -> writer.append(timeNs, EventType.OTHER_WRITE, 0, 0, apic, 4,
                    PlatformTap.LAPIC_EOI, 0), progress);
        } catch (CaptureException e) {
            closeAfterWriterFailure(writer, e);
            throw e; // the capture could not be written: it keeps what it holds (status "recording")
        } catch (Throwable t) {
            throw runFailed(writer, output, t);
        }
        long events = writer.count();
        long closing = System.nanoTime();
        writer.close(m -> withDeviceState(m, nic[0])); // what the guest programmed and accepted, known only now
        long closed = System.nanoTime();
        WindowTally tally = window.get();
        return new Recording(output, result, tally.summary(meta), events, writer.eventBytes(), tally.packets(),
                closed - started, writer::writerCpuNanos, closed - closing);
    }

    private static void closeAfterWriterFailure(AsyncCaptureWriter writer, CaptureException e) {
        try {
            writer.close();
        } catch (RuntimeException again) {
            e.addSuppressed(again);
        }
    }

    /**
     * The run stopped with an exception or error (a device model or guest bug, out of memory): what was recorded
     * is kept, marked incomplete, and one message says so. Out of memory is survivable here: the run's objects are
     * unreachable once its stack has unwound.
     */
    private static CaptureException runFailed(AsyncCaptureWriter writer, Path output, Throwable t) {
        String kept;
        try {
            kept = String.format(Locale.ROOT, "the %,d events recorded before it are in the capture, marked incomplete",
                    writer.closeIncomplete());
        } catch (RuntimeException e) {
            t.addSuppressed(e);
            kept = "the capture could not be closed either (" + e.getMessage() + ")";
        }
        String why = t instanceof OutOfMemoryError
                ? "out of memory (Java heap " + (Runtime.getRuntime().maxMemory() >> 20)
                        + " MiB; give it more with -Xmx, for the trapline launcher in TRAPLINE_JAVA_OPTS)"
                : t.getClass().getSimpleName() + ": " + t.getMessage();
        return new CaptureException(output + ": the run stopped: " + why + "; " + kept, t);
    }

    /** The BARs as the guest programmed them and, for virtio, the features it accepted. */
    private static CaptureMetadata withDeviceState(CaptureMetadata meta, Device device) {
        PciConfigSpace pci = device.pciConfig();
        List<CaptureMetadata.Bar> bars = new ArrayList<>();
        for (int i = 0; i < PciConfigSpace.BAR_COUNT; i++) {
            BarKind kind = pci.barKind(i);
            if (kind != null) {
                bars.add(new CaptureMetadata.Bar(i, kind == BarKind.IO ? "io" : "mmio", pci.barAddress(i), pci.barSize(i)));
            }
        }
        CaptureMetadata.DeviceInfo d = meta.devices().get(0);
        CaptureMetadata.DeviceInfo programmed = new CaptureMetadata.DeviceInfo(d.index(), d.model(), d.transport(),
                d.config(), device instanceof VirtioNet v ? Long.valueOf(v.negotiatedFeatures()) : d.negotiatedFeatures(), bars);
        return new CaptureMetadata(meta.format(), meta.tool(), meta.source(), meta.clock(), meta.startedAt(),
                meta.workload(), List.of(programmed), meta.regions(), meta.status(), meta.events());
    }
}
