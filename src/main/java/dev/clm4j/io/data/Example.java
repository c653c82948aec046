package dev.clm4j.io.data;

/** One labelled text, with the line of the file it started on (for error messages). */
public record Example(String text, String label, long line) {
}
