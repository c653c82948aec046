package dev.clm4j.io;

import java.nio.file.Path;

/**
 * Something wrong with a file the user gave us: the message names the file and, where it applies,
 * the line. The CLI prints it as one line and exits with status 2.
 */
public class InputError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InputError(String message) {
        super(message);
    }

    public InputError(String message, Throwable cause) {
        super(message, cause);
    }

    /** "FILE:LINE: problem", or "FILE: problem" when line <= 0. */
    public static InputError at(Path file, long line, String problem) {
        return at(file.toString(), line, problem);
    }

    public static InputError at(String file, long line, String problem) {
        return new InputError(line > 0 ? file + ":" + line + ": " + problem : file + ": " + problem);
    }
}
