package io.trapline.bench;

import io.trapline.emulator.device.BoundaryTap;
import io.trapline.guest.platform.PlatformProfile;
import io.trapline.guest.run.GuestRun;
import io.trapline.guest.workload.MarkListener;
import io.trapline.recorder.embedded.EmbeddedRecorder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Scripted benchmark for {@code trapline record}: guest packets per second of host time for the web workload,
 * with the recording tap and capture writer on, and with no tap at all. Warms up, then takes the best of five.
 * Run: {@code java $FLAGS -cp bench/target/benchmarks.jar io.trapline.bench.RecordThroughput [e1000|virtio-net]}.
 */
public final class RecordThroughput {
    private RecordThroughput() {
    }

    public static void main(String[] args) throws IOException {
        String nic = args.length > 0 ? args[0] : "e1000";
        GuestRun.Options options = new GuestRun.Options(nic, Map.of(), "web", Map.of("requests", System.getProperty("requests", "400x1024,40x65536")),
                PlatformProfile.tcg(), 1);
        double bestOff = 0;
        double bestOn = 0;
        long packets = 0;
        for (int round = 0; round < 8; round++) {
            long t0 = System.nanoTime();
            GuestRun.Result r = GuestRun.run(options, BoundaryTap.NONE, MarkListener.NONE, null);
            long off = System.nanoTime() - t0;
            Path dir = Files.createTempDirectory("record-bench");
            Files.delete(dir);
            t0 = System.nanoTime();
            EmbeddedRecorder.Recording rec = EmbeddedRecorder.record(options, dir, null);
            long on = System.nanoTime() - t0;
            packets = rec.window().packets();
            delete(dir);
            if (round >= 3) {
                bestOff = Math.max(bestOff, packets * 1e9 / off);
                bestOn = Math.max(bestOn, packets * 1e9 / on);
            }
            if (!r.finished()) {
                throw new IllegalStateException("workload did not finish");
            }
        }
        System.out.printf(Locale.ROOT, "%s web " + System.getProperty("requests", "400x1024,40x65536") + ": %d packets; recording off %.0f packets/s, on %.0f packets/s"
                + " (recording costs %.0f%%)%n", nic, packets, bestOff, bestOn, 100 * (bestOff / bestOn - 1));
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
