package io.trapline.cli;

import io.trapline.recorder.CaptureMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A command stopped from outside (SIGTERM here; Ctrl-C's SIGINT runs the same shutdown) says in one line what it
 * leaves: a recording keeps what was written, marked incomplete; an export leaves nothing. Runs the CLI as a process of
 * its own, since the stop ends that JVM.
 */
class InterruptionTest {
    @TempDir
    Path tmp;

    private static Process start(Path err, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-D")) { // the module flags Chronicle and Arrow need
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Trapline.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
    }

    private static void await(Process p, BooleanSupplier ready) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ready.getAsBoolean()) {
            assertTrue(p.isAlive(), "the command ended before it could be stopped");
            assertTrue(System.nanoTime() < deadline, "never got going");
            Thread.sleep(20);
        }
    }

    private static int stop(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stopped");
        return p.exitValue();
    }

    @Test
    void aStoppedRecordingSaysItKeepsWhatWasWrittenAndStaysIncomplete() throws Exception {
        Path cap = tmp.resolve("cap");
        Path err = tmp.resolve("err");
        Process p = start(err, "record", "--nic", "e1000", "--requests", "1000000x1024", "-o", cap.toString());
        await(p, () -> {
            try (Stream<Path> files = Files.exists(cap.resolve("events")) ? Files.list(cap.resolve("events")) : Stream.empty()) {
                return files.anyMatch(f -> f.toString().endsWith(".cq4"));
            } catch (Exception e) {
                return false;
            }
        });
        Thread.sleep(500);
        assertEquals(Interruption.INTERRUPTED, stop(p));
        assertEquals(List.of("trapline record: interrupted; " + cap + " keeps the events written so far and stays"
                + " incomplete (capture.json status \"recording\"); the commands that read it say so"),
                Files.readAllLines(err, StandardCharsets.UTF_8));
        assertFalse(CaptureMetadata.readFrom(cap).complete());
        CliRun info = CliRun.of("info", cap.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("incomplete"), info.out());
    }

    @Test
    void aStoppedExportLeavesNothingBehind() throws Exception {
        Path cap = tmp.resolve("cap");
        assertEquals(0, CliRun.of("record", "--nic", "virtio-net", "--requests", "2000x1024,100x65536", "-o", cap.toString()).code());
        Path out = tmp.resolve("tables");
        Path err = tmp.resolve("err");
        Process p = start(err, "export", cap.toString(), "--format", "csv",
                "-o", out.toString());
        await(p, () -> {
            try (Stream<Path> files = Files.list(tmp)) {
                return files.anyMatch(f -> f.getFileName().toString().startsWith("tables.") && f.toString().endsWith(".part"));
            } catch (Exception e) {
                return false;
            }
        });
        Thread.sleep(200);
        int code = stop(p);
        List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
        assertEquals(Interruption.INTERRUPTED, code, "stopped while exporting: " + lines);
        assertEquals(List.of("trapline export: interrupted; nothing written to " + out), lines);
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of("cap", "err"), files.map(f -> f.getFileName().toString()).sorted().toList(),
                    "neither the target nor the part directory is left");
        }
    }
}
