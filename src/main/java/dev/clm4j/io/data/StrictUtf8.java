package dev.clm4j.io.data;

import dev.clm4j.io.InputError;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Decodes a whole file as UTF-8, refusing invalid bytes with the line they are on. */
final class StrictUtf8 {
    private StrictUtf8() {
    }

    static String decode(byte[] bytes, Path file) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            throw InputError.at(file, lineOf(bytes, in.position()), "invalid UTF-8 at byte " + in.position());
        }
        r = decoder.flush(out);
        if (r.isError()) {
            throw InputError.at(file, lineOf(bytes, bytes.length), "invalid UTF-8 at the end of the file");
        }
        out.flip();
        String s = out.toString();
        // A byte-order mark is not part of the header's first column name.
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private static long lineOf(byte[] bytes, int position) {
        long line = 1;
        for (int i = 0; i < position && i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }
}
