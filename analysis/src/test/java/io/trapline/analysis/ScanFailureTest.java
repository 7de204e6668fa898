package io.trapline.analysis;

import io.trapline.recorder.CaptureException;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOError;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Whatever ends a table's scan on its producer thread reaches the consumer, which otherwise waits for the next batch
 * forever. The timeouts only guard against that hang.
 */
class ScanFailureTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void aCaptureWithAGarbageHeaderFailsEveryTablesScanNamingTheQueueFile() throws Exception {
        Path cap = TestCaptures.e1000(tmp.resolve("c"));
        Path file;
        try (Stream<Path> files = Files.list(cap.resolve("events"))) {
            file = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        byte[] garbage = new byte[100_000];
        new SplittableRandom(0).nextBytes(garbage); // its first word reads as a complete metadata document, longer than the file
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(garbage);
        }
        for (Table t : Table.values()) {
            try (RootAllocator a = new RootAllocator();
                 CaptureTableReader r = new CaptureTableReader(a, t, List.of(new CaptureSource("c", cap)),
                         AnalysisOptions.defaults())) {
                CaptureException e = assertTimeoutPreemptively(HANG_GUARD,
                        () -> assertThrows(CaptureException.class, r::loadNextBatch), t.label());
                assertTrue(e.getMessage().startsWith(file + ": not a readable event queue (damaged header: "),
                        e.getMessage());
                assertSame(e, r.failure(), "kept for the caller to report as itself");
            }
        }
    }

    @Test
    void aFailureThatIsNotARuntimeExceptionReachesTheConsumer() throws Exception {
        // a capture path whose file system fails with an Error: thrown on the producer thread, as a library's
        // Error (or a checked exception thrown undeclared) would be
        Path broken = (Path) Proxy.newProxyInstance(Path.class.getClassLoader(), new Class<?>[] {Path.class},
                (proxy, method, args) -> {
                    throw new IOError(new IOException("the file system went away"));
                });
        try (RootAllocator a = new RootAllocator();
             CaptureTableReader r = new CaptureTableReader(a, Table.EVENTS, List.of(new CaptureSource("c", broken)),
                     AnalysisOptions.defaults())) {
            IOError e = assertTimeoutPreemptively(HANG_GUARD, () -> assertThrows(IOError.class, r::loadNextBatch));
            assertEquals("the file system went away", e.getCause().getMessage());
            assertFalse(r.loadNextBatch(), "the scan has ended");
        }
    }
}
