package dev.clm4j.cli;

import dev.clm4j.io.InputError;

/**
 * A problem with an option the user gave (as opposed to a file, which is an {@link InputError}):
 * printed as one line, `clm: problem`, with exit status 2.
 */
public class UserError extends InputError {
    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(message);
    }
}
