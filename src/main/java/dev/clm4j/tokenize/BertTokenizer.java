package dev.clm4j.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A BERT WordPiece tokenizer that gives the same ids as Hugging Face's for the same tokenizer.json:
 * special tokens written literally in the text, basic tokenization, WordPiece, [CLS] ... [SEP],
 * truncation. Words added later (adaptive tokenization) are matched as whole basic-tokenized words
 * before WordPiece and get ids after the base vocabulary.
 */
public final class BertTokenizer {
    private final Map<String, Integer> vocab;
    private final List<String> tokens;
    private final BasicTokenizer basic;
    private final WordPiece wordPiece;
    private final List<String> specialLiterals;
    private final Map<String, Integer> added = new HashMap<>();
    private final List<String> addedOrder = new ArrayList<>();
    private final int clsId;
    private final int sepId;
    private final int padId;
    private final int unkId;
    private final int baseVocabSize;

    BertTokenizer(List<String> tokensById, BertNormalizer normalizer, String continuationPrefix, String unk,
                  int maxCharsPerWord, List<String> specialLiterals) {
        this.tokens = new ArrayList<>(tokensById);
        this.vocab = new HashMap<>();
        for (int i = 0; i < tokensById.size(); i++) {
            if (tokensById.get(i) != null) {
                vocab.putIfAbsent(tokensById.get(i), i);
            }
        }
        this.basic = new BasicTokenizer(normalizer);
        this.wordPiece = new WordPiece(vocab, continuationPrefix, unk, maxCharsPerWord);
        this.specialLiterals = List.copyOf(specialLiterals);
        this.clsId = required("[CLS]");
        this.sepId = required("[SEP]");
        this.padId = required("[PAD]");
        this.unkId = required(unk);
        this.baseVocabSize = tokens.size();
    }

    private int required(String token) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException("the vocabulary has no " + token + " token");
        }
        return id;
    }

    /** From a Hugging Face tokenizer.json on the classpath (for example inside a model jar). */
    public static BertTokenizer fromResource(String resource) {
        String path = resource.startsWith("/") ? resource : "/" + resource;
        try (InputStream in = BertTokenizer.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no tokenizer resource " + path + " on the classpath");
            }
            return fromJson(new ObjectMapper().readTree(in), path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + path, e);
        }
    }

    public static BertTokenizer fromFile(Path tokenizerJson) throws IOException {
        return fromJson(new ObjectMapper().readTree(tokenizerJson.toFile()), tokenizerJson.toString());
    }

    /** From a vocab.txt (one token per line, id = line number) and BERT's usual flags. */
    public static BertTokenizer fromVocabTxt(Path vocabTxt, boolean lowercase) throws IOException {
        List<String> lines = Files.readAllLines(vocabTxt, StandardCharsets.UTF_8);
        return new BertTokenizer(lines, new BertNormalizer(true, true, lowercase, lowercase), "##", "[UNK]", 100,
                List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
    }

    static BertTokenizer fromJson(JsonNode root, String source) {
        JsonNode model = root.path("model");
        if (!"WordPiece".equals(model.path("type").asText())) {
            throw new IllegalArgumentException(source + ": not a WordPiece tokenizer (model.type " + model.path("type") + ")");
        }
        JsonNode vocabNode = model.path("vocab");
        List<String> byId = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id = e.getValue().asInt();
            while (byId.size() <= id) {
                byId.add(null);
            }
            byId.set(id, e.getKey());
        }
        JsonNode norm = root.path("normalizer");
        boolean lowercase = norm.path("lowercase").asBoolean(true);
        JsonNode strip = norm.path("strip_accents");
        boolean stripAccents = strip.isNull() || strip.isMissingNode() ? lowercase : strip.asBoolean();
        BertNormalizer normalizer = new BertNormalizer(norm.path("clean_text").asBoolean(true),
                norm.path("handle_chinese_chars").asBoolean(true), stripAccents, lowercase);
        List<String> specials = new ArrayList<>();
        for (JsonNode t : root.path("added_tokens")) {
            if (t.path("special").asBoolean(false) && !t.path("normalized").asBoolean(false)) {
                specials.add(t.path("content").asText());
            }
        }
        return new BertTokenizer(byId, normalizer, model.path("continuing_subword_prefix").asText("##"),
                model.path("unk_token").asText("[UNK]"), model.path("max_input_chars_per_word").asInt(100), specials);
    }

    /** Basic tokens (normalised words and punctuation) of a text. */
    public List<String> basicTokens(String text) {
        return basic.tokenize(text);
    }

    /** WordPiece pieces of one basic token, ignoring added words. */
    public List<String> wordPieces(String word) {
        return wordPiece.split(word);
    }

    /** Token ids of the text without [CLS]/[SEP]. */
    public List<Integer> tokenIds(String text) {
        List<Integer> ids = new ArrayList<>();
        for (String segment : splitOnSpecials(text)) {
            Integer special = specialLiterals.contains(segment) ? vocab.get(segment) : null;
            if (special != null) {
                ids.add(special);
                continue;
            }
            for (String word : basic.tokenize(segment)) {
                Integer whole = added.get(word);
                if (whole != null) {
                    ids.add(whole);
                    continue;
                }
                for (String piece : wordPiece.split(word)) {
                    ids.add(vocab.getOrDefault(piece, unkId));
                }
            }
        }
        return ids;
    }

    /** [CLS] ids [SEP], cut to at most maxLen ids in all (the text is cut, the special tokens stay). */
    public int[] encode(String text, int maxLen) {
        if (maxLen < 2) {
            throw new IllegalArgumentException("maxLen must leave room for [CLS] and [SEP], got " + maxLen);
        }
        List<Integer> ids = tokenIds(text);
        int keep = Math.min(ids.size(), maxLen - 2);
        int[] out = new int[keep + 2];
        out[0] = clsId;
        for (int i = 0; i < keep; i++) {
            out[i + 1] = ids.get(i);
        }
        out[keep + 1] = sepId;
        return out;
    }

    /** A padded batch: ids [batch * seqLen], mask 1/0, per-text truncation flags. */
    public Batch encodeBatch(List<String> texts, int maxLen) {
        int[][] all = new int[texts.size()][];
        boolean[] truncated = new boolean[texts.size()];
        int longest = 2;
        for (int i = 0; i < all.length; i++) {
            int full = tokenIds(texts.get(i)).size() + 2;
            all[i] = encode(texts.get(i), maxLen);
            truncated[i] = full > maxLen;
            longest = Math.max(longest, all[i].length);
        }
        int[] ids = new int[all.length * longest];
        float[] mask = new float[all.length * longest];
        Arrays.fill(ids, padId);
        for (int b = 0; b < all.length; b++) {
            System.arraycopy(all[b], 0, ids, b * longest, all[b].length);
            Arrays.fill(mask, b * longest, b * longest + all[b].length, 1f);
        }
        return new Batch(ids, mask, all.length, longest, truncated);
    }

    /** A padded batch of encoded texts. */
    public record Batch(int[] ids, float[] mask, int batch, int seqLen, boolean[] truncated) {
    }

    /**
     * Adds whole-word vocabulary entries (normalised words as basic tokenization produces them), with
     * ids from {@link #vocabSize()} upward; a word already added or in the vocabulary is refused.
     */
    public void addWords(List<String> words) {
        for (String w : words) {
            if (added.containsKey(w) || vocab.containsKey(w)) {
                throw new IllegalArgumentException("'" + w + "' is already a token");
            }
            if (!basic.tokenize(w).equals(List.of(w))) {
                throw new IllegalArgumentException("'" + w + "' is not a single normalised word");
            }
            added.put(w, tokens.size());
            addedOrder.add(w);
            tokens.add(w);
        }
    }

    /** Added words in id order (what a saved model stores to rebuild this tokenizer). */
    public List<String> addedWords() {
        return List.copyOf(addedOrder);
    }

    public int vocabSize() {
        return tokens.size();
    }

    public int baseVocabSize() {
        return baseVocabSize;
    }

    public String token(int id) {
        String t = tokens.get(id);
        return t == null ? "[UNK]" : t;
    }

    /** The id of a token or added word, or -1. */
    public int id(String token) {
        Integer id = vocab.get(token);
        if (id == null) {
            id = added.get(token);
        }
        return id == null ? -1 : id;
    }

    public int clsId() {
        return clsId;
    }

    public int sepId() {
        return sepId;
    }

    public int padId() {
        return padId;
    }

    public int unkId() {
        return unkId;
    }

    /** Splits raw text around literal special tokens ("[SEP]" typed in the text is the token itself). */
    private List<String> splitOnSpecials(String text) {
        List<String> out = new ArrayList<>();
        int pos = 0;
        while (pos < text.length()) {
            int best = -1;
            String bestToken = null;
            for (String s : specialLiterals) {
                int at = text.indexOf(s, pos);
                if (at >= 0 && (best < 0 || at < best || (at == best && s.length() > bestToken.length()))) {
                    best = at;
                    bestToken = s;
                }
            }
            if (best < 0) {
                out.add(text.substring(pos));
                break;
            }
            if (best > pos) {
                out.add(text.substring(pos, best));
            }
            out.add(bestToken);
            pos = best + bestToken.length();
        }
        return out;
    }
}
