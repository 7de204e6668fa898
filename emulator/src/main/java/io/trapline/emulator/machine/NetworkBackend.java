package io.trapline.emulator.machine;

/** The other end of a NIC's cable: it takes transmitted frames and is told when the NIC can receive again. */
public interface NetworkBackend {

    /** Device {@code deviceIndex} transmitted a frame; the bytes are only valid during the call. */
    void transmit(int deviceIndex, byte[] frame, int offset, int length);

    /** Device {@code deviceIndex} can take frames again after refusing one. */
    void rxReady(int deviceIndex);

    NetworkBackend NONE = new NetworkBackend() {
        @Override
        public void transmit(int deviceIndex, byte[] frame, int offset, int length) {
        }

        @Override
        public void rxReady(int deviceIndex) {
        }
    };
}
