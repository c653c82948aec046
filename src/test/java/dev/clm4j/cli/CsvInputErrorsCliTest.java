package dev.clm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walkthrough's broken CSV files through `clm tokens`, which reads its training file before it
 * loads a model: exactly one line on stderr, in our words, and exit status 2.
 */
class CsvInputErrorsCliTest {
    @TempDir
    Path dir;

    private void assertError(String name, String content, String expected) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        CliTest.Run r = CliTest.run("", "tokens", "--train", p.toString());
        assertEquals(2, r.status(), r.err());
        assertEquals("clm: " + p + expected, r.err().strip());
    }

    @Test
    void duplicateHeaderColumn() throws Exception {
        assertError("dup.csv", "text,text,label\na,b,c\n", ":1: duplicate column 'text' in the header");
    }

    @Test
    void emptyFile() throws Exception {
        assertError("empty.csv", "", ": empty file");
        assertError("empty.jsonl", "", ": empty file");
    }

    @Test
    void unterminatedQuoteAfterAMultiLineField() throws Exception {
        assertError("quote.csv", "text,label\n\"two\nlines\",a\nok,b\n\"never closed,c\n", ":5: unterminated quoted field");
    }
}
