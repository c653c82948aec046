package dev.clm4j.tokenize;

import java.text.Normalizer;
import java.util.Locale;

/**
 * BERT's text normalisation, as Hugging Face's BertNormalizer does it, in its order: drop control
 * characters (and U+0000, U+FFFD) and turn whitespace into spaces; surround CJK ideographs with
 * spaces; strip accents (NFD, then drop non-spacing marks); lowercase.
 */
final class BertNormalizer {
    private final boolean cleanText;
    private final boolean handleChineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;

    BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {
        this.cleanText = cleanText;
        this.handleChineseChars = handleChineseChars;
        this.stripAccents = stripAccents;
        this.lowercase = lowercase;
    }

    String normalize(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cleanText) {
                if (cp == 0 || cp == 0xFFFD || CharClasses.isControl(cp)) {
                    continue;
                }
                if (CharClasses.isWhitespace(cp)) {
                    sb.append(' ');
                    continue;
                }
            }
            if (handleChineseChars && CharClasses.isChinese(cp)) {
                sb.append(' ').appendCodePoint(cp).append(' ');
            } else {
                sb.appendCodePoint(cp);
            }
        }
        String s = sb.toString();
        if (stripAccents) {
            s = stripMarks(Normalizer.normalize(s, Normalizer.Form.NFD));
        }
        if (lowercase) {
            s = s.toLowerCase(Locale.ROOT);
        }
        return s;
    }

    private static String stripMarks(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.getType(cp) != Character.NON_SPACING_MARK) {
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }
}
