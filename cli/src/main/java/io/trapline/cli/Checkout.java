package io.trapline.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checkout this CLI was built in: defaults that live in or beside it (samples/, ../shared/captures/) are found
 * there, not relative to wherever the command runs.
 */
final class Checkout {
    private Checkout() {
    }

    /**
     * The checkout's root: this code runs from cli/target/trapline.jar or cli/target/classes, three levels below it.
     * Null when that is not where it runs from (a jar copied elsewhere).
     */
    static Path root() {
        try {
            Path code = Path.of(Checkout.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = code.getParent();
            if (target == null || !target.getFileName().toString().equals("target")) {
                return null;
            }
            Path cli = target.getParent();
            Path root = cli == null ? null : cli.getParent();
            return root != null && Files.isRegularFile(root.resolve("pom.xml")) ? root : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** {@code relative} resolved against the checkout's root when it exists there, else null. */
    static Path existing(String relative) {
        Path root = root();
        Path p = root == null ? null : root.resolve(relative).normalize();
        return p != null && Files.isDirectory(p) ? p : null;
    }
}
