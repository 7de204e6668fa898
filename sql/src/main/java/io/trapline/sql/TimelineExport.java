package io.trapline.sql;

import io.trapline.analysis.AccessPath;
import io.trapline.analysis.AnalysisException;
import io.trapline.analysis.AnalysisOptions;
import io.trapline.analysis.CaptureSource;
import io.trapline.analysis.ExitClass;
import io.trapline.analysis.ExitClassifier;
import io.trapline.analysis.NotifyTracker;
import io.trapline.analysis.OtherRegisters;
import io.trapline.analysis.Profile;
import io.trapline.emulator.device.DeviceCatalog;
import io.trapline.emulator.device.RegisterNames;
import io.trapline.emulator.net.FrameFields;
import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventFlags;
import io.trapline.recorder.EventType;
import io.trapline.recorder.MarkKind;
import io.trapline.recorder.MeasuredInterval;
import io.trapline.recorder.UnreadableTail;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Captures as a timeline for Perfetto's UI or chrome://tracing (Chrome's Trace Event Format, {@link TraceEventJson}).
 * Each capture is a process; its tracks (threads) are its phases, its requests, and per device the guest's register
 * accesses, interrupts, DMA, frames and kicks, with the unmodelled regions (LAPIC, HPET...) on one more track. Phases
 * and requests are slices; everything else is an instant with what the event holds as arguments, and each access
 * with the exit it costs under every KVM profile (as the {@code exits} table classes it). INTx lines are counters.
 * Times are from each capture's start, or from the start of {@code --phase} when one is given, so that captures on
 * different clocks line up at the same moment of their workloads.
 */
final class TimelineExport {
    // Track (thread) ids, in ranges that cannot meet: devices take 1000..3559; phases and request lanes, as many as
    // a capture has, count up from far above.
    private static final int TRACK_MARKS = 1;
    private static final int TRACK_OTHER = 900;
    private static final int TRACK_DEVICE = 1000;
    private static final int TRACK_PHASES = 100_000_000;
    private static final int TRACK_REQUESTS = 200_000_000;
    private static final String[] DEVICE_TRACKS = {"accesses", "interrupts", "DMA", "frames", "kicks"};
    private static final int ACCESSES = 0;
    private static final int INTERRUPTS = 1;
    private static final int DMA = 2;
    private static final int FRAMES = 3;
    private static final int KICKS = 4;

    private TimelineExport() {
    }

    /**
     * Writes every capture's events (those in {@code phase} when not null) to {@code out}; returns the trace events
     * written.
     */
    static long write(List<CaptureSource> captures, AnalysisOptions options, String phase, Writer out,
                      List<UnreadableTail> tails) throws IOException {
        long written = 0;
        Map<String, Map<String, String>> details = new LinkedHashMap<>();
        try (TraceEventJson json = new TraceEventJson(out)) {
            for (int i = 0; i < captures.size(); i++) {
                CaptureSource c = captures.get(i);
                try (CaptureReader r = CaptureReader.open(c.path())) {
                    MeasuredInterval window = null;
                    if (phase != null) {
                        MeasuredInterval.Phases phases = MeasuredInterval.Phases.of(r);
                        window = MeasuredInterval.firstNamed(phases, phase);
                        if (window == null) {
                            throw new AnalysisException("capture '" + c.name() + "' has no phase '" + phase + "'"
                                    + (phases.names().isEmpty() ? " (it has no phases)"
                                    : " (it has: " + String.join(", ", phases.names()) + ")"));
                        }
                    }
                    CaptureTimeline t = new CaptureTimeline(json, i + 1, r.metadata(), options);
                    json.process(i + 1, c.name(), i);
                    try (EventCursor e = r.cursor()) {
                        t.events(e, window);
                        if (e.unreadableTail() != null) {
                            tails.add(e.unreadableTail());
                        }
                    }
                    details.put(c.name(), t.details(c, window));
                }
            }
            json.finish(details);
            written = json.written();
        }
        return written;
    }

    private record OpenRequest(String name, long startNs, int lane) {
    }

    /** One capture's process: its tracks and how its events map onto them. */
    private static final class CaptureTimeline {
        private final TraceEventJson json;
        private final int pid;
        private final CaptureMetadata meta;
        private final ExitClassifier classifier;
        private final List<Profile> kvmProfiles = new ArrayList<>();
        private final io.trapline.analysis.CostModel costs;
        private final RegisterNames[] names;
        private final FrameFields frame = new FrameFields();
        private final Map<String, Integer> phaseTracks = new LinkedHashMap<>();
        private final Map<String, ArrayDeque<long[]>> openPhases = new HashMap<>();
        /** Open requests by their first word ({@link #requestKey}), oldest first. */
        private final Map<String, ArrayDeque<OpenRequest>> openRequests = new LinkedHashMap<>();
        /** Per request lane, whether a request is open on it. */
        private final List<Boolean> laneBusy = new ArrayList<>();
        private byte[] payload = new byte[2048];
        /** Per device: the last access was its notify write, so a KICK now is that same access (the exits table's rule). */
        private final boolean[] notifyWritten = new boolean[256];
        /** Per device: it made a port I/O access, so its kicks without a write are port I/O too (as the exits table). */
        private final boolean[] usedPio = new boolean[256];
        /** Per device: its INTx level, -1 before any INTx event. */
        private final int[] intx = new int[256];
        private final java.util.Set<Integer> named = new java.util.HashSet<>();
        private long origin;
        private long lastNs;

        CaptureTimeline(TraceEventJson json, int pid, CaptureMetadata meta, AnalysisOptions options) {
            this.json = json;
            this.pid = pid;
            this.meta = meta;
            this.classifier = new ExitClassifier(meta);
            this.costs = options.costs();
            for (Profile p : options.profiles()) {
                if (p != Profile.TCG) {
                    kvmProfiles.add(p);
                }
            }
            int max = 1;
            for (CaptureMetadata.DeviceInfo d : meta.devices()) {
                max = Math.max(max, d.index() + 1);
            }
            names = new RegisterNames[Math.min(max, 256)];
            for (int i = 0; i < names.length; i++) {
                CaptureMetadata.DeviceInfo d = meta.device(i);
                names[i] = d == null ? RegisterNames.NONE : DeviceCatalog.registerNames(d.model(), d.transport());
            }
            java.util.Arrays.fill(intx, -1);
        }

        /** The track of {@code kind} events of {@code device}, named in the trace when first used. */
        private int deviceTrack(int device, int kind) throws IOException {
            int tid = TRACK_DEVICE + (device & 0xFF) * 10 + kind;
            if (named.add(tid)) {
                CaptureMetadata.DeviceInfo d = meta.device(device & 0xFF);
                json.thread(pid, tid, "dev" + (device & 0xFF) + (d != null ? " " + d.model() : "") + ": "
                        + DEVICE_TRACKS[kind], Integer.MAX_VALUE / 2 + tid);
            }
            return tid;
        }

        /** A track of the capture's own, named in the trace when first used. */
        private int track(int tid, String name, int order) throws IOException {
            if (named.add(tid)) {
                json.thread(pid, tid, name, order);
            }
            return tid;
        }

        /** The capture's events in {@code window} (all when null). */
        void events(EventCursor e, MeasuredInterval window) throws IOException {
            origin = window != null ? window.startNs() : Long.MIN_VALUE;
            boolean started = false;
            while (e.next()) {
                long t = e.timeNs();
                boolean kickOfWrite = notify(e);
                if (window != null && t < window.startNs()) {
                    if (e.type() == EventType.MARK) {
                        mark(e, true); // phases and requests open before the window still show, cut at its start
                    } else if (e.type() == EventType.INTX) {
                        intx[e.device() & 0xFF] = e.value() != 0 ? 1 : 0;
                    }
                    continue;
                }
                if (window != null && t > window.endNs()) {
                    break;
                }
                if (origin == Long.MIN_VALUE) {
                    origin = t;
                }
                if (!started) {
                    started = true;
                    intxLevelsAtStart();
                }
                lastNs = t;
                event(e, kickOfWrite);
            }
            closeOpen(window != null ? window.endNs() : lastNs);
        }

        /** Keeps the exits table's pairing of a KICK with the notify write before it; true for such a KICK. */
        private boolean notify(EventCursor e) {
            int d = e.device() & 0xFF;
            if (e.type() == EventType.KICK) {
                boolean written = notifyWritten[d];
                notifyWritten[d] = false;
                return written;
            }
            if (e.type() == EventType.PIO_READ || e.type() == EventType.PIO_WRITE) {
                usedPio[d] = true;
            }
            NotifyTracker.track(e, classifier, notifyWritten);
            return false;
        }

        /** INTx lines asserted before the window: their counters start at time 0 with the level they had. */
        private void intxLevelsAtStart() throws IOException {
            for (int d = 0; d < intx.length; d++) {
                if (intx[d] >= 0) {
                    json.counter(pid, "dev" + d + " INTx", 0);
                    json.arg("level", intx[d]);
                    json.end();
                }
            }
        }

        private long rel(long t) {
            return Math.max(0, t - origin);
        }

        /** One event onto its track. {@code kickOfWrite}: a KICK that is the notify write just before it. */
        private void event(EventCursor e, boolean kickOfWrite) throws IOException {
            EventType type = e.type();
            int d = e.device() & 0xFF;
            switch (type) {
                case MMIO_READ, MMIO_WRITE, PIO_READ, PIO_WRITE -> {
                    boolean pio = type == EventType.PIO_READ || type == EventType.PIO_WRITE;
                    String reg = names(d).label(e.region(), e.address());
                    json.instant(pid, deviceTrack(d, ACCESSES), (type.isRead() ? "read " : "write ") + reg, rel(e.timeNs()));
                    json.arg("value", hex(e.value()));
                    json.arg("size", e.size());
                    json.arg("where", String.format("%s%d+0x%x", pio ? "io BAR" : "BAR", e.region(), e.address()));
                    AccessPath path = classifier.path(d, !type.isRead(), e.region(), e.address(), e.value());
                    for (Profile p : kvmProfiles) {
                        exitArg(p, ExitClassifier.deviceAccess(p, pio, path), path);
                    }
                    args(e);
                }
                case PCI_CFG_READ, PCI_CFG_WRITE -> {
                    json.instant(pid, deviceTrack(d, ACCESSES), (type.isRead() ? "read " : "write ")
                            + String.format("cfg+0x%02x", e.address()), rel(e.timeNs()));
                    json.arg("value", hex(e.value()));
                    json.arg("size", e.size());
                    for (Profile p : kvmProfiles) {
                        exitArg(p, classifier.pciConfig(p), null);
                    }
                    args(e);
                }
                case DMA_READ, DMA_WRITE -> {
                    json.instant(pid, deviceTrack(d, DMA), type == EventType.DMA_READ ? "dma_read" : "dma_write",
                            rel(e.timeNs()));
                    json.arg("address", hex(e.address()));
                    json.arg("length", e.value());
                    args(e);
                }
                case INTX -> {
                    intx[d] = e.value() != 0 ? 1 : 0;
                    json.counter(pid, "dev" + d + " INTx", rel(e.timeNs()));
                    json.arg("level", intx[d]);
                    json.end();
                    json.instant(pid, deviceTrack(d, INTERRUPTS), e.value() != 0 ? "INTx assert" : "INTx deassert",
                            rel(e.timeNs()));
                    args(e);
                }
                case MSI -> {
                    json.instant(pid, deviceTrack(d, INTERRUPTS), "MSI vector " + e.queue(), rel(e.timeNs()));
                    json.arg("address", hex(e.address()));
                    json.arg("data", hex(e.value()));
                    args(e);
                }
                case KICK -> {
                    json.instant(pid, deviceTrack(d, KICKS), "kick queue " + e.queue(), rel(e.timeNs()));
                    if (kickOfWrite) {
                        json.arg("exit", "that of the notify write just before it (one guest access)");
                    } else {
                        // traced without its write (QEMU with ioeventfd on): the kick stands for that write's exit
                        long[] where = classifier.rules(d).notifyRegister(e.queue());
                        boolean pio = usedPio[d] || (where != null && classifier.isIoBar(d, (int) where[0]));
                        AccessPath path = classifier.kickPath(d, e.queue());
                        for (Profile p : kvmProfiles) {
                            exitArg(p, ExitClassifier.deviceAccess(p, pio, path), path);
                        }
                    }
                    args(e);
                }
                case FRAME_RX, FRAME_TX -> {
                    json.instant(pid, deviceTrack(d, FRAMES), type == EventType.FRAME_RX ? "frame_rx" : "frame_tx",
                            rel(e.timeNs()));
                    json.arg("length", e.payloadLength());
                    json.arg("frame", summary(e));
                    args(e);
                }
                case RX_READY -> {
                    json.instant(pid, deviceTrack(d, FRAMES), "rx_ready", rel(e.timeNs()));
                    args(e);
                }
                case OTHER_READ, OTHER_WRITE -> {
                    String region = meta.regionName(e.region());
                    String reg = OtherRegisters.name(region, e.address());
                    int tid = track(TRACK_OTHER, "other regions (LAPIC, IOAPIC, HPET...)", Integer.MAX_VALUE);
                    json.instant(pid, tid, (type.isRead() ? "read " : "write ") + region + " "
                            + (reg != null ? reg : hex(e.address())), rel(e.timeNs()));
                    json.arg("address", hex(e.address()));
                    json.arg("value", hex(e.value()));
                    for (Profile p : kvmProfiles) {
                        ExitClass c = classifier.other(p, e.region(), e.address());
                        if (c != null) {
                            exitArg(p, c, null);
                        }
                    }
                    args(e);
                }
                case MARK -> mark(e, false);
                default -> {
                    json.instant(pid, track(TRACK_MARKS, "marks", 0), type.label(), rel(e.timeNs()));
                    json.arg("value", hex(e.value()));
                    args(e);
                }
            }
        }

        private RegisterNames names(int device) {
            return device < names.length ? names[device] : RegisterNames.NONE;
        }

        /** Sequence number and flags, then the end of the event. */
        private void args(EventCursor e) throws IOException {
            json.arg("seq", e.sequence());
            if (e.hasFlag(EventFlags.FAULT)) {
                json.arg("fault", "outside guest RAM");
            }
            if (e.hasFlag(EventFlags.REFUSED)) {
                json.arg("refused", "the device did not take it");
            }
            json.end();
        }

        /**
         * The exit an access costs under KVM profile {@code p}: its class, cycles and who serves it (null: none);
         * {@code path} as for {@link ExitClassifier#handler}.
         */
        private void exitArg(Profile p, ExitClass c, AccessPath path) {
            json.arg("exit " + p.label(), c == null ? "none (coalesced)" : c.label() + ", " + costs.cycles(c)
                    + " cycles (" + ExitClassifier.handler(p, c, path) + ")");
        }

        /**
         * Phases and requests open slices that are written when they end. {@code before}: a mark before the window,
         * which only opens or closes.
         */
        private void mark(EventCursor e, boolean before) throws IOException {
            String name = payloadText(e);
            MarkKind k = MarkKind.ofCode(e.value());
            long t = e.timeNs();
            if (k == MarkKind.PHASE_START) {
                openPhases.computeIfAbsent(name, x -> new ArrayDeque<>()).add(new long[] {t});
                phaseTracks.computeIfAbsent(name, x -> TRACK_PHASES + phaseTracks.size());
                return;
            }
            if (k == MarkKind.REQUEST_START) {
                int lane = laneBusy.indexOf(false);
                if (lane < 0) {
                    lane = laneBusy.size();
                    laneBusy.add(true);
                } else {
                    laneBusy.set(lane, true);
                }
                openRequests.computeIfAbsent(requestKey(name), x -> new ArrayDeque<>()).add(new OpenRequest(name, t, lane));
                return;
            }
            if (k == MarkKind.PHASE_END) {
                ArrayDeque<long[]> open = openPhases.get(name);
                long[] start = open == null ? null : open.pollFirst();
                if (start != null && !before) {
                    phaseSlice(name, start[0], t);
                }
                return;
            }
            if (k == MarkKind.REQUEST_END) {
                ArrayDeque<OpenRequest> open = openRequests.get(requestKey(name));
                OpenRequest start = open == null ? null : open.pollFirst();
                if (start != null) {
                    laneBusy.set(start.lane(), false);
                    if (!before) {
                        requestSlice(start, t, name);
                    }
                }
                return;
            }
            if (before) {
                return;
            }
            json.instant(pid, track(TRACK_MARKS, "marks", 0), name, rel(t));
            json.arg("seq", e.sequence());
            json.end();
        }

        /** A phase's slice; one that ended where the window starts is not in it and is left out. */
        private void phaseSlice(String name, long start, long end) throws IOException {
            long s = Math.max(start, origin);
            if (start < origin && end <= origin) {
                return;
            }
            json.slice(pid, phaseTracks.get(name), name, rel(s), Math.max(0, end - s));
            json.end();
        }

        /** A request's slice, named as it started; its end mark's name (the response) is an argument. */
        private void requestSlice(OpenRequest r, long end, String endName) throws IOException {
            long s = Math.max(r.startNs(), origin);
            if (r.startNs() < origin && end <= origin) {
                return;
            }
            json.slice(pid, TRACK_REQUESTS + r.lane(), r.name(), rel(s), Math.max(0, end - s));
            if (endName != null) {
                json.arg("end", endName);
            }
            json.end();
        }

        /** Phases and requests still open at the end: cut there. Names their tracks, now that all are known. */
        private void closeOpen(long end) throws IOException {
            for (var p : openPhases.entrySet()) {
                for (long[] start : p.getValue()) {
                    phaseSlice(p.getKey(), start[0], end);
                }
            }
            for (ArrayDeque<OpenRequest> open : openRequests.values()) {
                for (OpenRequest r : open) {
                    requestSlice(r, end, null);
                }
            }
            int order = 1;
            for (var p : phaseTracks.entrySet()) {
                json.thread(pid, p.getValue(), "phase " + p.getKey(), order++);
            }
            for (int lane = 0; lane < laneBusy.size(); lane++) {
                json.thread(pid, TRACK_REQUESTS + lane, lane == 0 ? "requests" : "requests (" + (lane + 1) + ")",
                        order++);
            }
        }

        /** What pairs a request's start with its end, as the phases table pairs them ({@link MarkKind#requestId}). */
        private static String requestKey(String name) {
            String id = MarkKind.requestId(name);
            return id != null ? id : name;
        }

        /** The event's payload into {@link #payload}; returns its length. */
        private int copyPayload(EventCursor e) {
            int len = e.payloadLength();
            if (payload.length < len) {
                payload = new byte[len];
            }
            return e.copyPayload(payload, 0);
        }

        private String payloadText(EventCursor e) {
            int len = copyPayload(e); // first: it may replace the array
            return new String(payload, 0, len, StandardCharsets.UTF_8);
        }

        /** "TCP 10.0.2.2:40000 > 10.0.2.15:80 [SYN] len 0", or the protocol alone when the frame has no ports. */
        private String summary(EventCursor e) {
            int len = copyPayload(e);
            frame.parse(payload, len);
            if (frame.protocol == null) {
                return String.format("ethertype 0x%04x", frame.ethertype & 0xFFFF);
            }
            StringBuilder s = new StringBuilder(frame.protocol.toUpperCase(java.util.Locale.ROOT));
            if (frame.srcIp != null) {
                s.append(' ').append(frame.srcIp).append(frame.srcPort >= 0 ? ":" + frame.srcPort : "").append(" > ")
                        .append(frame.dstIp).append(frame.dstPort >= 0 ? ":" + frame.dstPort : "");
            }
            if (frame.tcpFlags >= 0) {
                s.append(" [").append(FrameFields.tcpFlagNames(frame.tcpFlags)).append(']');
            }
            if (frame.payloadLength >= 0) {
                s.append(" len ").append(frame.payloadLength);
            }
            return s.toString();
        }

        /** What otherData says of the capture: its source and where its time 0 is. */
        Map<String, String> details(CaptureSource c, MeasuredInterval window) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("path", c.path().toString());
            if (meta.source() != null) {
                m.put("source", meta.source().kind() + (meta.source().description() != null
                        ? ": " + meta.source().description() : ""));
            }
            m.put("time 0", window != null ? "start of phase " + window.phase() : "first event");
            long zero = origin == Long.MIN_VALUE ? 0 : origin;
            CaptureMetadata.Clock clock = meta.clock();
            m.put("time 0 on the capture's clock (ns)", Long.toString(zero));
            if (clock != null && clock.originEpochNs() != null) {
                m.put("time 0 (ns since the epoch)", Long.toString(clock.originEpochNs() + zero));
            }
            return m;
        }

        private static String hex(long v) {
            return "0x" + Long.toHexString(v);
        }
    }
}
