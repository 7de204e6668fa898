package io.trapline.guest.peer;

import io.trapline.emulator.time.Scheduler;
import io.trapline.guest.net.GuestNic;
import io.trapline.guest.net.Gso;

import java.util.ArrayDeque;
import java.util.function.Predicate;

/**
 * One direction of a cable in virtual time. A frame occupies the line for its serialisation time at the
 * link rate (frames queue behind each other) and arrives {@code latencyNs} later. If the receiver refuses
 * it, it and every later frame wait, in order, until {@link #ready()}. TSO frames are cut into MSS frames
 * first: only MTU-sized frames travel.
 */
public final class Wire implements GuestNic {
    private final Scheduler scheduler;
    private final long bitsPerSecond;
    private final long latencyNs;
    private final FrameSink sink;
    private final ArrayDeque<byte[]> held = new ArrayDeque<>();
    private long lineFreeAt;
    private boolean retrying;
    private FrameObserver observer = (t, f) -> { };
    private Predicate<byte[]> lose = f -> false;

    private long framesDelivered;
    private long framesRefused;
    private long framesLost;
    private long bytesDelivered;

    public Wire(Scheduler scheduler, long bitsPerSecond, long latencyNs, FrameSink sink) {
        if (bitsPerSecond <= 0 || latencyNs < 0) {
            throw new IllegalArgumentException("link rate must be positive and latency not negative");
        }
        this.scheduler = scheduler;
        this.bitsPerSecond = bitsPerSecond;
        this.latencyNs = latencyNs;
        this.sink = sink;
    }

    /** Watches delivered frames. */
    public void observe(FrameObserver observer) {
        this.observer = observer;
    }

    /** Frames for which {@code rule} is true vanish on the wire (fault injection for tests). */
    public void loseWhen(Predicate<byte[]> rule) {
        this.lose = rule;
    }

    @Override
    public boolean transmit(byte[] frame, int offset, int length, int gsoSize, boolean more) {
        if (gsoSize == 0) {
            send(java.util.Arrays.copyOfRange(frame, offset, offset + length));
        } else {
            Gso.segment(frame, offset, length, gsoSize, this::send);
        }
        return true;
    }

    /** Puts one MTU frame (ownership passes to the wire) on the line. */
    public void send(byte[] frame) {
        long start = Math.max(scheduler.now(), lineFreeAt);
        lineFreeAt = start + serialisationNs(frame.length, bitsPerSecond);
        scheduler.at(lineFreeAt + latencyNs, () -> arrive(frame));
    }

    private void arrive(byte[] frame) {
        if (lose.test(frame)) {
            framesLost++;
            return;
        }
        if (!held.isEmpty()) {
            held.addLast(frame);
            return;
        }
        deliver(frame);
    }

    private boolean deliver(byte[] frame) {
        if (!sink.offer(frame, 0, frame.length)) {
            framesRefused++;
            if (held.peekFirst() != frame) {
                held.addLast(frame);
            }
            return false;
        }
        if (held.peekFirst() == frame) {
            held.pollFirst();
        }
        framesDelivered++;
        bytesDelivered += frame.length;
        observer.frame(scheduler.now(), frame);
        return true;
    }

    /** Time a frame occupies the line: preamble + SFD 8 bytes, FCS 4, inter-frame gap 12, short frames padded to 60. */
    public static long serialisationNs(int frameBytes, long bitsPerSecond) {
        long bits = (Math.max(frameBytes, 60) + 24L) * 8;
        return bits * 1_000_000_000L / bitsPerSecond;
    }

    /** The receiver can take frames again: offer the held ones, in order, until one is refused. */
    public void ready() {
        if (retrying) {
            return; // rxReady from inside the receiver's offer(): the loop below is already running
        }
        retrying = true;
        try {
            while (!held.isEmpty() && deliver(held.peekFirst())) {
                // keep going
            }
        } finally {
            retrying = false;
        }
    }

    public int held() {
        return held.size();
    }

    public long framesDelivered() {
        return framesDelivered;
    }

    public long framesRefused() {
        return framesRefused;
    }

    public long framesLost() {
        return framesLost;
    }

    public long bytesDelivered() {
        return bytesDelivered;
    }
}
