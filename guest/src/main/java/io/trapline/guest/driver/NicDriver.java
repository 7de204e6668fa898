package io.trapline.guest.driver;

import io.trapline.guest.net.GuestNic;

/** A guest NIC driver model: the stack transmits through it; it probes its device and reports when the link is up. */
public interface NicDriver extends GuestNic {

    /** Probes and opens the device; {@code onLinkUp} runs once the interface carries traffic. */
    void start(Runnable onLinkUp);

    /** Interrupts its handlers took so far. */
    long interrupts();
}
