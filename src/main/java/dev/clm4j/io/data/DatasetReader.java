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
        try (CSVParser parser = CSVParser.parse(new StringReader(content), format)) {
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
                    // commons-csv reports an unbalanced quote as an unchecked failure at the end of input.
                    String msg = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
                    throw InputError.at(file, recordLine, "malformed CSV (" + msg + ")");
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
            throw InputError.at(file, 0, "cannot parse CSV: " + e.getMessage());
        }
        return out;
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
