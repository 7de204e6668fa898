package io.trapline.emulator.machine;

/** Where device interrupts go: the guest's interrupt controller model, a recorder, or a test. */
public interface InterruptSink {

    /** Device {@code deviceIndex} set its INTx line to {@code asserted}. */
    void intx(int deviceIndex, boolean asserted);

    /** Device {@code deviceIndex} sent an MSI/MSI-X message. */
    void msi(int deviceIndex, long address, int data);

    InterruptSink NONE = new InterruptSink() {
        @Override
        public void intx(int deviceIndex, boolean asserted) {
        }

        @Override
        public void msi(int deviceIndex, long address, int data) {
        }
    };
}
