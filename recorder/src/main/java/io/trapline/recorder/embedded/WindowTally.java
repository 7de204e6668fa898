package io.trapline.recorder.embedded;

import io.trapline.emulator.device.DeviceCatalog;
import io.trapline.emulator.device.RegisterNames;
import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.EventFlags;
import io.trapline.recorder.EventSink;
import io.trapline.recorder.EventType;
import io.trapline.recorder.MarkKind;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link WindowSummary#of} computed while the events are being written, so that {@code trapline record} need not
 * read its capture back. Same definitions and the same window: [time of the last {@code work_start} instant, time
 * of the last {@code work_end} instant + tail], inclusive. Every counter is cumulative and remembers how much of it
 * came at the latest time stamp, so the window's start can be taken when the {@code work_start} mark arrives (events
 * at the mark's time that came before it still count) and its end at the first event past it.
 */
public final class WindowTally implements EventSink {
    private static final byte[] WORK_START = "work_start".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WORK_END = "work_end".getBytes(StandardCharsets.US_ASCII);
    private static final int REQUESTS = 0, RX = 1, TX = 2, KICKS = 3, IRQS = 4, FIXED = 5;

    private final long tailNs;
    private long sequence;
    /** Counters: the fixed ones, then one per (read/write, device, region, address) in {@link #keys}. */
    private long[] total = new long[64];
    private long[] lastTime = new long[64];
    private long[] atLastTime = new long[64];
    private long[] startBase;
    private long[] stopBase;
    private int counters = FIXED;
    private final RegisterIndex registers = new RegisterIndex();
    private long start = -1;
    private long end = -1;

    /** @param tailNs how far past {@code work_end} the window reaches ({@code GuestRun.TAIL_NS} for recordings) */
    public WindowTally(long tailNs) {
        this.tailNs = tailNs;
        Arrays.fill(lastTime, -1);
    }

    @Override
    public long append(long timeNs, EventType type, int device, int queue, int region, int size, long address,
                       long value, int flags, byte[] payload, int offset, int length) {
        if (end >= 0 && stopBase == null && timeNs > end + tailNs) {
            stopBase = Arrays.copyOf(total, counters);
        }
        switch (type) {
            case MMIO_READ, PIO_READ, MMIO_WRITE, PIO_WRITE ->
                    count(registers.index(type.isRead(), device, region, address, this), timeNs);
            case KICK -> count(KICKS, timeNs);
            case FRAME_RX -> {
                if ((flags & EventFlags.REFUSED) == 0) {
                    count(RX, timeNs);
                }
            }
            case FRAME_TX -> count(TX, timeNs);
            case INTX -> {
                if (value != 0) {
                    count(IRQS, timeNs);
                }
            }
            case MSI -> count(IRQS, timeNs);
            case MARK -> mark(timeNs, value, payload, offset, length);
            default -> {
            }
        }
        return sequence++;
    }

    private void mark(long timeNs, long kind, byte[] payload, int offset, int length) {
        if (kind == MarkKind.REQUEST_END.code()) {
            count(REQUESTS, timeNs);
        } else if (kind == MarkKind.INSTANT.code()) {
            if (Arrays.equals(payload, offset, offset + length, WORK_START, 0, WORK_START.length)) {
                start = timeNs;
                startBase = new long[counters];
                for (int i = 0; i < counters; i++) {
                    startBase[i] = total[i] - (lastTime[i] == timeNs ? atLastTime[i] : 0);
                }
            } else if (Arrays.equals(payload, offset, offset + length, WORK_END, 0, WORK_END.length)) {
                end = timeNs;
                stopBase = null; // the window reaches further now; every event so far is inside its end
            }
        }
    }

    private void count(int counter, long timeNs) {
        if (lastTime[counter] != timeNs) {
            lastTime[counter] = timeNs;
            atLastTime[counter] = 0;
        }
        total[counter]++;
        atLastTime[counter]++;
    }

    private int newCounter() {
        if (counters == total.length) {
            int n = counters * 2;
            total = Arrays.copyOf(total, n);
            atLastTime = Arrays.copyOf(atLastTime, n);
            lastTime = Arrays.copyOf(lastTime, n);
            Arrays.fill(lastTime, counters, n, -1);
        }
        return counters++;
    }

    /** Frames over the whole run so far, not only the window: received (not refused) and sent. */
    public long packets() {
        return total[RX] + total[TX];
    }

    /** The window's counts over everything seen so far; register labels from the capture's device models. */
    public WindowSummary summary(CaptureMetadata metadata) {
        if (start < 0 || end < 0 || start > end + tailNs) {
            return new WindowSummary(0, 0, 0, 0, 0, 0, 0, 0, 0, new TreeMap<>());
        }
        long[] stop = stopBase != null ? stopBase : total;
        RegisterNames[] names = new RegisterNames[256];
        for (CaptureMetadata.DeviceInfo d : metadata.devices()) {
            names[d.index()] = DeviceCatalog.registerNames(d.model(), d.transport());
        }
        long reads = 0, writes = 0, notifyWrites = 0;
        Map<String, Long> byRegister = new TreeMap<>();
        for (int i = 0; i < registers.size(); i++) {
            int c = registers.counter(i);
            long n = in(stop, c);
            if (n == 0) {
                continue;
            }
            RegisterNames rn = names[registers.device(i)] != null ? names[registers.device(i)] : RegisterNames.NONE;
            String label = rn.label(registers.region(i), registers.address(i));
            if (registers.read(i)) {
                reads += n;
            } else {
                writes += n;
                if (label.startsWith("notify") || label.equals("legacy.QUEUE_NOTIFY")) {
                    notifyWrites += n;
                }
            }
            byRegister.merge((registers.read(i) ? "R " : "W ") + label, n, Long::sum);
        }
        long kicks = in(stop, KICKS);
        long accesses = reads + writes - Math.min(notifyWrites, kicks) + kicks;
        return new WindowSummary(in(stop, REQUESTS), in(stop, RX), in(stop, TX), accesses, reads, writes, kicks,
                in(stop, IRQS), end + tailNs - start, byRegister);
    }

    /** Count of {@code counter} inside the window: at its end minus before its start (0 for newer counters). */
    private long in(long[] stop, int counter) {
        long atStop = counter < stop.length ? stop[counter] : 0;
        long atStart = counter < startBase.length ? startBase[counter] : 0;
        return atStop - atStart;
    }

    /** Register access counters by (read, device, region, address): an open-addressing table, no boxing per event. */
    private static final class RegisterIndex {
        private long[] addresses = new long[64];
        private int[] kinds = new int[64]; // 0 = empty, else 1 + (read << 24 | device << 16 | region)
        private int[] counterOf = new int[64];
        private int[] order = new int[32];
        private int size;

        int index(boolean read, int device, int region, long address, WindowTally tally) {
            int kind = 1 + ((read ? 1 : 0) << 24 | device << 16 | region);
            int mask = kinds.length - 1;
            int slot = (int) ((address * 0x9E37_79B9_7F4A_7C15L + kind * 0x85EB_CA6BL) >>> 40) & mask;
            while (kinds[slot] != 0) {
                if (kinds[slot] == kind && addresses[slot] == address) {
                    return counterOf[slot];
                }
                slot = (slot + 1) & mask;
            }
            int counter = tally.newCounter();
            kinds[slot] = kind;
            addresses[slot] = address;
            counterOf[slot] = counter;
            if (size == order.length) {
                order = Arrays.copyOf(order, size * 2);
            }
            order[size++] = slot;
            if (size * 2 > kinds.length) {
                grow();
            }
            return counter;
        }

        private void grow() {
            long[] oldAddresses = addresses;
            int[] oldKinds = kinds;
            int[] oldCounters = counterOf;
            int n = oldKinds.length * 2;
            addresses = new long[n];
            kinds = new int[n];
            counterOf = new int[n];
            int mask = n - 1;
            int[] moved = new int[oldKinds.length];
            for (int s = 0; s < oldKinds.length; s++) {
                if (oldKinds[s] == 0) {
                    continue;
                }
                int slot = (int) ((oldAddresses[s] * 0x9E37_79B9_7F4A_7C15L + oldKinds[s] * 0x85EB_CA6BL) >>> 40) & mask;
                while (kinds[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                kinds[slot] = oldKinds[s];
                addresses[slot] = oldAddresses[s];
                counterOf[slot] = oldCounters[s];
                moved[s] = slot;
            }
            for (int i = 0; i < size; i++) {
                order[i] = moved[order[i]];
            }
        }

        int size() {
            return size;
        }

        int counter(int i) {
            return counterOf[order[i]];
        }

        boolean read(int i) {
            return ((kinds[order[i]] - 1) >>> 24) != 0;
        }

        int device(int i) {
            return ((kinds[order[i]] - 1) >>> 16) & 0xFF;
        }

        int region(int i) {
            return (kinds[order[i]] - 1) & 0xFFFF;
        }

        long address(int i) {
            return addresses[order[i]];
        }
    }
}
