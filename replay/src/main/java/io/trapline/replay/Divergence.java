package io.trapline.replay;

import java.util.Map;

/**
 * One difference between a replayed device and its capture.
 *
 * @param sequence      the capture event it concerns (the expected output, or the input being replayed)
 * @param timeNs        that event's time
 * @param device        device index
 * @param kind          what differed
 * @param what          the register or event it concerns, e.g. {@code ICR read}, {@code dma_write}
 * @param expected      what the capture holds
 * @param actual        what the device did
 * @param firstByteDiff for payloads, the first differing byte offset; -1 otherwise
 * @param context       sequences of the events replayed just before, oldest first
 * @param cause         the input whose device call produced the output that differed; -1 when a device timer
 *                      produced it, or when the divergence is at the input itself (a read's value, a frame refused)
 * @param deviceState   where the device model was when the first divergence was found (its registers and ring
 *                      positions, {@link io.trapline.emulator.device.DeviceActivity#state}); empty for the others
 */
public record Divergence(long sequence, long timeNs, int device, DivergenceKind kind, String what, String expected,
                         String actual, int firstByteDiff, long[] context, long cause, Map<String, String> deviceState) {
}
