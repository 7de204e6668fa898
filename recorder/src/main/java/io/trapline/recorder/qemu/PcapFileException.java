package io.trapline.recorder.qemu;

import io.trapline.recorder.CaptureException;

/**
 * A pcap that cannot be imported: not a regular file, not a classic Ethernet pcap, a record that is not one (a length
 * or time stamp no pcap writer produces), a compressed stream that breaks off or does not decode, or (with --strict) a
 * last record cut short. The message is one line naming the file (and the record and its byte offset); the import is
 * refused and leaves no capture. A separate type so that a command line can say which of its options named the file.
 */
public final class PcapFileException extends CaptureException {
    private static final long serialVersionUID = 1L;

    PcapFileException(String message) {
        super(message);
    }

    PcapFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
