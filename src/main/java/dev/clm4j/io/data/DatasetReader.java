package dev.clm4j.io.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clm4j.io.InputError;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

/**
 * Reads labelled texts from CSV (a header row, RFC 4180 quoting, UTF-8) or JSON lines (one object
 * per line), by column names. Every problem is an {@link InputError} naming the file and line.
 */
public final class DatasetReader {
    private final String textColumn;
    private final String labelColumn;

    public DatasetReader(String textColumn, String labelColumn) {
        this.textColumn = textColumn;
        this.labelColumn = labelColumn;
    }

    public static DatasetReader standard() {
        return new DatasetReader("text", "label");
    }

    /** All examples of the file; the format follows the extension (.jsonl/.json: JSON lines, else CSV). */
    public List<Example> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw InputError.at(file, 0, "no such file");
        } catch (IOException e) {
            throw InputError.at(file, 0, "cannot read: " + e.getMessage());
        }
        String content = StrictUtf8.decode(bytes, file);
        // Said before either format looks for a header or a record, which would only report what is
        // missing from the empty header ("no column 'text' in the header []"). Blank lines alone are
        // as empty: there is no header and no record in them.
        if (content.isBlank()) {
            throw InputError.at(file, 0, "empty file");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        List<Example> examples = name.endsWith(".jsonl") || name.endsWith(".json")
                ? readJsonLines(content, file) : readCsv(content, file);
        if (examples.isEmpty()) {
            throw InputError.at(file, 0, "no examples");
        }
        return examples;
    }

    private List<Example> readCsv(String content, Path file) {
        // The header's names are checked below, in our words: commons-csv is told to accept empty and
        // repeated names, which it would otherwise refuse with an IllegalArgumentException (or, for
        // repeats, accept while its records stop being "consistent").
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
                .setAllowMissingColumnNames(true).setDuplicateHeaderMode(DuplicateHeaderMode.ALLOW_ALL).build();
        List<Example> out = new ArrayList<>();
        CSVParser parser;
        try {
            parser = CSVParser.parse(new StringReader(content), format);
        } catch (IOException | UncheckedIOException e) {
            throw malformed(content, file, 1, e); // a broken header row
        }
        try (parser) {
            List<String> header = parser.getHeaderNames();
            for (String col : List.of(textColumn, labelColumn)) {
                int count = Collections.frequency(header, col);
                if (count == 0) {
                    throw InputError.at(file, 1, "no column '" + col + "' in the header " + header);
                }
                // Other columns are not read, so only the two we look up by name must be unambiguous
                // (an unnamed first column, as pandas writes its index, is fine).
                if (count > 1) {
                    throw InputError.at(file, 1, "duplicate column '" + col + "' in the header");
                }
            }
            Iterator<CSVRecord> records = parser.iterator();
            while (true) {
                long recordLine = parser.getCurrentLineNumber() + 1;
                CSVRecord rec;
                try {
                    if (!records.hasNext()) {
                        break;
                    }
                    rec = records.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    // commons-csv reports a parse failure (an unbalanced quote...) as an unchecked one.
                    throw malformed(content, file, recordLine, e);
                }
                if (rec.size() == 1 && rec.get(0).isEmpty()) {
                    continue; // a blank line
                }
                // Against the header's width, not rec.isConsistent(), which compares with the number of
                // distinct names and so fails every record of a header with a repeated or empty name.
                if (rec.size() != header.size()) {
                    throw InputError.at(file, recordLine, "expected " + header.size() + " fields, found " + rec.size());
                }
                out.add(example(rec.get(textColumn), rec.get(labelColumn), recordLine, file));
            }
        } catch (IOException e) {
            throw InputError.at(file, 0, "cannot read CSV: " + e.getMessage()); // closing a StringReader
        }
        return out;
    }

    /**
     * The problem behind a commons-csv parse failure, in our words and at the line it is on. Its
     * messages name its own terms ("encapsulated token") and either the record's or the token's line,
     * so the file is scanned again here with RFC 4180's rules, as commons-csv applies them (only on
     * this error path). A failure the scan does not explain keeps commons-csv's message, at the line
     * where the record starts.
     */
    static InputError malformed(String content, Path file, long recordLine, Exception e) {
        int n = content.length();
        long line = 1;
        boolean fieldStart = true;
        for (int i = 0; i < n; i++) {
            char c = content.charAt(i);
            if (fieldStart && c == '"') {
                long opened = line;
                // Inside the quotes a doubled quote is a literal one and line breaks belong to the field.
                for (i++; ; i++) {
                    if (i >= n) {
                        return InputError.at(file, opened, "unterminated quoted field");
                    }
                    if (content.charAt(i) == '"') {
                        if (i + 1 < n && content.charAt(i + 1) == '"') {
                            i++;
                            continue;
                        }
                        break;
                    }
                    if (endsLine(content, i)) {
                        line++;
                    }
                }
                // After the closing quote commons-csv allows only white space before the comma or line end.
                int j = i + 1;
                for (; j < n && content.charAt(j) != ',' && content.charAt(j) != '\n' && content.charAt(j) != '\r'; j++) {
                    if (!Character.isWhitespace(content.charAt(j))) {
                        return InputError.at(file, line,
                                "text after the closing quote of a quoted field (a quote inside one is written twice)");
                    }
                }
                i = j - 1;
                fieldStart = false;
            } else if (c == ',') {
                fieldStart = true;
            } else if (endsLine(content, i)) {
                line++;
                fieldStart = true;
            } else {
                fieldStart = false; // a quote later in an unquoted field is an ordinary character
            }
        }
        String detail = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
        return InputError.at(file, recordLine, "malformed CSV (" + detail + ")");
    }

    /** Whether the character at i ends a line: LF, the LF of CR LF, or a lone CR (commons-csv's line count). */
    private static boolean endsLine(String s, int i) {
        char c = s.charAt(i);
        return c == '\n' || c == '\r' && (i + 1 >= s.length() || s.charAt(i + 1) != '\n');
    }

    private List<Example> readJsonLines(String content, Path file) {
        ObjectMapper json = new ObjectMapper();
        List<Example> out = new ArrayList<>();
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = json.readTree(l);
            } catch (JsonProcessingException e) {
                throw InputError.at(file, i + 1, "invalid JSON: " + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw InputError.at(file, i + 1, "expected a JSON object");
            }
            for (String col : List.of(textColumn, labelColumn)) {
                if (!node.hasNonNull(col)) {
                    throw InputError.at(file, i + 1, "no field '" + col + "'");
                }
            }
            out.add(example(node.get(textColumn).asText(), node.get(labelColumn).asText(), i + 1, file));
        }
        return out;
    }

    private static Example example(String text, String label, long line, Path file) {
        if (text.isBlank()) {
            throw InputError.at(file, line, "empty text");
        }
        if (label.isBlank()) {
            throw InputError.at(file, line, "empty label");
        }
        return new Example(text, label.strip(), line);
    }
}
