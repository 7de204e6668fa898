package io.trapline.recorder.embedded;

import io.trapline.recorder.EventSink;
import io.trapline.recorder.EventType;
import io.trapline.recorder.MarkKind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CaptureMarksTest {
    private record Mark(long time, int kind, String name) {
    }

    /** Keeps each MARK as its kind and name, decoded from exactly the bytes the sink was given. */
    private static EventSink collecting(List<Mark> into) {
        return (t, type, d, q, r, s, a, value, f, payload, off, len) -> {
            assertEquals(EventType.MARK, type);
            into.add(new Mark(t, (int) value, new String(Arrays.copyOfRange(payload, off, off + len), StandardCharsets.UTF_8)));
            return into.size() - 1;
        };
    }

    @Test
    void requestMarksNameTheRequestItsStatusAndItsBytes() {
        List<Mark> marks = new ArrayList<>();
        CaptureMarks m = new CaptureMarks(collecting(marks));
        m.requestStart(10, 0, "GET /file/1024");
        m.requestEnd(20, 0, 200, 1024);
        m.requestStart(30, 1234567, "GET /file/65536");
        m.requestEnd(40, 1234567, 404, Long.MAX_VALUE);
        m.requestEnd(50, Integer.MAX_VALUE, 0, 0);
        m.requestEnd(60, 9, -1, -7);
        assertEquals(List.of(
                new Mark(10, MarkKind.REQUEST_START.code(), "request#0 GET /file/1024"),
                new Mark(20, MarkKind.REQUEST_END.code(), "request#0 status=200 bytes=1024"),
                new Mark(30, MarkKind.REQUEST_START.code(), "request#1234567 GET /file/65536"),
                new Mark(40, MarkKind.REQUEST_END.code(), "request#1234567 status=404 bytes=9223372036854775807"),
                new Mark(50, MarkKind.REQUEST_END.code(), "request#2147483647 status=0 bytes=0"),
                new Mark(60, MarkKind.REQUEST_END.code(), "request#9 status=-1 bytes=-7")), marks);
    }

    @Test
    void namesAreUtf8WhateverTheirCharactersAndLength() {
        List<Mark> marks = new ArrayList<>();
        CaptureMarks m = new CaptureMarks(collecting(marks));
        String accented = "phase-é→😀 end";
        String longName = "x".repeat(300) + "ü" + "y".repeat(300);
        m.phaseStart(1, accented);
        m.mark(2, longName);
        m.phaseEnd(3, "");
        m.requestStart(4, 5, "GET /ñ");
        m.mark(5, "ready"); // shorter than the one before: nothing of it is left over
        assertEquals(List.of(
                new Mark(1, MarkKind.PHASE_START.code(), accented),
                new Mark(2, MarkKind.INSTANT.code(), longName),
                new Mark(3, MarkKind.PHASE_END.code(), ""),
                new Mark(4, MarkKind.REQUEST_START.code(), "request#5 GET /ñ"),
                new Mark(5, MarkKind.INSTANT.code(), "ready")), marks);
    }
}
