package io.trapline.recorder.qemu;

import io.trapline.recorder.CaptureException;
import org.tukaani.xz.XZInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opens an input file, decompressing xz or gzip when its first bytes say so (whatever its name). */
final class CompressedInput {
    private CompressedInput() {
    }

    static InputStream open(Path file) {
        try {
            InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            raw.mark(8);
            byte[] magic = new byte[6];
            int n = raw.readNBytes(magic, 0, 6);
            raw.reset();
            if (n == 6 && (magic[0] & 0xff) == 0xfd && magic[1] == '7' && magic[2] == 'z' && magic[3] == 'X'
                    && magic[4] == 'Z' && magic[5] == 0) {
                return new DecompressingReader(new XZInputStream(raw), "xz", file.getFileName().toString());
            }
            if (n >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
                return new DecompressingReader(new GZIPInputStream(raw, 1 << 16), "gzip", file.getFileName().toString());
            }
            return raw;
        } catch (NoSuchFileException e) {
            throw new CaptureException(file + ": no such file");
        } catch (IOException e) {
            throw new CaptureException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
