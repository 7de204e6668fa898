package io.trapline.guest.net;

/**
 * Where a stack's frames go: the guest driver model implements this (its ndo_start_xmit), the test wire
 * and the host peer's wire too.
 */
public interface GuestNic {

    /**
     * Offers one frame; the bytes are only valid during the call. {@code more} is true when the stack is
     * handing over more frames right after this one (Linux's xmit_more), so a driver may defer its doorbell
     * write (e1000 TDT, virtio kick) to the last frame of the batch. {@code gsoSize} is the MSS when the
     * frame is a TCP segment longer than one MSS that the NIC must cut (TSO), else 0.
     *
     * @return false when the driver's queue is full and the frame was NOT taken (NETDEV_TX_BUSY): the stack
     *         keeps it and everything after it until the driver calls {@code wakeQueue()}
     */
    boolean transmit(byte[] frame, int offset, int length, int gsoSize, boolean more);

    /** Largest TCP segment (headers included) the NIC accepts for TSO; 0 when it has no TSO. */
    default int tsoMaxBytes() {
        return 0;
    }
}
