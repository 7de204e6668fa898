package io.trapline.recorder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A capture is whole once {@link CaptureWriter#complete} returns: the queue is closed afterwards (by the writer thread,
 * once the recording thread has gone on), and closing it must not change a byte of the capture.
 */
class CloseOrderTest {
    @TempDir
    Path tmp;

    @Test
    void closingTheQueueAfterTheCaptureIsCompleteChangesNoFile() throws Exception {
        Path dir = tmp.resolve("c");
        CaptureWriter w = CaptureWriter.createBatched(dir, CaptureFixture.metadata());
        byte[] payload = new byte[3000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 13);
        }
        for (int i = 0; i < 20_000; i++) {
            w.append(i, i % 2 == 0 ? EventType.MMIO_WRITE : EventType.DMA_WRITE, 0, 0, 0, i % 2 == 0 ? 4 : 0, i, i, 0,
                    payload, i % 100, i % 2 == 0 ? 0 : i % 2900);
        }
        w.complete(UnaryOperator.identity());

        assertTrue(CaptureMetadata.readFrom(dir).complete());
        String whileOpen = AsyncCaptureWriterTest.streamHash(dir);
        Map<String, String> files = fileHashes(dir);
        w.releaseQueue();
        assertEquals(files, fileHashes(dir), "the queue's close writes nothing");
        assertEquals(whileOpen, AsyncCaptureWriterTest.streamHash(dir));
        assertEquals(20_000, CaptureMetadata.readFrom(dir).events().count());
    }

    @Test
    void aCloseWhoseUpdateThrowsLeavesTheWriterOpen() throws Exception {
        Path dir = tmp.resolve("u");
        CaptureWriter w = CaptureWriter.create(dir, CaptureFixture.metadata());
        w.append(1, EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 1);
        assertThrows(IllegalStateException.class, () -> w.close(m -> {
            throw new IllegalStateException("no BARs yet");
        }));
        w.append(2, EventType.MMIO_READ, 0, 0, 0, 4, 0x8, 2);
        w.close();
        assertEquals(2, CaptureMetadata.readFrom(dir).events().count());
    }

    private static Map<String, String> fileHashes(Path dir) throws Exception {
        Map<String, String> hashes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                byte[] bytes = Files.readAllBytes(p);
                hashes.put(dir.relativize(p) + " " + bytes.length,
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
            }
        }
        return hashes;
    }
}
