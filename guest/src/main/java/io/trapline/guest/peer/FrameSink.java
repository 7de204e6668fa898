package io.trapline.guest.peer;

/** The receiving end of a wire: a NIC model's {@code receive}, or a stack that always takes frames. */
@FunctionalInterface
public interface FrameSink {

    /** Takes one frame (bytes valid during the call only); false = refused, offer it again after {@code ready}. */
    boolean offer(byte[] frame, int offset, int length);
}
