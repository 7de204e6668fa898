package io.trapline.emulator.memory;

/**
 * What a device may do to guest memory: copy bytes in and out by guest-physical address.
 *
 * <p>This is the only way device code (and the device-independent virtqueue code) reaches guest RAM.
 * It is deliberately tiny so that a recording tap can capture every transfer and a replay can serve
 * reads from a capture. An access that touches any byte outside guest RAM is a defined outcome, not an
 * exception: the call returns {@code false} and transfers nothing.
 */
public interface DmaMemory {

    /** Copies {@code len} bytes at {@code addr} into {@code dst[off..]}; false (dst untouched) if out of RAM. */
    boolean read(long addr, byte[] dst, int off, int len);

    /** Copies {@code len} bytes from {@code src[off..]} to {@code addr}; false (nothing written) if out of RAM. */
    boolean write(long addr, byte[] src, int off, int len);
}
