package io.trapline.recorder.embedded;

import io.trapline.guest.run.GuestRun;
import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.CaptureWriter;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventFlags;
import io.trapline.recorder.EventLayout;
import io.trapline.recorder.EventType;
import io.trapline.recorder.MarkKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/** The live tally gives what {@link WindowSummary#of} reads back from the capture. */
class WindowTallyTest {
    private static final long TAIL = 1000;

    @TempDir
    Path tmp;

    /** Writes the same events to a capture and to a tally. */
    private static final class Both {
        final CaptureWriter writer;
        final WindowTally tally = new WindowTally(TAIL);

        Both(CaptureWriter writer) {
            this.writer = writer;
        }

        void event(long t, EventType type, int region, long address, long value, int flags) {
            writer.append(t, type, 0, 0, region, 4, address, value, flags, null, 0, 0);
            tally.append(t, type, 0, 0, region, 4, address, value, flags, null, 0, 0);
        }

        void mark(long t, MarkKind kind, String name) {
            byte[] b = name.getBytes(StandardCharsets.UTF_8);
            writer.append(t, EventType.MARK, 0, 0, 0, 0, 0, kind.code(), 0, b, 0, b.length);
            tally.append(t, EventType.MARK, 0, 0, 0, 0, 0, kind.code(), 0, b, 0, b.length);
        }

        /** A little of everything the summary counts. */
        void traffic(long t) {
            event(t, EventType.MMIO_READ, 0, 0x8, 0x80080783L, 0);       // STATUS
            event(t, EventType.MMIO_WRITE, 0, 0x3818, 3, 0);             // TDT
            event(t, EventType.MMIO_WRITE, 0, 0x5200 + 4 * (t % 4), 0, 0); // MTA[n]
            event(t, EventType.FRAME_RX, 0, 0, 60, 0);
            event(t, EventType.FRAME_RX, 0, 0, 60, EventFlags.REFUSED);
            event(t, EventType.FRAME_TX, 0, 0, 60, 0);
            event(t, EventType.INTX, 0, 0, 1, 0);
            event(t, EventType.INTX, 0, 0, 0, 0);
            event(t, EventType.MSI, 0, 0xFEE0_0000L, 0x41, 0);
            event(t, EventType.KICK, 0, 0, 1, 0);
            event(t, EventType.DMA_READ, 0, 0x1000, 16, EventFlags.FAULT);
        }
    }

    private static CaptureMetadata e1000() {
        return CaptureMetadata.create(new CaptureMetadata.Source("test", "window tally", java.util.Map.of()),
                new CaptureMetadata.Clock("virtual", null), "2026-11-25T00:00:00Z",
                new CaptureMetadata.Workload("web", 1L, java.util.Map.of()),
                List.of(new CaptureMetadata.DeviceInfo(0, "e1000", null, java.util.Map.of(), null, List.of())));
    }

    private void assertSameAsReadBack(String name, Consumer<Both> events) {
        Path dir = tmp.resolve(name);
        CaptureMetadata meta = e1000();
        WindowTally tally;
        try (CaptureWriter w = CaptureWriter.create(dir, meta)) {
            Both both = new Both(w);
            events.accept(both);
            tally = both.tally;
        }
        try (CaptureReader r = CaptureReader.open(dir)) {
            WindowSummary readBack = WindowSummary.of(r, TAIL);
            assertEquals(readBack, tally.summary(meta), name);
        }
    }

    @Test
    void eventsAtTheStartMarksTimeCountEvenWhenTheyCameBeforeTheMark() {
        assertSameAsReadBack("same-time", b -> {
            b.traffic(100);
            b.traffic(200);
            b.mark(200, MarkKind.INSTANT, "work_start");
            b.traffic(200);
            b.mark(250, MarkKind.REQUEST_END, "request#0 status=200 bytes=1");
            b.traffic(300);
            b.mark(400, MarkKind.INSTANT, "work_end");
            b.traffic(400 + TAIL);     // the window's last instant: inside
            b.traffic(401 + TAIL);     // past it
            b.mark(402 + TAIL, MarkKind.REQUEST_END, "request#1 status=200 bytes=1");
        });
    }

    @Test
    void theLastStartAndEndMarksDecideLikeTheReadBack() {
        assertSameAsReadBack("moved", b -> {
            b.mark(10, MarkKind.INSTANT, "work_start");
            b.traffic(20);
            b.mark(30, MarkKind.INSTANT, "work_end");
            b.traffic(40 + TAIL);      // past the first end
            b.mark(50 + TAIL, MarkKind.INSTANT, "work_start");
            b.traffic(60 + TAIL);
            b.mark(70 + TAIL, MarkKind.INSTANT, "work_end");
            b.traffic(80 + TAIL);
        });
        assertSameAsReadBack("start-after-window", b -> {
            b.mark(10, MarkKind.INSTANT, "work_end");
            b.traffic(20);
            b.mark(20 + TAIL, MarkKind.INSTANT, "work_start");
            b.traffic(30 + TAIL);
        });
        assertSameAsReadBack("no-end", b -> {
            b.mark(10, MarkKind.INSTANT, "work_start");
            b.traffic(20);
        });
        assertSameAsReadBack("phases-are-not-instants", b -> {
            b.mark(10, MarkKind.PHASE_START, "work_start");
            b.traffic(20);
            b.mark(30, MarkKind.INSTANT, "work_start_x");
            b.mark(40, MarkKind.INSTANT, "work_end");
        });
    }

    @Test
    void recordingsReportTheSameWindowAsReadingTheirCaptureBack() {
        for (String nic : List.of("e1000", "virtio-net")) {
            EmbeddedRecorder.Recording rec = EmbeddedRecorder.record(EmbeddedRecorderTest.web(nic, 3), tmp.resolve(nic), null);
            try (CaptureReader r = CaptureReader.open(rec.capture())) {
                assertEquals(WindowSummary.of(r, GuestRun.TAIL_NS), rec.window(), nic);
                assertEquals(r.metadata().events().count(), rec.events(), nic);
                long bytes = 0;
                long frames = 0;
                try (EventCursor c = r.cursor()) {
                    while (c.next()) {
                        bytes += EventLayout.HEADER_SIZE + c.storedPayloadLength();
                        boolean taken = c.type() == EventType.FRAME_RX && (c.flags() & EventFlags.REFUSED) == 0;
                        frames += taken || c.type() == EventType.FRAME_TX ? 1 : 0;
                    }
                }
                assertEquals(bytes, rec.eventBytes(), nic + ": the capture's size as recorded");
                assertEquals(frames, rec.packets(), nic + ": the run's frames");
                assertTrue(frames >= rec.window().packets(), nic + ": the window is part of the run");
            }
            assertTrue(rec.hostNs() >= rec.closeNs() && rec.closeNs() > 0, nic);
            assertTrue(rec.window().packets() > 0 && rec.window().accesses() > 0, nic);
        }
    }
}
