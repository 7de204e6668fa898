package io.trapline.emulator.memory;

/** A guest-side scalar access outside guest RAM. Device code never sees this: it uses {@link DmaMemory}. */
public final class GuestMemoryFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GuestMemoryFault(long addr, int size, long ramSize) {
        super(String.format("guest memory access of %d bytes at 0x%x is outside RAM [0, 0x%x)", size, addr, ramSize));
    }
}
