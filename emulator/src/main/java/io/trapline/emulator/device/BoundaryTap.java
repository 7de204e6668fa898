package io.trapline.emulator.device;

/**
 * Something that sits on a device's boundary without the device knowing: the recorder uses it to capture
 * every input and output. The machine calls both methods when a device is plugged: the context before the
 * device is built (so the device only ever sees the wrapped context), the device right after.
 */
public interface BoundaryTap {

    /** Wraps the context that device number {@code deviceIndex} will be built with. */
    DeviceContext wrapContext(int deviceIndex, DeviceContext context);

    /** Wraps the device itself, so that its inputs pass through the tap. */
    Device wrapDevice(int deviceIndex, Device device);

    /** No tap: the context and the device as they are. */
    BoundaryTap NONE = new BoundaryTap() {
        @Override
        public DeviceContext wrapContext(int deviceIndex, DeviceContext context) {
            return context;
        }

        @Override
        public Device wrapDevice(int deviceIndex, Device device) {
            return device;
        }
    };
}
