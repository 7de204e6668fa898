package io.trapline.replay;

import io.trapline.emulator.device.Device;
import io.trapline.emulator.device.DeviceActivity;
import io.trapline.emulator.device.DeviceCatalog;
import io.trapline.emulator.device.DeviceContext;
import io.trapline.emulator.device.RegisterNames;
import io.trapline.emulator.memory.GuestMemory;
import io.trapline.emulator.time.Scheduler;
import io.trapline.emulator.time.Timer;
import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.EventConsistency;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventFlags;
import io.trapline.recorder.EventType;
import io.trapline.recorder.UnreadableTail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Re-drives device models from a capture and checks every output against it.
 *
 * <p>A fresh device is built from {@code capture.json} for each recorded device. The capture is then read in
 * order. Inputs (register and config accesses, received frames) are delivered at their recorded time, after
 * the device's own timers that fall strictly before it. Every output the device produces (DMA writes,
 * interrupt changes, MSI messages, transmitted frames, kicks, rx-ready) must be the next output in the
 * capture; DMA reads must be the next recorded DMA read, whose bytes are then served to the device. Capture
 * outputs that the device does not produce, once its timers up to that time have run, are missing.
 *
 * <p>Imported captures (source {@code qemu-trace}) hold no DMA bytes and record interrupts and kicks as the
 * host saw them, so only register read values are checked; DMA reads are served from a blank memory that
 * holds what the device itself wrote, and the result lists what could not be verified.
 */
public final class Replayer {
    private static final long QEMU_RAM_LIMIT = GuestMemory.MAX_SIZE;

    private final CaptureReader reader;
    private final CaptureMetadata meta;
    private final ReplayOptions options;
    private final boolean outputsRecorded;
    private final Scheduler scheduler = new Scheduler();
    private final Device[] devices;
    private final RegisterNames[] names;
    private final DivergenceNames outputNames;
    /** A recorded MSI carried a vector other than 0: this capture records MSI-X vectors (older ones hold 0). */
    private boolean msiVectorsRecorded;
    private final GuestMemory blankMemory;
    /**
     * Imported captures: the device's accesses to {@link #blankMemory} so far, and how many it may make: replay stops
     * past {@link #BLANK_ACCESS_FLOOR} + {@link #BLANK_ACCESSES_PER_INPUT} per input delivered (see those).
     */
    private long blankAccesses;
    private long blankAccessBudget = BLANK_ACCESS_FLOOR;
    /**
     * An imported trace holds the guest's register accesses but not its memory, so nothing in it bounds the DMA the
     * replayed device makes: a trace that sets a maximal TX ring (TDLEN) and then rewrites TDH=1, TDT=0 over and over
     * makes each TDT write walk 65,528 blank descriptors, as QEMU's e1000 would (start_xmit walks at most one lap of
     * the ring per doorbell), and a 335 KB trace costs hours. The device's accesses to blank memory are therefore
     * budgeted: this many at any time (16 laps of the largest e1000 ring: what any one burst of a guest could ask)...
     */
    static final long BLANK_ACCESS_FLOOR = 1L << 20;
    /**
     * ...plus this many per input delivered. The real QEMU 7.2 runs (samples/, ../shared/captures) make at most 3 per
     * input over a run and 14 for any one input (measured 2026-11-27; virtio-net's rings read blank stay idle).
     */
    static final long BLANK_ACCESSES_PER_INPUT = 64;
    private final List<Divergence> divergences = new ArrayList<>();
    private final long[] recent;
    private int recentCount;
    private EventCursor cursor;
    private boolean hasCurrent;
    private boolean stopped;
    private long events;
    private long inputs;
    private long outputsChecked;
    private long unverifiedOutputs;
    /** Imported captures: sequence of the first DMA read of memory the trace does not hold (-1: none yet). */
    private long taintedAt = -1;
    private long unverifiedReads;
    private long unverifiedReadsDiffering;
    /** The missing output last reported, and how many of its moment went missing after it (see {@link #missing}). */
    private long missingSince = -1;
    private int missingMore;
    /** Events remembered beyond the context asked for: an input's outputs and source events read after it. */
    private static final int CONTEXT_SLACK = 4096;
    private long currentInput;
    /**
     * True from a recorded input's device call until the scheduler runs again: what the device does meanwhile, that
     * input caused (timers run only inside the scheduler, which replay runs between inputs).
     */
    private boolean inInput;
    /** The last output reported for its time: the outputs after it at the same moment and offset are not reported. */
    private long lateAt = -1;
    private long lateBy;
    private final byte[] scratch = new byte[1 << 17];

    private Replayer(CaptureReader reader, ReplayOptions options) {
        this.reader = reader;
        this.meta = reader.metadata();
        this.options = options;
        this.outputsRecorded = meta.source() == null || !"qemu-trace".equals(meta.source().kind());
        this.blankMemory = outputsRecorded ? null : new GuestMemory(QEMU_RAM_LIMIT);
        // an input's outputs and the events after it are read before its value is judged: room for them too
        this.recent = new long[options.contextEvents() + CONTEXT_SLACK];
        int n = 0;
        for (CaptureMetadata.DeviceInfo d : meta.devices()) {
            n = Math.max(n, d.index() + 1);
        }
        devices = new Device[n];
        names = new RegisterNames[n];
        for (CaptureMetadata.DeviceInfo d : meta.devices()) {
            String model = options.model() != null ? options.model() : d.model();
            Map<String, Object> config = new LinkedHashMap<>();
            if (model.equals(d.model()) && d.config() != null) {
                // Recorded keys this model understands; an imported capture also carries QEMU's -device argument.
                d.config().forEach((k, v) -> {
                    if (DeviceCatalog.options(model).contains(k)) {
                        config.put(k, v);
                    }
                });
                Object qemuDevice = d.config().get("qemuOptions");
                if (qemuDevice != null) {
                    config.putAll(DeviceCatalog.fromQemuDevice(String.valueOf(qemuDevice)));
                }
                if (DeviceCatalog.VIRTIO_NET.equals(model) && d.transport() != null) {
                    config.putIfAbsent("transport", d.transport());
                }
            } else if (d.config() != null && d.config().containsKey("mac")) {
                config.put("mac", d.config().get("mac"));
            }
            config.putAll(options.configOverride());
            if (!DeviceCatalog.known(model)) {
                throw new ReplayException("device " + d.index() + ": no model '" + model + "' to replay against (known: "
                        + DeviceCatalog.E1000 + ", " + DeviceCatalog.VIRTIO_NET + ")");
            }
            int index = d.index();
            try {
                devices[index] = DeviceCatalog.create(model, config, new ReplayContext(index));
            } catch (IllegalArgumentException e) { // say where the bad value came from: the capture or --model
                throw new ReplayException("device " + index + " (" + model + ", config from capture.json devices["
                        + index + "]" + (options.configOverride().isEmpty() ? "" : " with --model "
                        + options.configOverride()) + "): " + e.getMessage());
            }
            Object vectors = config.get("vectors");
            boolean msix = vectors == null || !"0".equals(String.valueOf(vectors));
            names[index] = DeviceCatalog.registerNames(model, d.transport(), msix);
        }
        outputNames = new DivergenceNames(devices);
    }

    /** Replays the capture open in {@code reader}. */
    public static ReplayResult replay(CaptureReader reader, ReplayOptions options) {
        return new Replayer(reader, options).run();
    }

    private ReplayResult run() {
        long start = System.nanoTime();
        UnreadableTail tail;
        try (EventCursor c = reader.cursor()) {
            cursor = c;
            advance();
            while (hasCurrent && !stopped) {
                EventType t = c.type();
                if (isInput(t)) {
                    deliverInput();
                } else {
                    // An output nobody produced yet: the device's timers up to its time may produce it.
                    long seq = c.sequence();
                    inInput = false;
                    scheduler.runUntil(c.timeNs());
                    if (hasCurrent && c.sequence() == seq && !stopped && lateTimerRan(seq)) {
                        continue; // a timer due before the next input ran: what it did is checked (output_time)
                    }
                    if (hasCurrent && c.sequence() == seq && !stopped) {
                        missing(c);
                        advance();
                    }
                }
            }
            tail = c.unreadableTail();
        }
        List<String> unverifiable = new ArrayList<>();
        if (!outputsRecorded) {
            unverifiable.add("DMA reads and writes: an imported QEMU trace records no guest memory contents; "
                    + "the device read a blank memory holding only its own writes");
            unverifiable.add("interrupts, kicks and transmitted frames: the trace records them as the host saw them "
                    + "(ioeventfd, interrupt controller), not at the device boundary; " + String.format(Locale.ROOT, "%,d", unverifiedOutputs)
                    + " device outputs were produced and not compared");
            if (taintedAt >= 0) {
                unverifiable.add("register reads from sequence " + taintedAt + " on (the device's first DMA read of "
                        + "guest memory): " + String.format(Locale.ROOT, "%,d", unverifiedReads) + " reads depend on memory contents the trace does not "
                        + "hold; " + String.format(Locale.ROOT, "%,d", unverifiedReadsDiffering) + " of them differed");
            }
        }
        List<ReplayResult.DeviceReport> activity = new ArrayList<>();
        for (int d = 0; d < devices.length && outputsRecorded; d++) { // an imported capture's run saw blank memory
            if (devices[d] != null) {
                DeviceActivity a = devices[d] instanceof DeviceActivity da ? da : null;
                Map<String, Long> counts = a == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(a.activity()));
                // once stopped, the device's DMA reads fail: an error it reports then is the stop's, not the guest's
                String error = a == null || stopped ? null : a.guestError();
                activity.add(new ReplayResult.DeviceReport(d, devices[d].model(), counts, error, stopped));
            }
        }
        // A read's value is judged after its call, whose outputs may have diverged first: report in capture order,
        // at most the limit (the end of the capture last).
        List<Divergence> ordered = new ArrayList<>(divergences);
        ordered.sort(Comparator.comparingLong(d -> d.sequence() < 0 ? Long.MAX_VALUE : d.sequence()));
        if (ordered.size() > options.maxDivergences()) {
            ordered = ordered.subList(0, options.maxDivergences());
        }
        return new ReplayResult(events, inputs, outputsChecked, List.copyOf(ordered), stopped, unverifiable,
                System.nanoTime() - start, tail, List.copyOf(activity));
    }

    /** Where device {@code dev} is now ({@link DeviceActivity#state}), or nothing when it cannot say. */
    private Map<String, String> stateOf(int dev) {
        if (dev < 0 || dev >= devices.length || !(devices[dev] instanceof DeviceActivity a)) {
            return Map.of();
        }
        try {
            return Collections.unmodifiableMap(new LinkedHashMap<>(a.state()));
        } catch (RuntimeException e) {
            return Map.of(); // a convenience: never let it hide the divergence
        }
    }

    /**
     * The output at the cursor did not come. The rest of its moment usually did not either (a timer that has not
     * fired yet): they go into the first one's report ("and N more of that moment") instead of one report each.
     */
    private void missing(EventCursor c) {
        Divergence last = divergences.isEmpty() ? null : divergences.get(divergences.size() - 1);
        if (last != null && last.kind() == DivergenceKind.MISSING_OUTPUT && last.timeNs() == c.timeNs()
                && last.device() == c.device() && missingSince == last.sequence() && c.sequence() >= options.fromSequence()) {
            missingMore++;
            String what = last.what().replaceFirst(" \\(and \\d+ more outputs? of that moment\\)$", "");
            divergences.set(divergences.size() - 1, new Divergence(last.sequence(), last.timeNs(), last.device(),
                    last.kind(), what + " (and " + missingMore + " more output" + (missingMore == 1 ? "" : "s")
                    + " of that moment)", last.expected(), last.actual(), -1, last.context(), last.cause(),
                    last.deviceState()));
            return;
        }
        int before = divergences.size();
        diverge(DivergenceKind.MISSING_OUTPUT, c.device(), describe(c), describe(c), "nothing", -1);
        if (divergences.size() > before) {
            missingSince = c.sequence();
            missingMore = 0;
        }
    }

    /**
     * The capture's next output {@code seq} did not come by its time. If a device timer is due before the capture's
     * next input, runs it now (and returns true): a timer that fires late then shows as that output's
     * {@code output_time}, not as a missing output and an unexpected one. Looks ahead only on this path.
     */
    private boolean lateTimerRan(long seq) {
        long due = scheduler.nextDue();
        if (due == Long.MAX_VALUE || due >= nextInputTime(seq)) {
            return false; // inputs at a time go before the timers due then, as runBefore delivers them
        }
        scheduler.runUntil(due);
        return true;
    }

    /** The time of the first input after sequence {@code seq}, or {@link Long#MAX_VALUE} at the capture's end. */
    private long nextInputTime(long seq) {
        try (EventCursor ahead = reader.cursor(seq + 1)) {
            while (ahead.next()) {
                if (isInput(ahead.type())) {
                    return ahead.timeNs();
                }
            }
        }
        return Long.MAX_VALUE;
    }

    private static boolean isInput(EventType t) {
        return t.role() == EventType.Role.ACCESS || t == EventType.FRAME_RX;
    }

    /** Moves to the next event this replay looks at (source events, and outputs of imported captures, are passed over). */
    private void advance() {
        while (true) {
            hasCurrent = cursor.next();
            if (!hasCurrent) {
                return;
            }
            events++;
            remember(cursor.sequence());
            EventType t = cursor.type();
            if (t.role() == EventType.Role.SOURCE) {
                continue;
            }
            if (!outputsRecorded && !isInput(t)) {
                continue;
            }
            return;
        }
    }

    private void remember(long seq) {
        recent[recentCount++ % recent.length] = seq;
    }

    /** The last {@code contextEvents} events remembered before {@code beforeSeq}, oldest first. */
    private long[] context(long beforeSeq) {
        int n = Math.min(recentCount, recent.length);
        long[] out = new long[n];
        int k = 0;
        for (int i = recentCount - n; i < recentCount; i++) {
            long s = recent[i % recent.length];
            if (s < beforeSeq) {
                out[k++] = s;
            }
        }
        int keep = Math.min(k, options.contextEvents());
        return Arrays.copyOfRange(out, k - keep, k);
    }

    private void deliverInput() {
        EventCursor c = cursor;
        long seq = c.sequence();
        long time = c.timeNs();
        EventType type = c.type();
        int dev = c.device();
        int bar = c.region();
        int size = c.size();
        long address = c.address();
        long value = c.value();
        int flags = c.flags();
        int length = 0;
        if (type == EventType.FRAME_RX) {
            length = c.copyPayload(frameBuffer(c.payloadLength()), 0);
        }
        inInput = false;
        scheduler.runBefore(time);
        if (dev >= devices.length || devices[dev] == null) {
            advance();
            return;
        }
        Device device = devices[dev];
        currentInput = seq;
        advance();
        inputs++;
        blankAccessBudget = BLANK_ACCESS_FLOOR + BLANK_ACCESSES_PER_INPUT * inputs;
        inInput = true; // until the scheduler runs again: what the device does now, this input caused
        switch (type) {
            case MMIO_READ, PIO_READ -> {
                long got = device.read(bar, address, size);
                if (taintedAt >= 0) {
                    // The device has read guest memory the trace does not hold: its state may follow from bytes
                    // we do not have, so a differing value is not evidence of a model difference.
                    unverifiedReads++;
                    if (mask(got, size) != mask(value, size)) {
                        unverifiedReadsDiffering++;
                    }
                    return;
                }
                outputsChecked++;
                if (mask(got, size) != mask(value, size)) {
                    String where = "BAR" + bar + "+0x" + Long.toHexString(address);
                    String name = names[dev].name(bar, address);
                    divergeAt(seq, time, dev, DivergenceKind.READ_VALUE,
                            (name != null ? name + " (" + where + ") read" : where + " read"), // as EventText names inputs
                            hex(mask(value, size)), hex(mask(got, size)), -1);
                }
            }
            case MMIO_WRITE, PIO_WRITE -> device.write(bar, address, size, value);
            case PCI_CFG_READ -> {
                long got = device.configRead((int) address, size);
                outputsChecked++;
                if (mask(got, size) != mask(value, size)) {
                    divergeAt(seq, time, dev, DivergenceKind.READ_VALUE, "config+0x" + Long.toHexString(address) + " read",
                            hex(mask(value, size)), hex(mask(got, size)), -1);
                }
            }
            case PCI_CFG_WRITE -> device.configWrite((int) address, size, value);
            case FRAME_RX -> {
                boolean taken = device.receive(frameBuffer, 0, length);
                boolean recordedTaken = (flags & EventFlags.REFUSED) == 0;
                if (outputsRecorded) {
                    outputsChecked++;
                    if (taken != recordedTaken) {
                        divergeAt(seq, time, dev, DivergenceKind.RECEIVE_RESULT, "frame_rx of " + length + " bytes",
                                recordedTaken ? "taken" : "refused", taken ? "taken" : "refused", -1);
                    }
                }
            }
            default -> throw new IllegalStateException(type.toString());
        }
    }

    private byte[] frameBuffer = new byte[2048];

    private byte[] frameBuffer(int n) {
        if (frameBuffer.length < n) {
            frameBuffer = new byte[n];
        }
        return frameBuffer;
    }

    private static long mask(long v, int size) {
        return size >= 8 ? v : v & ((1L << (8 * size)) - 1);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private String describe(EventCursor c) {
        String text = EventText.output(c);
        return switch (c.type()) { // and what the device model knows the values to be
            case DMA_READ, DMA_WRITE -> text + outputNames.dma(c.device(), c.address(), c.value());
            case MSI -> text + outputNames.msi(c.device(), c.queue() != 0 || msiVectorsRecorded ? c.queue() : -1,
                    c.address(), c.value());
            default -> text;
        };
    }

    private void diverge(DivergenceKind kind, int dev, String what, String expected, String actual, int byteDiff) {
        long seq = hasCurrent ? cursor.sequence() : -1;
        long time = hasCurrent ? cursor.timeNs() : scheduler.now();
        divergeAt(seq, time, dev, kind, what, expected, actual, byteDiff);
    }

    private void divergeAt(long seq, long time, int dev, DivergenceKind kind, String what, String expected, String actual,
                           int byteDiff) {
        if (seq >= 0 && seq < options.fromSequence()) {
            return;
        }
        long cause = inInput && currentInput != seq ? currentInput : -1;
        // past the capture's end (seq -1): the events before it are the capture's last
        long[] before = context(seq < 0 ? Long.MAX_VALUE : seq);
        divergences.add(new Divergence(seq, time, dev, kind, what, expected, actual, byteDiff, before, cause,
                divergences.isEmpty() ? stateOf(dev) : Map.of()));
        if (divergences.size() >= options.maxDivergences()) {
            stopped = true;
        }
    }

    /** True when the current capture event is the output {@code type} of device {@code dev}. */
    private boolean nextOutputIs(EventType type, int dev) {
        return hasCurrent && cursor.type() == type && cursor.device() == dev;
    }

    /** The device produced an output that is not next in the capture. */
    private void unexpected(int dev, String actual) {
        String expected = !hasCurrent ? "end of capture" : isInput(cursor.type()) ? "no output before the next input ("
                + cursor.type().label() + " at sequence " + cursor.sequence() + ")" : describe(cursor);
        diverge(DivergenceKind.UNEXPECTED_OUTPUT, dev, actual, expected, actual, -1);
    }

    /** The current event's fields contradict each other (a DMA whose payload is not its length): the capture is corrupt. */
    private void checkConsistent() {
        String wrong = EventConsistency.problem(cursor);
        if (wrong != null) {
            throw cursor.corruptEvent(wrong);
        }
    }

    /** Compares the current event's payload with {@code bytes}; returns the first differing offset or -1. */
    private int payloadDiff(byte[] bytes, int off, int len) {
        int n = cursor.payloadLength();
        if (scratch.length < n) {
            return 0;
        }
        cursor.copyPayload(scratch, 0);
        int m = Arrays.mismatch(scratch, 0, n, bytes, off, off + len);
        return m;
    }

    /**
     * Counts an access of the device to blank memory (an imported capture) and stops the replay, naming the input it
     * was serving, once the accesses are past the budget ({@link #BLANK_ACCESS_FLOOR}): a trace whose register writes
     * make the device walk memory the trace does not hold, over and over, would otherwise replay for hours.
     */
    private void chargeBlankAccess() {
        if (++blankAccesses <= blankAccessBudget) {
            return;
        }
        String input = "sequence " + currentInput;
        try (EventCursor c = reader.cursor(currentInput)) {
            if (c.next() && c.sequence() == currentInput && isInput(c.type())) {
                int dev = c.device();
                input += " (" + c.type().label() + " " + EventText.input(c, dev < names.length && names[dev] != null
                        ? names[dev] : RegisterNames.NONE) + ")";
            }
        }
        throw new ReplayException(String.format(Locale.ROOT, "replay stopped at %s: the device has made %,d accesses"
                        + " to the blank memory an imported trace is replayed against, for %,d inputs, past the budget of"
                        + " %,d + %d per input (real QEMU runs need at most 3 per input): the trace's register writes"
                        + " make the device walk guest memory it does not hold, over and over", input, blankAccesses,
                inputs, BLANK_ACCESS_FLOOR, BLANK_ACCESSES_PER_INPUT));
    }

    /** The context a replayed device runs with: checks its outputs against the capture, serves its DMA reads. */
    private final class ReplayContext implements DeviceContext {
        private final int dev;

        ReplayContext(int dev) {
            this.dev = dev;
        }

        @Override
        public long now() {
            return scheduler.now();
        }

        @Override
        public Timer newTimer(Runnable callback) {
            return scheduler.newTimer(callback);
        }

        @Override
        public boolean read(long addr, byte[] dst, int off, int len) {
            if (!outputsRecorded) {
                if (taintedAt < 0) {
                    taintedAt = currentInput;
                }
                chargeBlankAccess();
                return blankMemory.read(addr, dst, off, len);
            }
            if (stopped) {
                return false;
            }
            if (nextOutputIs(EventType.DMA_READ, dev) && cursor.address() == addr && cursor.value() == len) {
                checkConsistent(); // a payload of another length is not what the device read: never serve it
                boolean ok = !cursor.hasFlag(EventFlags.FAULT);
                if (ok) {
                    cursor.copyPayload(dst, off);
                }
                checkTime(dev);
                advance();
                return ok;
            }
            String actual = String.format("dma_read 0x%x len %d", addr, len) + outputNames.dma(dev, addr, len);
            if (nextOutputIs(EventType.DMA_READ, dev)) {
                diverge(DivergenceKind.DMA_READ_MISMATCH, dev, "dma_read", describe(cursor), actual, -1);
            } else {
                unexpected(dev, actual);
            }
            return false;
        }

        @Override
        public boolean write(long addr, byte[] src, int off, int len) {
            if (!outputsRecorded) {
                unverifiedOutputs++;
                chargeBlankAccess();
                return blankMemory.write(addr, src, off, len);
            }
            if (stopped) {
                return true;
            }
            if (!nextOutputIs(EventType.DMA_WRITE, dev)) {
                unexpected(dev, dmaWriteText(addr, len));
                return true;
            }
            outputsChecked++;
            boolean ok = !cursor.hasFlag(EventFlags.FAULT);
            if (cursor.address() != addr || cursor.value() != len) {
                diverge(DivergenceKind.OUTPUT_MISMATCH, dev, "dma_write", describe(cursor), dmaWriteText(addr, len), -1);
            } else {
                checkConsistent();
                int diff = payloadDiff(src, off, len);
                if (diff >= 0) {
                    String actual = dmaWriteText(addr, len);
                    String at = outputNames.dma(dev, addr + diff, 1);
                    diverge(DivergenceKind.OUTPUT_MISMATCH, dev, "dma_write 0x" + Long.toHexString(addr)
                                    + (at.isEmpty() ? "" : ", byte +" + diff + ":" + at.substring(1)),
                            EventText.withByte(EventType.DMA_WRITE, describe(cursor), scratch, 0, cursor.payloadLength(), diff),
                            EventText.withByte(EventType.DMA_WRITE, actual, src, off, off + len, diff), diff);
                } else {
                    checkTime(dev);
                }
            }
            advance();
            return ok;
        }

        /** How a DMA write the device made reads in a report: only built for one (formatting is slow per write). */
        private String dmaWriteText(long addr, int len) {
            return String.format("dma_write 0x%x len %d", addr, len) + outputNames.dma(dev, addr, len);
        }

        @Override
        public void setIntx(boolean asserted) {
            if (!outputsRecorded) {
                unverifiedOutputs++;
                return;
            }
            check(EventType.INTX, asserted ? 1 : 0, 0, () -> "intx " + (asserted ? "asserted" : "deasserted"), true);
        }

        private boolean level;

        private void check(EventType type, long value, long address, Supplier<String> actual, boolean levelChange) {
            check(type, value, address, -1, actual, levelChange);
        }

        /**
         * {@code queue} >= 0: also compare the event's queue field (an MSI's vector, when the capture records it).
         * {@code actual} describes the output for a report, built only for one.
         */
        private void check(EventType type, long value, long address, int queue, Supplier<String> actual,
                           boolean levelChange) {
            if (stopped) {
                return;
            }
            if (levelChange) {
                boolean asserted = value != 0;
                if (asserted == level) {
                    return; // not a change: the capture records changes only
                }
                level = asserted;
            }
            if (!nextOutputIs(type, dev)) {
                unexpected(dev, actual.get());
                return;
            }
            outputsChecked++;
            if (type == EventType.MSI && cursor.queue() != 0) {
                msiVectorsRecorded = true;
            }
            boolean queueDiffers = queue >= 0 && msiVectorsRecorded && cursor.queue() != queue;
            if (cursor.value() != value || cursor.address() != address || queueDiffers) {
                diverge(DivergenceKind.OUTPUT_MISMATCH, dev, type.label(), describe(cursor), actual.get(), -1);
            } else {
                checkTime(dev);
            }
            advance();
        }

        @Override
        public void sendMsi(long address, int data) {
            if (!outputsRecorded) {
                unverifiedOutputs++;
                return;
            }
            check(EventType.MSI, data & 0xFFFF_FFFFL, address, () -> String.format("msi address 0x%x data 0x%x", address, data), false);
        }

        @Override
        public void sendMsi(int vector, long address, int data) {
            if (!outputsRecorded) {
                unverifiedOutputs++;
                return;
            }
            check(EventType.MSI, data & 0xFFFF_FFFFL, address, vector, () -> String.format("msi address 0x%x data 0x%x",
                    address, data) + outputNames.msi(dev, vector, address, data), false);
        }

        @Override
        public void transmit(byte[] frame, int offset, int length) {
            if (!outputsRecorded) {
                unverifiedOutputs++;
                return;
            }
            String actual = "frame_tx of " + length + " bytes";
            if (stopped) {
                return;
            }
            if (!nextOutputIs(EventType.FRAME_TX, dev)) {
                unexpected(dev, actual);
                return;
            }
            outputsChecked++;
            int diff = cursor.payloadLength() != length ? Math.min(cursor.payloadLength(), length) : payloadDiff(frame, offset, length);
            if (cursor.payloadLength() != length) {
                diverge(DivergenceKind.OUTPUT_MISMATCH, dev, "frame_tx", describe(cursor), actual, diff);
            } else if (diff >= 0) {
                diverge(DivergenceKind.OUTPUT_MISMATCH, dev, "frame_tx" + outputNames.frameByte(scratch, length, diff),
                        EventText.withByte(EventType.FRAME_TX, describe(cursor), scratch, 0, length, diff),
                        EventText.withByte(EventType.FRAME_TX, actual, frame, offset, offset + length, diff), diff);
            } else {
                checkTime(dev);
            }
            advance();
        }

        @Override
        public void rxReady() {
            if (!outputsRecorded) {
                unverifiedOutputs++;
                return;
            }
            check(EventType.RX_READY, 0, 0, () -> "rx_ready", false);
        }

        @Override
        public void queueKicked(int queue) {
            if (!outputsRecorded) {
                unverifiedOutputs++;
                return;
            }
            check(EventType.KICK, queue, 0, () -> "kick queue " + queue, false);
        }
    }

    /**
     * The current event is the output the device just produced, alike in every field: it must also come at its
     * recorded time. An embedded capture's clock is the one replay runs (outputs inside an input take the input's
     * time, a timer's output the timer's), so any difference is the model's.
     */
    private void checkTime(int dev) {
        long recorded = cursor.timeNs();
        long now = scheduler.now();
        if (recorded != now && !(now == lateAt && now - recorded == lateBy)) {
            if (cursor.sequence() < options.fromSequence()) {
                return; // not reported (--from): a later output of this moment may be, and must not count as seen
            }
            lateAt = now; // one report per moment: every output a timer produces then is off by as much
            lateBy = now - recorded;
            String what = describe(cursor);
            String by = EventText.span(Math.abs(now - recorded));
            diverge(DivergenceKind.OUTPUT_TIME, dev, what + ", " + by + (now < recorded ? " early" : " late"),
                    what + " at " + EventText.seconds(recorded) + " s", what + " at " + EventText.seconds(now) + " s", -1);
        }
    }

}
