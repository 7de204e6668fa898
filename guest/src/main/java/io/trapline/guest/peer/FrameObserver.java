package io.trapline.guest.peer;

/** Sees every frame a wire delivers, in delivery order (for tests, pcap dumps and counters). */
@FunctionalInterface
public interface FrameObserver {
    void frame(long timeNs, byte[] frame);
}
