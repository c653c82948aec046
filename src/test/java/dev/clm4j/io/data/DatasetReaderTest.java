package dev.clm4j.io.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.io.InputError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReaderTest {
    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private String errorOf(Path p) {
        return assertThrows(InputError.class, () -> DatasetReader.standard().read(p)).getMessage();
    }

    @Test
    void readsQuotedCsvWithLineNumbers() throws IOException {
        Path p = file("a.csv", "text,label\nhello there,greet\n\"a, quoted \"\"text\"\"\nover two lines\",other\nbye,greet\n");
        List<Example> ex = DatasetReader.standard().read(p);
        assertEquals(3, ex.size());
        assertEquals("a, quoted \"text\"\nover two lines", ex.get(1).text());
        assertEquals(3, ex.get(1).line());
        assertEquals(5, ex.get(2).line());
    }

    @Test
    void readsJsonLinesAndOtherColumnNames() throws IOException {
        Path p = file("a.jsonl", "{\"utterance\":\"hi\",\"intent\":\"greet\"}\n\n{\"utterance\":\"bye\",\"intent\":\"leave\"}\n");
        List<Example> ex = new DatasetReader("utterance", "intent").read(p);
        assertEquals(2, ex.size());
        assertEquals("leave", ex.get(1).label());
        assertEquals(3, ex.get(1).line());
    }

    @Test
    void missingFile() {
        String msg = errorOf(dir.resolve("nope.csv"));
        assertTrue(msg.contains("nope.csv") && msg.contains("no such file"), msg);
    }

    @Test
    void missingColumn() throws IOException {
        String msg = errorOf(file("b.csv", "sentence,label\nhi,x\n"));
        assertTrue(msg.contains("b.csv:1:") && msg.contains("'text'"), msg);
    }

    @Test
    void emptyText() throws IOException {
        String msg = errorOf(file("c.csv", "text,label\nhi,x\n  ,y\n"));
        assertTrue(msg.contains("c.csv:3:") && msg.contains("empty text"), msg);
    }

    @Test
    void unbalancedQuote() throws IOException {
        Path p = file("d.csv", "text,label\nhi,x\n\"never closed,y\nmore,z\n");
        assertEquals(p + ":3: unterminated quoted field", errorOf(p));
    }

    @Test
    void unbalancedQuoteAfterAMultiLineField() throws IOException {
        // The quoted field on lines 2-4 must count as three lines, not one record.
        Path p = file("d2.csv", "text,label\n\"one\ntwo\nthree\",x\nok,y\n\"never closed,z\nmore,w\n");
        String msg = errorOf(p);
        assertEquals(p + ":6: unterminated quoted field", msg);
        assertFalse(msg.contains("encapsulated") || msg.contains("startline"), msg);
    }

    @Test
    void unbalancedQuoteInALaterFieldIsReportedWhereItOpens() throws IOException {
        // The record starts on line 2; the unclosed quote opens on line 3 (and CR LF counts once).
        Path p = file("d3.csv", "text,label\r\n\"a\r\nb\",\"never closed\r\nmore,z\r\n");
        assertEquals(p + ":3: unterminated quoted field", errorOf(p));
    }

    @Test
    void unbalancedQuoteInTheHeader() throws IOException {
        Path p = file("d4.csv", "\"text,label\nhi,x\n");
        assertEquals(p + ":1: unterminated quoted field", errorOf(p));
    }

    @Test
    void textAfterAClosingQuote() throws IOException {
        Path p = file("d5.csv", "text,label\n\"multi\nline\" ,x\n\"quo\"ted,y\n");
        String msg = errorOf(p);
        assertTrue(msg.startsWith(p + ":4: text after the closing quote of a quoted field"), msg);
    }

    @Test
    void duplicateHeaderColumn() throws IOException {
        Path p = file("h.csv", "text,text,label\na,b,c\n");
        assertEquals(p + ":1: duplicate column 'text' in the header", errorOf(p));
    }

    @Test
    void unnamedAndRepeatedColumnsWeDoNotReadAreFine() throws IOException {
        // pandas' to_csv writes its index as a first column with an empty name.
        Path p = file("i.csv", ",text,label,x,x\n0,hi,a,1,2\n1,bye,b,3,4\n");
        List<Example> ex = DatasetReader.standard().read(p);
        assertEquals(2, ex.size());
        assertEquals("bye", ex.get(1).text());
        assertEquals("b", ex.get(1).label());
    }

    @Test
    void emptyFiles() throws IOException {
        for (String name : List.of("empty.csv", "empty.jsonl")) {
            Path p = file(name, "");
            assertEquals(p + ": empty file", errorOf(p));
        }
        Path blank = file("blank.csv", "\n\n");
        assertEquals(blank + ": empty file", errorOf(blank));
    }

    @Test
    void wrongFieldCount() throws IOException {
        String msg = errorOf(file("e.csv", "text,label\nhi,x\nthree,fields,here\n"));
        assertTrue(msg.contains("e.csv:3:") && msg.contains("expected 2 fields"), msg);
    }

    @Test
    void invalidUtf8() throws IOException {
        Path p = dir.resolve("f.csv");
        byte[] head = "text,label\nok,x\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = {'b', (byte) 0xC3, (byte) 0x28, ',', 'y', '\n'};
        byte[] all = new byte[head.length + bad.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bad, 0, all, head.length, bad.length);
        Files.write(p, all);
        String msg = errorOf(p);
        assertTrue(msg.contains("f.csv:3:") && msg.contains("invalid UTF-8"), msg);
    }

    @Test
    void invalidJsonLine() throws IOException {
        String msg = errorOf(file("g.jsonl", "{\"text\":\"a\",\"label\":\"b\"}\n{\"text\": oops}\n"));
        assertTrue(msg.contains("g.jsonl:2:") && msg.contains("invalid JSON"), msg);
    }
}
