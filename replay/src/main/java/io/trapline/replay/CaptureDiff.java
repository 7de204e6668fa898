package io.trapline.replay;

import io.trapline.emulator.device.DeviceCatalog;
import io.trapline.emulator.device.RegisterNames;
import io.trapline.recorder.CaptureMetadata;
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

    /**
     * One difference: the sequences in A and B, what differs, and both sides, named as replay names its divergences.
     *
     * @param firstByteDiff for payloads that differ, the first differing byte offset; -1 otherwise
     */
    public record Difference(long sequenceA, long sequenceB, long timeNs, String what, String a, String b,
                             int firstByteDiff) {
    }

    /**
     * @param sameInputs      true only when every input of both captures was compared and they were the same: false
     *                        when the input streams differ (see {@code inputsDifferAt}), and also when the diff stopped
     *                        at {@code maxDifferences} before comparing them all ({@code truncated})
     * @param inputsDifferAt  where they first differ, as "A seq X / B seq Y: ...", or null
     * @param truncated       the diff stopped at {@code maxDifferences}: the inputs are the same only as far as compared
     * @param unreadableTails for each of the two captures whose scan ended where its queue file becomes unreadable
     *                        (an incomplete capture, EventCursor#unreadableTail), where that was
     * @param timesDifferAt   for two captures in virtual time (embedded runs), the first input or output that is the
     *                        same in both but at another time, as "A seq X / B seq Y: ... at T s vs U s", or null:
     *                        the same events, shifted in time (a device timer that fires sooner), are a difference
     *                        too. Imported captures run on their host's clock and are not compared this way.
     */
    public record Result(long inputsCompared, boolean sameInputs, String inputsDifferAt, List<Difference> differences,
                         boolean truncated, List<UnreadableTail> unreadableTails, String timesDifferAt) {
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

    /** An output: its key (what is compared), how it reads, and its payload (null: none). */
    private record Output(long sequence, long timeNs, EventType type, String key, String text, byte[] payload) {
    }

    /** One input and the outputs that followed it (until the next input). */
    private static final class Step {
        long sequence;
        long timeNs;
        String input;
        String inputText;
        long readValue;
        boolean read;
        final List<Output> outputs = new ArrayList<>();
    }

    /** Reads the next step; the cursor is left on the input after it (held in {@code pending}). */
    private static final class Stepper {
        final EventCursor c;
        final RegisterNames[] names = new RegisterNames[256];
        boolean hasPending;

        Stepper(EventCursor c, CaptureMetadata meta) {
            this.c = c;
            Arrays.fill(names, RegisterNames.NONE);
            for (CaptureMetadata.DeviceInfo d : meta.devices()) {
                names[d.index() & 0xFF] = DeviceCatalog.registerNames(d.model(), d.transport());
            }
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
            s.inputText = EventText.input(c, names[c.device()]);
            hasPending = false;
            while (c.next()) {
                if (isInput(c.type())) {
                    hasPending = true;
                    break;
                }
                if (isOutput(c.type())) {
                    byte[] p = null;
                    if (c.payloadLength() > 0) {
                        p = new byte[c.payloadLength()];
                        c.copyPayload(p, 0);
                    }
                    s.outputs.add(new Output(c.sequence(), c.timeNs(), c.type(), key(c, true), EventText.output(c), p));
                }
            }
            return s;
        }
    }

    public static Result diff(CaptureReader a, CaptureReader b, int maxDifferences) {
        List<Difference> out = new ArrayList<>();
        long compared = 0;
        boolean virtual = "virtual".equals(clock(a)) && "virtual".equals(clock(b));
        String times = null;
        try (EventCursor ca = a.cursor(); EventCursor cb = b.cursor()) {
            Stepper sa = new Stepper(ca, a.metadata());
            Stepper sb = new Stepper(cb, b.metadata());
            while (true) {
                Step x = sa.next();
                Step y = sb.next();
                if (x == null || y == null) {
                    if (x != y) {
                        String where = x == null ? "A ends; B goes on at seq " + y.sequence : "B ends; A goes on at seq " + x.sequence;
                        return new Result(compared, false, where, out, false, tails(ca, cb), times);
                    }
                    return new Result(compared, true, null, out, false, tails(ca, cb), times);
                }
                if (!x.input.equals(y.input)) {
                    String differ = x.inputText.equals(y.inputText) ? x.input + " vs " + y.input // they differ in a field the text leaves out
                            : x.inputText + " vs " + y.inputText;
                    return new Result(compared, false, "A seq " + x.sequence + " / B seq " + y.sequence + ": " + differ,
                            out, false, tails(ca, cb), times);
                }
                compared++;
                if (virtual && times == null) {
                    times = timeDifference(x, y);
                }
                if (x.read && x.readValue != y.readValue) {
                    out.add(new Difference(x.sequence, y.sequence, x.timeNs, "read value of " + x.inputText,
                            "0x" + Long.toHexString(x.readValue), "0x" + Long.toHexString(y.readValue), -1));
                }
                // the read's own difference may have reached the limit: no more than asked for
                int n = out.size() < maxDifferences ? Math.max(x.outputs.size(), y.outputs.size()) : 0;
                for (int i = 0; i < n; i++) {
                    Output ox = i < x.outputs.size() ? x.outputs.get(i) : null;
                    Output oy = i < y.outputs.size() ? y.outputs.get(i) : null;
                    if (ox == null || oy == null || !ox.key().equals(oy.key())) {
                        out.add(difference(x, y, i, ox, oy));
                        break; // one difference per step: the rest of its outputs usually follow from it
                    }
                }
                if (out.size() >= maxDifferences) {
                    // inputs left unread may still differ: same inputs only if both captures ended here
                    boolean ended = !sa.hasPending && !sb.hasPending;
                    return new Result(compared, ended, null, out, !ended, tails(ca, cb), times);
                }
            }
        }
    }

    private static String clock(CaptureReader r) {
        return r.metadata().clock() == null ? null : r.metadata().clock().domain();
    }

    /** Where steps alike in every compared field first differ in time: the input, else one of its outputs; or null. */
    private static String timeDifference(Step x, Step y) {
        if (x.timeNs != y.timeNs) {
            return "A seq " + x.sequence + " / B seq " + y.sequence + ": " + x.inputText + " at " + EventText.seconds(x.timeNs)
                    + " s vs " + EventText.seconds(y.timeNs) + " s";
        }
        for (int i = 0; i < Math.min(x.outputs.size(), y.outputs.size()); i++) {
            Output ox = x.outputs.get(i);
            Output oy = y.outputs.get(i);
            if (!ox.key().equals(oy.key())) {
                return null; // a difference of its own, listed as such
            }
            if (ox.timeNs() != oy.timeNs()) {
                return "A seq " + ox.sequence() + " / B seq " + oy.sequence() + ": " + ox.text() + " after input "
                        + x.inputText + " at " + EventText.seconds(ox.timeNs()) + " s vs " + EventText.seconds(oy.timeNs()) + " s";
            }
        }
        return null;
    }

    /** Output {@code i} of the steps differs; a payload that differs shows its first differing byte on both sides, as replay does. */
    private static Difference difference(Step x, Step y, int i, Output ox, Output oy) {
        // an output inside an input's call takes the input's time; a later one came from a device timer
        Output o = ox != null ? ox : oy;
        long after = o == null ? 0 : o.timeNs() - x.timeNs;
        String what = "output " + (i + 1) + (after > 0 ? ", from a device timer " + EventText.span(after) + " after input "
                : " after input ") + x.inputText;
        long seqA = ox != null ? ox.sequence() : x.sequence;
        long seqB = oy != null ? oy.sequence() : y.sequence;
        String ta = ox != null ? ox.text() : "(none)";
        String tb = oy != null ? oy.text() : "(none)";
        int at = -1;
        if (ox != null && oy != null && ox.payload() != null && oy.payload() != null) {
            at = Arrays.mismatch(ox.payload(), oy.payload());
            if (at >= 0 && ox.payload().length == oy.payload().length) {
                ta = EventText.withByte(ox.type(), ta, ox.payload(), 0, ox.payload().length, at);
                tb = EventText.withByte(oy.type(), tb, oy.payload(), 0, oy.payload().length, at);
            }
        }
        if (ta.equals(tb)) {
            ta = ox.key(); // they differ in a field the text leaves out (flags, queue...)
            tb = oy.key();
        }
        return new Difference(seqA, seqB, x.timeNs, what, ta, tb, at);
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
