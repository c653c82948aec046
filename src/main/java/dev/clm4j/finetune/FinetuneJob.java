package dev.clm4j.finetune;

import dev.clm4j.finetune.clm.ClmMethod;
import dev.clm4j.io.InputError;
import dev.clm4j.io.data.Example;
import dev.clm4j.model.BertEncoder;
import dev.clm4j.model.Classifier;
import dev.clm4j.model.ModelCard;
import dev.clm4j.model.Pretrained;
import dev.clm4j.nn.ClassifierHead;
import dev.clm4j.nn.Pooling;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tokenize.BertTokenizer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * One finetuning run from labelled texts to a trained classifier and its test scores: the model
 * and tokenizer, the method's preparation (token groups, new tokens), tokenization, a validation
 * split, training, and evaluation. The CLI and the experiment runner both call this.
 */
public final class FinetuneJob {

    /** Everything a run produced. */
    public record Outcome(Classifier model, BertTokenizer tokenizer, LabelSet labels, TrainResult training,
                          Metrics test, Map<String, Object> details) {
    }

    private final Backend backend;
    private final ModelCard card;
    private final TrainConfig config;
    private final Pooling pooling;
    private final PrintStream log;

    public FinetuneJob(Backend backend, ModelCard card, TrainConfig config, Pooling pooling, PrintStream log) {
        this.backend = backend;
        this.card = card;
        this.config = config;
        this.pooling = pooling;
        this.log = log;
    }

    public Outcome run(TrainingMethod method, List<Example> train, List<Example> test, LabelSet labels) {
        Map<String, Object> details = new LinkedHashMap<>();
        BertTokenizer tokenizer = Pretrained.tokenizer(card);
        BertEncoder encoder = Pretrained.encoder(backend, card);
        requireFits(config.maxLen(), encoder.config().maxPositions(), card.name());
        ClassifierHead head = new ClassifierHead(backend, new SplittableRandom(config.seed()), encoder.config().hidden(),
                labels.size(), pooling);
        Classifier model = new Classifier(encoder, head);

        // Stages 1 and 2 of clm run here, before the trainer, on the raw texts. They are the method's
        // work, so their time is added to the training time (the mean lengths are only for the report).
        double prepSeconds = 0;
        double prepCpuSeconds = 0;
        if (method instanceof ClmMethod clm) {
            List<String> texts = train.stream().map(Example::text).toList();
            int[] ids = train.stream().mapToInt(e -> labels.id(e.label())).toArray();
            double before = meanLength(tokenizer, texts);
            long t0 = System.nanoTime();
            double cpu0 = ProcessCpu.seconds();
            List<String> words = clm.prepare(texts, ids, labels.labels(), new TokenizerVocabulary(tokenizer));
            if (!words.isEmpty()) {
                AdaptiveTokens.add(backend, tokenizer, encoder, words);
                int first = tokenizer.vocabSize() - words.size();
                int[] newIds = new int[words.size()];
                for (int i = 0; i < newIds.length; i++) {
                    newIds[i] = first + i;
                }
                clm.newTokensAdded(newIds);
            }
            prepSeconds = (System.nanoTime() - t0) / 1e9;
            prepCpuSeconds = ProcessCpu.seconds() - cpu0;
            details.put("preparation_seconds", prepSeconds);
            log.printf("token groups%s: %.1fs%n", words.isEmpty() ? "" : " and new tokens", prepSeconds);
            if (!words.isEmpty()) {
                double after = meanLength(tokenizer, texts);
                details.put("mean_tokens_before_new_tokens", before);
                details.put("mean_tokens_after_new_tokens", after);
                log.printf("adaptive tokenization: %d new tokens, mean sequence %.2f -> %.2f tokens (%.1f%% shorter)%n",
                        words.size(), before, after, 100 * (before - after) / before);
            }
        }

        Tokenized trainTok = tokenize(tokenizer, train, labels);
        Tokenized testTok = tokenize(tokenizer, test, labels);
        details.put("truncated_train_texts", trainTok.truncated);
        details.put("truncated_test_texts", testTok.truncated);

        List<TokenizedExample> fit = new ArrayList<>(trainTok.examples);
        List<TokenizedExample> validation = new ArrayList<>();
        if (config.valFraction() > 0) {
            Collections.shuffle(fit, new Random(config.seed()));
            int nVal = (int) Math.round(fit.size() * config.valFraction());
            validation = new ArrayList<>(fit.subList(0, nVal));
            fit = new ArrayList<>(fit.subList(nVal, fit.size()));
        }
        details.put("train_examples", fit.size());
        details.put("validation_examples", validation.size());

        Trainer trainer = new Trainer(backend, config, tokenizer.padId(), log);
        TrainResult result = trainer.fit(model, method, fit, validation).plusPreparation(prepSeconds, prepCpuSeconds);
        Evaluator evaluator = new Evaluator(backend, Math.max(64, config.batchSize()), tokenizer.padId());
        Metrics metrics = evaluator.evaluate(model, testTok.examples, labels);
        if (method instanceof ClmMethod clm) {
            details.put("method_details", clm.report());
        }
        return new Outcome(model, tokenizer, labels, result, metrics, details);
    }

    private record Tokenized(List<TokenizedExample> examples, int truncated) {
    }

    private Tokenized tokenize(BertTokenizer tokenizer, List<Example> data, LabelSet labels) {
        List<TokenizedExample> out = new ArrayList<>(data.size());
        int truncated = 0;
        for (Example e : data) {
            TokenizedExample t = TextEncoding.encode(tokenizer, e.text(), labels.id(e.label()), config.maxLen());
            truncated += t.truncated() ? 1 : 0;
            out.add(t);
        }
        return new Tokenized(out, truncated);
    }

    private double meanLength(BertTokenizer tokenizer, List<String> texts) {
        long sum = 0;
        for (String t : texts) {
            sum += TextEncoding.encode(tokenizer, t, 0, config.maxLen()).ids().length;
        }
        return (double) sum / Math.max(1, texts.size());
    }

    /** A text longer than the model's position table cannot be encoded: say so before any work. */
    public static void requireFits(int maxLen, int maxPositions, String model) {
        if (maxLen > maxPositions) {
            throw new InputError("--max-len " + maxLen + " is more than the " + maxPositions + " positions " + model + " has");
        }
    }
}
