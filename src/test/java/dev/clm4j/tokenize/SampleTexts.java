package dev.clm4j.tokenize;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Varied texts for tokenizer and encoder parity tests: accents, punctuation, digits, emoji, CJK, long words. */
public final class SampleTexts {
    private SampleTexts() {
    }

    public static List<String> sentences() {
        List<String> s = new ArrayList<>(List.of(
                "", "   ", "\t\n", "Hello, world!", "I am still waiting on my card?",
                "What can I do if my card still hasn't arrived after 2 weeks?",
                "Café naïve résumé — déjà vu; São Paulo, Zürich, Ångström, Ελληνικά, Русский текст",
                "Top-up of £20 failed :( why?? $100.50 + 3,000 euros = ???", "I'd like 2 x 10% off @ 5pm #deal",
                "日本語のテキストと中文字符混合 text", "한국어 문장도 있어요", "emoji 😀👍🏽 and ❤️ and 🇫🇷 flags",
                "supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopicvisilicovolcanoconiosis",
                "x".repeat(150), "ALL CAPS SHOUTING AND MiXeD cAsE", "tabs\there and\r\nnewlines\nagain",
                "zero\u200Bwidth\u200Djoiner and\u00A0non-breaking spaces\u2003em", "control\u0001chars\u007F and \uFFFD replacement",
                "quotes “curly” ‘single’ «guillemets» and dashes – — ‐", "math ∑ ∫ √ ≠ ≤ ≥ ± × ÷ and symbols © ® ™ § ¶",
                "urls https://example.com/path?q=1&b=2 and emails john.doe@mail.com",
                "numbers 1234567890 3.14159 1e-10 0x1F 1,234,567", "[CLS] literal [SEP] tokens [MASK] in text[PAD]",
                "ﬁnancial ligature ﬂ and fullwidth ＡＢＣ１２３", "Ⅷ roman ⅷ numerals and superscripts x² ³",
                "İstanbul ılık DİKKAT", "straße STRASSE", "overdraft top-up refund exchange rate virtual card pin"));
        String[] words = {"card", "top", "up", "refund", "the", "my", "exchange", "rate", "pin", "why", "Wire", "transfer",
                "didn't", "arrive", "£", "€", "¥", "$", "!", "?", "...", "(", ")", "-", "'", "\"", "naïve", "ATM", "apple pay",
                "contactless", "cryptocurrency", "un-verified", "e-mail", "123", "4.5", "日本", "😀", "ü", "ß", "ø", "é"};
        SplittableRandom rng = new SplittableRandom(42);
        for (int i = 0; i < 300; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + rng.nextInt(25);
            for (int w = 0; w < n; w++) {
                String word = words[rng.nextInt(words.length)];
                sb.append(rng.nextInt(5) == 0 ? word.toUpperCase() : word);
                sb.append(rng.nextInt(6) == 0 ? "" : " ");
            }
            s.add(sb.toString());
        }
        return s;
    }

}
