package io.trapline.emulator.device;

import java.util.Locale;

/**
 * The device models trapline knows, by the model name captures record ({@code devices[].model}): where to
 * find their register names. Analysis, inspection and replay look models up here, so a new model is added
 * in one place.
 */
public final class DeviceCatalog {
    public static final String E1000 = "e1000";
    public static final String VIRTIO_NET = "virtio-net";

    private DeviceCatalog() {
    }

    /**
     * Register names for {@code model}; {@code transport} distinguishes virtio's legacy I/O BAR from its
     * modern capability regions (null when the model has only one layout). Unknown models name nothing.
     */
    public static RegisterNames registerNames(String model, String transport) {
        if (model == null) {
            return RegisterNames.NONE;
        }
        switch (model.toLowerCase(Locale.ROOT)) {
            default:
                return RegisterNames.NONE;
        }
    }
}
