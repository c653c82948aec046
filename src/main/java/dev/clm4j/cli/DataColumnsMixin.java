package dev.clm4j.cli;

import dev.clm4j.io.data.DatasetReader;
import picocli.CommandLine.Option;

/** Column (or JSON field) names of the data files. */
final class DataColumnsMixin {
    @Option(names = "--text-column", defaultValue = "text", description = "Text column (default ${DEFAULT-VALUE}).")
    String text;

    @Option(names = "--label-column", defaultValue = "label", description = "Label column (default ${DEFAULT-VALUE}).")
    String label;

    DatasetReader reader() {
        return new DatasetReader(text, label);
    }
}
