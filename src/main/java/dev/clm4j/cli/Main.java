package dev.clm4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `clm` command line. Exit status 2 means bad input; the message names the file and line. */
@Command(name = "clm", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
        description = "Finetune small pretrained encoders into fast text classifiers.",
        subcommands = {FinetuneCommand.class, EvalCommand.class, PredictCommand.class, EmbedCommand.class,
                TokensCommand.class, BenchCommand.class, DemoCommand.class, DeltaCommand.class,
                ExperimentCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit status (for tests). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setParameterExceptionHandler(new ErrorHandler());
        return cli.execute(args);
    }
}
