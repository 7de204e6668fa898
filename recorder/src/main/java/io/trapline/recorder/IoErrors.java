package io.trapline.recorder;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** Why a file could not be read, in words for an error line (the JDK's own message is sometimes only "Input length = 1"). */
public final class IoErrors {
    private IoErrors() {
    }

    /**
     * Whether {@code t} is a fault on mapped memory: a page of a mapped file that cannot be read or backed (the file
     * is shorter than the mapping, or its file system is full) raises SIGBUS, which the JVM reports as an
     * InternalError about an "unsafe memory access".
     */
    public static boolean isMappedMemoryFault(Throwable t) {
        return t instanceof InternalError && String.valueOf(t.getMessage()).contains("unsafe memory access");
    }

    public static String describe(IOException e) {
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException f && f.getReason() == null) {
            return "no such file or directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
