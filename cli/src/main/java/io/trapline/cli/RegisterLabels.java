package io.trapline.cli;

import io.trapline.emulator.device.DeviceCatalog;
import io.trapline.emulator.device.RegisterNames;
import io.trapline.recorder.CaptureMetadata;

/** Finds the register names for a captured device from its model (and transport). */
final class RegisterLabels {
    private RegisterLabels() {
    }

    static RegisterNames forDevice(CaptureMetadata.DeviceInfo device) {
        if (device == null) {
            return RegisterNames.NONE;
        }
        return DeviceCatalog.registerNames(device.model(), device.transport());
    }
}
