package io.trapline.recorder.embedded;

import io.trapline.emulator.device.DeviceCatalog;
import io.trapline.emulator.device.RegisterNames;
import io.trapline.recorder.CaptureMetadata;
import io.trapline.recorder.CaptureReader;
import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventFlags;
import io.trapline.recorder.EventType;
import io.trapline.recorder.MarkKind;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a capture shows in a time window: requests, packets, NIC register accesses, kicks and interrupts.
 * Definitions follow the shared captures' README so that embedded and imported captures compare:
 * <ul>
 * <li>NIC accesses = reads and writes of the NIC's registers plus queue kicks, where a kick that is also
 *     seen as a notify-register write (no ioeventfd, or an embedded capture) counts once;</li>
 * <li>interrupts = INTx assertions plus MSI messages;</li>
 * <li>packets = frames received (taken by the device) plus frames transmitted.</li>
 * </ul>
 *
 * @param byRegister accesses per register, as "R STATUS" / "W TDT"
 */
public record WindowSummary(long requests, long rxFrames, long txFrames, long accesses, long reads, long writes,
                            long kicks, long interrupts, long windowNs, Map<String, Long> byRegister) {

    public long packets() {
        return rxFrames + txFrames;
    }

    /**
     * The register a kick lands on when no notify write was seen for it (QEMU with ioeventfd on traces none); analyze
     * decides it (its {@code KickRegisters}), so that {@code byRegister} puts such kicks where analyze does.
     */
    @FunctionalInterface
    public interface KickRegister {
        /** The register's label, as {@link RegisterNames#label} gives it. */
        String label(int device, int queue);
    }

    /** The shared captures' window: [work_start, work_end + tailNs]. Zero counts when the marks are missing. */
    public static WindowSummary of(CaptureReader reader, long tailNs) {
        long[] span = instants(reader, "work_start", "work_end");
        if (span[0] < 0 || span[1] < 0) {
            return count(reader, 1, 0, null);
        }
        return count(reader, span[0], span[1] + tailNs, null);
    }

    /** The span of phase {@code phase} (its PHASE_START and PHASE_END marks). */
    public static WindowSummary ofPhase(CaptureReader reader, String phase) {
        long start = -1;
        long end = -1;
        byte[] name = new byte[256];
        try (EventCursor c = reader.cursor()) {
            while (c.next()) {
                if (c.type() == EventType.MARK && c.payloadLength() <= name.length) {
                    String n = new String(name, 0, c.copyPayload(name, 0), StandardCharsets.UTF_8);
                    if (n.equals(phase) && c.value() == MarkKind.PHASE_START.code() && start < 0) {
                        start = c.timeNs();
                    } else if (n.equals(phase) && c.value() == MarkKind.PHASE_END.code()) {
                        end = c.timeNs();
                    }
                }
            }
        }
        return start < 0 || end < 0 ? count(reader, 1, 0, null) : count(reader, start, end, null);
    }

    /** Everything between {@code startNs} and {@code stopNs}, inclusive. */
    public static WindowSummary ofRange(CaptureReader reader, long startNs, long stopNs) {
        return count(reader, startNs, stopNs, null);
    }

    /**
     * As {@link #ofRange(CaptureReader, long, long)}; with {@code kicks}, {@code byRegister} also holds the kicks no
     * notify write was seen for, as writes of the register {@code kicks} names, so that its rows add up to {@code accesses}.
     */
    public static WindowSummary ofRange(CaptureReader reader, long startNs, long stopNs, KickRegister kicks) {
        return count(reader, startNs, stopNs, kicks);
    }

    private static long[] instants(CaptureReader reader, String first, String second) {
        long[] at = {-1, -1};
        byte[] name = new byte[256];
        try (EventCursor c = reader.cursor()) {
            while (c.next()) {
                if (c.type() == EventType.MARK && c.value() == MarkKind.INSTANT.code() && c.payloadLength() <= name.length) {
                    String n = new String(name, 0, c.copyPayload(name, 0), StandardCharsets.UTF_8);
                    if (n.equals(first)) {
                        at[0] = c.timeNs();
                    } else if (n.equals(second)) {
                        at[1] = c.timeNs();
                    }
                }
            }
        }
        return at;
    }

    private static WindowSummary count(CaptureReader reader, long start, long stop, KickRegister kickRegister) {
        CaptureMetadata meta = reader.metadata();
        RegisterNames[] names = new RegisterNames[256];
        for (CaptureMetadata.DeviceInfo d : meta.devices()) {
            names[d.index()] = DeviceCatalog.registerNames(d.model(), d.transport());
        }
        long requests = 0, rx = 0, tx = 0, reads = 0, writes = 0, notifyWrites = 0, kicks = 0, irqs = 0;
        Map<String, Long> byRegister = new TreeMap<>();
        Map<String, Long> kicksByRegister = new TreeMap<>();
        try (EventCursor c = reader.cursor()) {
            while (c.next()) {
                long t = c.timeNs();
                if (t < start) {
                    continue;
                }
                if (t > stop) {
                    break;
                }
                switch (c.type()) {
                    case MMIO_READ, PIO_READ, MMIO_WRITE, PIO_WRITE -> {
                        boolean read = c.type().isRead();
                        RegisterNames n = names[c.device()] != null ? names[c.device()] : RegisterNames.NONE;
                        String label = n.label(c.region(), c.address());
                        if (read) {
                            reads++;
                        } else {
                            writes++;
                            if (label.startsWith("notify") || label.equals("legacy.QUEUE_NOTIFY")) {
                                notifyWrites++;
                            }
                        }
                        byRegister.merge((read ? "R " : "W ") + label, 1L, Long::sum);
                    }
                    case KICK -> {
                        kicks++;
                        if (kickRegister != null) {
                            kicksByRegister.merge(kickRegister.label(c.device(), c.queue()), 1L, Long::sum);
                        }
                    }
                    case FRAME_RX -> rx += (c.flags() & EventFlags.REFUSED) == 0 ? 1 : 0;
                    case FRAME_TX -> tx++;
                    case INTX -> irqs += c.value() != 0 ? 1 : 0;
                    case MSI -> irqs++;
                    case MARK -> requests += c.value() == MarkKind.REQUEST_END.code() ? 1 : 0;
                    default -> {
                    }
                }
            }
        }
        long paired = Math.min(notifyWrites, kicks);
        long accesses = reads + writes - paired + kicks;
        // the kicks beyond the notify writes are accesses of their own (ioeventfd on): rows for them too
        for (Map.Entry<String, Long> k : kicksByRegister.entrySet()) {
            long alreadyWritten = Math.min(paired, k.getValue());
            paired -= alreadyWritten;
            if (k.getValue() > alreadyWritten) {
                byRegister.merge("W " + k.getKey(), k.getValue() - alreadyWritten, Long::sum);
            }
        }
        return new WindowSummary(requests, rx, tx, accesses, reads, writes, kicks, irqs, Math.max(0, stop - start), byRegister);
    }
}
