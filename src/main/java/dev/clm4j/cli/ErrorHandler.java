package dev.clm4j.cli;

import dev.clm4j.io.FileErrors;
import dev.clm4j.io.InputError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import picocli.CommandLine;

/** Turns bad input into one line on stderr and exit status 2; leaves bugs with a stack trace. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    static final int BAD_INPUT = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        Throwable t = ex;
        if (t instanceof UncheckedIOException u) {
            t = u.getCause();
        }
        if (t instanceof InputError) {
            cmd.getErr().println("clm: " + t.getMessage());
            return BAD_INPUT;
        }
        if (t instanceof FileSystemException fs) {
            // Not getMessage(): for AccessDeniedException, FileAlreadyExistsException and others it is
            // the bare path, the reason being only in the exception's type.
            cmd.getErr().println("clm: " + FileErrors.message(fs));
            return BAD_INPUT;
        }
        if (t instanceof IOException io) {
            cmd.getErr().println("clm: " + io.getMessage());
            return BAD_INPUT;
        }
        throw new RuntimeException(ex);
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        // One line, as for every other bad input; the qualified name is "clm" or "clm finetune".
        String command = ex.getCommandLine().getCommandSpec().qualifiedName();
        ex.getCommandLine().getErr().println("clm: " + ex.getMessage() + " (see '" + command + " --help')");
        return BAD_INPUT;
    }
}
