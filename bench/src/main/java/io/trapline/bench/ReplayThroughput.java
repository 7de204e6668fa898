package io.trapline.bench;

import io.trapline.emulator.device.DeviceCatalog;
import io.trapline.emulator.e1000.E1000Config;
import io.trapline.emulator.e1000.E1000Registers;
import io.trapline.emulator.machine.Machine;
import io.trapline.emulator.machine.PciSlot;
import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.run.GuestRun;
import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.CaptureWriter;
import io.trapline.recorder.RecordingTap;
import io.trapline.recorder.embedded.EmbeddedRecorder;
import io.trapline.replay.ReplayOptions;
import io.trapline.replay.ReplayResult;
import io.trapline.replay.Replayer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Scripted benchmark for replay: events per second for a register-only capture (the e1000 interrupt path and
 * link polling, 2 million accesses, no DMA) and for a full embedded web capture (DMA, frames, interrupts).
 * Best and median of ten after five seconds of warm-up. Run:
 * {@code java $FLAGS -cp bench/target/benchmarks.jar io.trapline.bench.ReplayThroughput [CAPTURE...]}; with captures given, replays those instead (e.g. the same run recorded in two format versions).
 */
public final class ReplayThroughput {
    private static final long WARMUP_NS = 5_000_000_000L;
    private static final int MEASURED = 10;

    private ReplayThroughput() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length > 0) {
            for (String capture : args) {
                report(capture, Path.of(capture));
            }
            return;
        }
        Path work = Files.createTempDirectory("replay-bench");
        try {
            Path registers = registerOnly(work.resolve("registers"), 2_000_000);
            Path full = work.resolve("web");
            EmbeddedRecorder.record(new GuestRun.Options("e1000", Map.of(), "web", Map.of("requests", "400x1024,40x65536"),
                    PlatformProfile.tcg(), 1), full, null);
            report("register-only (e1000 ICR/IMC/STATUS/IMS)", registers);
            report("full embedded web capture (e1000)", full);
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Replays until {@link #WARMUP_NS} of replaying have passed (a web capture replays in about 25 ms, so a fixed few
     * rounds left some JVMs still compiling: the best of five moved between 2.4 and 3.8 M events/s from one launch to
     * the next), then {@link #MEASURED} more; prints the best and the median of those.
     */
    private static void report(String what, Path capture) {
        long events = 0;
        double[] rates = new double[MEASURED];
        int measured = 0;
        long warmStart = System.nanoTime();
        for (int round = 0; measured < MEASURED; round++) {
            try (CaptureReader r = CaptureReader.open(capture)) {
                ReplayResult result = Replayer.replay(r, ReplayOptions.defaults());
                if (!result.identical()) {
                    throw new IllegalStateException("divergent: " + result.divergences().get(0));
                }
                events = result.events();
                if (round >= 3 && System.nanoTime() - warmStart >= WARMUP_NS) {
                    rates[measured++] = result.eventsPerSecond();
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s: %,d events, best %,.0f events/s, median %,.0f%n", what, events,
                Arrays.stream(rates).max().orElseThrow(), MedianRatio.median(rates));
    }

    /** The five accesses of Linux's e1000 interrupt handler, over and over, recorded through the tap. */
    static Path registerOnly(Path dir, int accesses) {
        E1000Config config = E1000Config.defaults();
        CaptureMetadata meta = CaptureMetadata.create(new CaptureMetadata.Source("test", "ReplayThroughput", null),
                new CaptureMetadata.Clock("virtual", null), "bench", null,
                List.of(new CaptureMetadata.DeviceInfo(0, "e1000", null, DeviceCatalog.describe(config), null, List.of())));
        Machine m = new Machine(16L << 20);
        try (CaptureWriter w = CaptureWriter.create(dir, meta)) {
            PciSlot slot = m.plug(ctx -> DeviceCatalog.create("e1000", DeviceCatalog.describe(config), ctx), new RecordingTap(w));
            var nic = slot.device();
            for (int i = 0; i < accesses; i += 5) {
                nic.read(0, E1000Registers.ICR, 4);
                nic.write(0, E1000Registers.IMC, 4, 0xFFFF_FFFFL);
                nic.read(0, E1000Registers.STATUS, 4);
                nic.write(0, E1000Registers.IMS, 4, 0x9D);
                nic.read(0, E1000Registers.STATUS, 4);
                m.scheduler().runUntil(m.scheduler().now() + 1000);
            }
        }
        return dir;
    }
}
