package io.trapline.recorder;

import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * How a capture's events sit in Chronicle Queue: one queue in {@code events/}, one roll cycle only. The queue's
 * clock is pinned to the epoch so the cycle (and so the file name) never depends on when a capture was made,
 * and HUGE_DAILY's cycle holds far more events than any capture will.
 */
final class EventQueue {
    static final String DIRECTORY = "events";
    /** Chronicle's table of the queue's metadata (roll cycle, index settings), beside the data file. */
    static final String METADATA_FILE = "metadata.cq4t";
    /** Chronicle maps and grows the file in blocks; files are always a whole number of MiB long. */
    static final long BLOCK_SIZE = 64L << 20;
    static final long FILE_GRANULE = 1L << 20;

    private EventQueue() {
    }

    static SingleChronicleQueue open(Path eventsDir, boolean readOnly) {
        return SingleChronicleQueueBuilder.binary(eventsDir)
                .rollCycle(LargeRollCycles.HUGE_DAILY)
                .timeProvider(new SetTimeProvider(0))
                .blockSize(BLOCK_SIZE)
                .readOnly(readOnly)
                .build();
    }

    /** The queue data files ({@code *.cq4}) in {@code eventsDir}, sorted by name. */
    static List<Path> dataFiles(Path eventsDir) {
        try (Stream<Path> files = Files.list(eventsDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".cq4")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new CaptureException(eventsDir + ": cannot list event files: " + IoErrors.describe(e), e);
        }
    }
}
