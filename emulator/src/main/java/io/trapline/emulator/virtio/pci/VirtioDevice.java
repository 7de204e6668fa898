package io.trapline.emulator.virtio.pci;

/**
 * What the virtio-pci transport needs from a virtio device type (net, block...): its identity, features,
 * queues and configuration space, and the events it reacts to. The device calls back into
 * {@link VirtioPciTransport} for its rings and interrupts.
 */
public interface VirtioDevice {

    /** Virtio device type, virtio 1.2 section 5 (1 = network card). */
    int deviceType();

    /** PCI class code (base class, subclass, prog-if). */
    int pciClass();

    /** Features offered through the modern interface, transport bits included. */
    long deviceFeatures();

    /** Extra low bits offered only through the legacy interface (QEMU's legacy_features). */
    long legacyOnlyFeatures();

    int queueCount();

    int queueMaxSize(int queue);

    /** Bytes of device configuration space the driver can read. */
    int configSize();

    int configReadByte(int offset);

    void configWriteByte(int offset, int value, boolean legacy);

    /** The driver accepted {@code features} (applied when written; the transport checks them at FEATURES_OK). */
    void featuresNegotiated(long features);

    /** The driver set DRIVER_OK. */
    void driverOk();

    /** A notification (kick) for {@code queue}, which exists and is ready. */
    void queueNotified(int queue);

    /** Device reset (status written 0): drop all device state back to power-on values. */
    void reset();

    /** One queue was reset through queue_reset (VIRTIO_F_RING_RESET). */
    void queueReset(int queue);
}
