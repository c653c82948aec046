package dev.clm4j.cli;

/**
 * A problem with what the user gave us (a file, a row, an option), as opposed to a bug. It is
 * printed as one line, `clm: FILE:LINE: problem`, and the process exits with status 2.
 */
public class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }

    /** An error located in a file, optionally at a line (line <= 0: no line). */
    public static UserError at(String file, long line, String problem) {
        return new UserError(line > 0 ? file + ":" + line + ": " + problem : file + ": " + problem);
    }
}
