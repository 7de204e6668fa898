package io.trapline.recorder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** A writer killed with SIGKILL mid-append loses nothing that was completely appended, and leaves nothing partial. */
class CrashSafetyTest {
    @TempDir
    Path tmp;

    @Test
    void aReaderGetsEveryCompletelyAppendedEventAfterTheWriterIsKilled() throws Exception {
        killWriterAndReadBack("direct");
    }

    @Test
    void theSameHoldsForTheWriterThreadOfAnAsyncWriter() throws Exception {
        killWriterAndReadBack("async");
    }

    private void killWriterAndReadBack(String mode) throws Exception {
        Path dir = tmp.resolve("crashed-" + mode);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : System.getProperty("trapline.test.jvm.flags", "").split(" ")) {
            if (!flag.isBlank()) {
                cmd.add(flag);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CrashingWriterMain.class.getName());
        cmd.add(dir.toString());
        cmd.add(mode);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        long reported = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("appended ")) {
                    reported = Long.parseLong(line.substring(9));
                    if (reported > 200_000) {
                        break;
                    }
                }
            }
            assertTrue(reported > 200_000, "writer JVM stopped early; last line: " + line);
            p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no close()
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        assertEquals(137, p.exitValue(), "the writer must have died of SIGKILL");

        CaptureMetadata meta = CaptureMetadata.readFrom(dir);
        assertFalse(meta.complete(), "a killed writer never marks the capture complete");
        long n = 0;
        byte[] buf = new byte[1500];
        try (CaptureReader r = CaptureReader.open(dir); EventCursor c = r.cursor()) {
            while (c.next()) {
                long seq = c.sequence();
                assertEquals(n, seq);
                assertEquals(CrashingWriterMain.valueFor(seq), c.value());
                int len = CrashingWriterMain.payloadLengthFor(seq);
                assertEquals(len, c.payloadLength());
                c.copyPayload(buf, 0);
                for (int i = 0; i < len; i++) {
                    assertEquals(CrashingWriterMain.payloadByte(seq, i), buf[i]);
                }
                n++;
            }
        }
        assertTrue(n >= reported, "read " + n + " events, but the writer had reported " + reported);
    }
}
