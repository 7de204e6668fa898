package io.trapline.emulator.virtio.ring;

/**
 * Each way a driver can break a split virtqueue. Every one is a device error in the sense of virtio 1.2
 * section 2.1.2 (the device sets DEVICE_NEEDS_RESET and stops using the queue); where QEMU 7.2 has the same
 * rule (hw/virtio/virtio.c calls virtio_error) the constant says so.
 */
public enum RingError {
    /** Ring structure (descriptor table, avail or used ring) is not in guest RAM. */
    RING_OUT_OF_RAM,
    /** avail->idx moved more than the queue size past the device's position (QEMU: "Guest moved used index"). */
    AVAIL_IDX_JUMP,
    /** The device holds as many unfinished elements as the ring has (CVE-2016-5403; QEMU: "Virtqueue size exceeded"). */
    QUEUE_SIZE_EXCEEDED,
    /** A head or next index is not below the queue (or indirect table) size (QEMU: "Desc index is ..."). */
    DESCRIPTOR_INDEX_OUT_OF_RANGE,
    /** The chain used up its hop budget (the table size): it loops (QEMU: "Looped descriptor"). */
    CHAIN_LOOP,
    /** More buffers than one element may hold (QEMU caps an element at VIRTQUEUE_MAX_SIZE = 1024). */
    CHAIN_TOO_LONG,
    /** INDIRECT set although VIRTIO_F_INDIRECT_DESC was not negotiated (virtio 1.2, 2.7.5.3.1). */
    INDIRECT_NOT_NEGOTIATED,
    /** INDIRECT together with NEXT (virtio 1.2, 2.7.5.3.1: the driver MUST NOT set both). */
    INDIRECT_WITH_NEXT,
    /** An indirect table entry is itself INDIRECT (2.7.5.3.1; QEMU: "Indirect descriptor in indirect descriptor"). */
    INDIRECT_IN_INDIRECT,
    /** Indirect table length zero or not a multiple of 16 (QEMU: "Invalid size for indirect buffer table"). */
    INDIRECT_TABLE_SIZE,
    /** A zero-length buffer (QEMU: "zero sized buffers are not allowed"). */
    ZERO_LENGTH_BUFFER,
    /** A device-readable buffer after a device-writable one (2.7.4.2; QEMU: "Incorrect order for descriptors"). */
    READABLE_AFTER_WRITABLE,
    /** A buffer (or its end) lies outside guest RAM (QEMU: "bogus descriptor or out of resources"). */
    BUFFER_OUT_OF_RAM
}
