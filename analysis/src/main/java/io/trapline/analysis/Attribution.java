package io.trapline.analysis;

import io.trapline.recorder.EventCursor;
import io.trapline.recorder.EventFlags;
import io.trapline.recorder.EventType;

/**
 * The per-packet attribution rule (docs/sql.md, "Attribution"). Packets are the capture's frames, numbered
 * 0, 1, 2... in event order. An exit, kick or interrupt belongs to the last accepted frame before it (the
 * frame the driver is still handling: an RX interrupt, its ICR read and RX refill, a TX completion) when that
 * frame is at most {@link #WINDOW_NS} older; otherwise to no packet (NULL). One exception, the doorbell: a
 * write that can start a transmission (e1000 TDT, a virtio notify: {@link DeviceExitRules#startsTransmit}) or a
 * kick, followed by a transmitted frame before any other guest access, belongs to that frame, the TX it started.
 * Frames received in between do not break that link; a doorbell no frame follows belongs where any row at its
 * time would.
 */
final class Attribution {
    /** Exits further than this after the last frame (idle time, timers) are attributed to no packet. */
    static final long WINDOW_NS = 100_000_000L;
    private static final int MAX_PENDING = 64;

    private final ExitClassifier classifier;
    private long nextPacket;
    private long lastFrame = -1;
    private long lastFrameTime;
    private final int[] pendingRows = new int[MAX_PENDING];
    /** Where each pending doorbell goes if no transmitted frame follows it: the packet at its own time. */
    private final long[] pendingFallback = new long[MAX_PENDING];
    private int pending;
    private DirectColumn target;

    Attribution(ExitClassifier classifier) {
        this.classifier = classifier;
    }

    /** The vector whose rows pending doorbells are written into (the current batch's packet column). */
    void bind(DirectColumn packetColumn) {
        this.target = packetColumn;
    }

    /**
     * Call for every event before writing its rows: frames get their packet number, and guest accesses and
     * frames settle pending doorbells. Returns the packet number of a frame, else -1.
     */
    long observe(EventCursor c) {
        EventType t = c.type();
        if (t == EventType.FRAME_TX || t == EventType.FRAME_RX) {
            long id = nextPacket++;
            boolean accepted = (c.flags() & EventFlags.REFUSED) == 0;
            if (t == EventType.FRAME_TX) { // a received frame leaves a doorbell waiting for its TX
                settle(accepted ? id : -2);
            }
            if (accepted) {
                lastFrame = id;
                lastFrameTime = c.timeNs();
            }
            return id;
        }
        if (t == EventType.KICK || (ExitClassifier.isAccess(t)
                && (t.role() == EventType.Role.ACCESS || classifier.isGuestAccess(c.region())))) {
            settle(-2);
        }
        return -1;
    }

    /** The packet of a row at time {@code timeNs} that is not a doorbell, or -1 for none. */
    long packetAt(long timeNs) {
        return lastFrame >= 0 && timeNs - lastFrameTime <= WINDOW_NS ? lastFrame : -1;
    }

    /** Writes {@code row}'s packet now, or later when it is a doorbell (a write that can start a TX, or a kick). */
    void assign(int row, long timeNs, boolean doorbell) {
        if (doorbell && pending < MAX_PENDING) {
            pendingRows[pending] = row;
            pendingFallback[pending] = packetAt(timeNs);
            pending++;
            target.setNull(row);
            return;
        }
        set(row, packetAt(timeNs));
    }

    boolean hasPending() {
        return pending > 0;
    }

    /** Settles pending rows: to {@code frame} when it is >= 0, else by the ordinary rule. */
    void settle(long frame) {
        for (int i = 0; i < pending; i++) {
            set(pendingRows[i], frame >= 0 ? frame : pendingFallback[i]);
        }
        pending = 0;
    }

    private void set(int row, long packet) {
        if (packet >= 0) {
            target.setLong(row, packet); // rows come from newRow(), within capacity
        } else {
            target.setNull(row);
        }
    }
}
