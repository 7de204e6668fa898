package io.trapline.emulator.device;

import io.trapline.emulator.memory.DmaMemory;
import io.trapline.emulator.time.Timer;

/**
 * Everything a device may reach outside itself: time, timers, guest memory (DMA), interrupts and the
 * network. The machine gives each device one of these; a recording tap wraps it to capture the device's
 * outputs and the bytes of its DMA reads, and a replay substitutes one that serves DMA reads from a
 * capture and checks every output.
 */
public interface DeviceContext extends DmaMemory {

    /** Virtual time in nanoseconds. */
    long now();

    /** A timer whose callback runs in virtual time; devices create their timers once, at construction. */
    Timer newTimer(Runnable callback);

    /** DMA read from guest memory; false (nothing read) when any byte is outside guest RAM. */
    @Override
    boolean read(long addr, byte[] dst, int off, int len);

    /** DMA write to guest memory; false (nothing written) when any byte is outside guest RAM. */
    @Override
    boolean write(long addr, byte[] src, int off, int len);

    /** Sets the level of the device's INTx line (true = asserted). Calls that do not change the level are allowed. */
    void setIntx(boolean asserted);

    /** Sends an MSI/MSI-X message: a 32-bit write of {@code data} to {@code address}. */
    void sendMsi(long address, int data);

    /**
     * Sends the message of MSI-X table entry {@code vector}. Delivered as {@link #sendMsi(long, int)}; a recording
     * keeps the vector, so that interrupts can be told apart by queue as in an imported capture.
     */
    default void sendMsi(int vector, long address, int data) {
        sendMsi(address, data);
    }

    /** Hands a frame to the network backend. */
    void transmit(byte[] frame, int offset, int length);

    /** Tells the network backend that the device can take frames again (after refusing one). */
    void rxReady();

    /** Reports that a guest write was decoded as a notification (kick) of queue {@code queue}. Observation only. */
    void queueKicked(int queue);
}
