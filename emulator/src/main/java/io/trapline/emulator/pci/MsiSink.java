package io.trapline.emulator.pci;

/** Where an MSI/MSI-X message goes: a 32-bit write of {@code data} to {@code address} (a DeviceContext). */
@FunctionalInterface
public interface MsiSink {
    /** The message of MSI-X table entry {@code vector}. */
    void sendMsi(int vector, long address, int data);
}
