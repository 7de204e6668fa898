package io.trapline.recorder.qemu;

import io.trapline.recorder.CaptureException;

/**
 * A pcap the importer cannot put on the trace's clock (see {@link QemuImportOptions#allowUnalignedPcap}): its frames
 * would land at arbitrary points of the run. The message is one line naming the pcap and why; the import is refused
 * before its capture is made. A separate type so that a command line can say which of its options named the file.
 */
public final class UnalignedPcapException extends CaptureException {
    private static final long serialVersionUID = 1L;

    UnalignedPcapException(String message) {
        super(message);
    }
}
