package dev.clm4j.io;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

/**
 * What a file system failure means, in words. The JDK often leaves the reason out and says it
 * only by the exception's type: an AccessDeniedException or a FileAlreadyExistsException has
 * just the path as its message, which printed alone tells the user nothing.
 */
public final class FileErrors {
    private FileErrors() {
    }

    /** "PATH: reason" (or "PATH -> OTHER: reason" for a failure about two files, as a move's). */
    public static String message(FileSystemException e) {
        String where = e.getFile() == null ? e.getOtherFile()
                : e.getOtherFile() == null ? e.getFile() : e.getFile() + " -> " + e.getOtherFile();
        return where == null ? reason(e) : where + ": " + reason(e);
    }

    /** The reason the operating system gave, in lower case as the rest of our messages, or one named by the type. */
    public static String reason(FileSystemException e) {
        String r = e.getReason();
        if (r != null && !r.isBlank()) {
            // "Is a directory", "Permission denied" from strerror; keep "ELOOP"-like words as they are.
            return r.length() > 1 && Character.isUpperCase(r.charAt(0)) && Character.isLowerCase(r.charAt(1))
                    ? Character.toLowerCase(r.charAt(0)) + r.substring(1) : r;
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (e instanceof NotLinkException) {
            return "not a symbolic link";
        }
        if (e instanceof FileSystemLoopException) {
            return "file system loop";
        }
        return "cannot access";
    }
}
