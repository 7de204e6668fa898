package io.trapline.replay;

import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.UnreadableTail;
import io.trapline.recorder.EventType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Aligns two captures that were driven by the same inputs (e.g. one embedded run recorded by two versions of
 * a device model) and lists where their outputs differ: read values, and the outputs each input caused
 * (DMA writes, interrupts, frames, kicks) compared in order. When the inputs themselves differ the captures
 * are not the same run; the diff stops there and says so.
 */
public final class CaptureDiff {

    /** One difference: the sequences in A and B, what differs, and both sides. */
    public record Difference(long sequenceA, long sequenceB, long timeNs, String what, String a, String b) {
    }

    /**
     * @param sameInputs      true only when every input of both captures was compared and they were the same: false
     *                        when the input streams differ (see {@code inputsDifferAt}), and also when the diff stopped
     *                        at {@code maxDifferences} before comparing them all ({@code truncated})
     * @param inputsDifferAt  where they first differ, as "A seq X / B seq Y: ...", or null
     * @param truncated       the diff stopped at {@code maxDifferences}: the inputs are the same only as far as compared
     * @param unreadableTails for each of the two captures whose scan ended where its queue file becomes unreadable
     *                        (an incomplete capture, EventCursor#unreadableTail), where that was
     */
    public record Result(long inputsCompared, boolean sameInputs, String inputsDifferAt, List<Difference> differences,
                         boolean truncated, List<UnreadableTail> unreadableTails) {
    }

    private CaptureDiff() {
    }

    private static boolean isInput(EventType t) {
        return t.role() == EventType.Role.ACCESS || t == EventType.FRAME_RX;
    }

    private static boolean isOutput(EventType t) {
        return t.role() == EventType.Role.DEVICE_IO && t != EventType.FRAME_RX;
    }

    /** A comparable rendering of an event, without its sequence and time; payloads by length and hash. */
    private static String key(EventCursor c, boolean withValue) {
        StringBuilder sb = new StringBuilder(64);
        sb.append(c.type().label()).append(" dev").append(c.device()).append(" q").append(c.queue()).append(" r")
                .append(c.region()).append(" s").append(c.size()).append(" @0x").append(Long.toHexString(c.address()));
        if (withValue) {
            sb.append(" =0x").append(Long.toHexString(c.value()));
        }
        sb.append(" f").append(c.flags());
        if (c.payloadLength() > 0) {
            byte[] p = new byte[c.payloadLength()];
            c.copyPayload(p, 0);
            sb.append(" [").append(p.length).append(" B #").append(Integer.toHexString(Arrays.hashCode(p))).append(']');
        }
        return sb.toString();
    }

    /** One input and the outputs that followed it (until the next input). */
    private static final class Step {
        long sequence;
        long timeNs;
        String input;
        long readValue;
        boolean read;
        final List<String> outputs = new ArrayList<>();
        final List<Long> outputSequences = new ArrayList<>();
    }

    /** Reads the next step; the cursor is left on the input after it (held in {@code pending}). */
    private static final class Stepper {
        final EventCursor c;
        boolean hasPending;

        Stepper(EventCursor c) {
            this.c = c;
            advanceToInput();
        }

        private void advanceToInput() {
            hasPending = false;
            while (c.next()) {
                if (isInput(c.type())) {
                    hasPending = true;
                    return;
                }
            }
        }

        Step next() {
            if (!hasPending) {
                return null;
            }
            Step s = new Step();
            s.sequence = c.sequence();
            s.timeNs = c.timeNs();
            s.read = c.type().isRead();
            s.readValue = c.value();
            s.input = key(c, !s.read);
            hasPending = false;
            while (c.next()) {
                if (isInput(c.type())) {
                    hasPending = true;
                    break;
                }
                if (isOutput(c.type())) {
                    s.outputs.add(key(c, true));
                    s.outputSequences.add(c.sequence());
                }
            }
            return s;
        }
    }

    public static Result diff(CaptureReader a, CaptureReader b, int maxDifferences) {
        List<Difference> out = new ArrayList<>();
        long compared = 0;
        try (EventCursor ca = a.cursor(); EventCursor cb = b.cursor()) {
            Stepper sa = new Stepper(ca);
            Stepper sb = new Stepper(cb);
            while (true) {
                Step x = sa.next();
                Step y = sb.next();
                if (x == null || y == null) {
                    if (x != y) {
                        String where = x == null ? "A ends; B goes on at seq " + y.sequence : "B ends; A goes on at seq " + x.sequence;
                        return new Result(compared, false, where, out, false, tails(ca, cb));
                    }
                    return new Result(compared, true, null, out, false, tails(ca, cb));
                }
                if (!x.input.equals(y.input)) {
                    return new Result(compared, false, "A seq " + x.sequence + " / B seq " + y.sequence + ": " + x.input
                            + " vs " + y.input, out, false, tails(ca, cb));
                }
                compared++;
                if (x.read && x.readValue != y.readValue) {
                    out.add(new Difference(x.sequence, y.sequence, x.timeNs, "read value of " + x.input,
                            "0x" + Long.toHexString(x.readValue), "0x" + Long.toHexString(y.readValue)));
                }
                int n = Math.max(x.outputs.size(), y.outputs.size());
                for (int i = 0; i < n; i++) {
                    String ox = i < x.outputs.size() ? x.outputs.get(i) : "(none)";
                    String oy = i < y.outputs.size() ? y.outputs.get(i) : "(none)";
                    if (!ox.equals(oy)) {
                        long seqA = i < x.outputSequences.size() ? x.outputSequences.get(i) : x.sequence;
                        long seqB = i < y.outputSequences.size() ? y.outputSequences.get(i) : y.sequence;
                        out.add(new Difference(seqA, seqB, x.timeNs, "output " + (i + 1) + " after input " + x.input, ox, oy));
                        break; // one difference per step: the rest of its outputs usually follow from it
                    }
                }
                if (out.size() >= maxDifferences) {
                    // inputs left unread may still differ: same inputs only if both captures ended here
                    boolean ended = !sa.hasPending && !sb.hasPending;
                    return new Result(compared, ended, null, out, !ended, tails(ca, cb));
                }
            }
        }
    }

    /** The unreadable tails the two scans ended at so far (none for a capture read to its end). */
    private static List<UnreadableTail> tails(EventCursor ca, EventCursor cb) {
        List<UnreadableTail> tails = new ArrayList<>();
        for (EventCursor c : new EventCursor[] {ca, cb}) {
            if (c.unreadableTail() != null) {
                tails.add(c.unreadableTail());
            }
        }
        return tails;
    }
}
