package dev.clm4j.experiment;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * The result file of one run (JSON, snake_case names). {@code status} is {@code ok} or
 * {@code failed}; a failed run has {@code error} and no scores. {@code trainSeconds} is the
 * trainer's time (linear probe and training, as in the finetune report); {@code wallSeconds} the
 * whole child process (model loading, tokenization and test evaluation included).
 * {@code config} holds every option the run shared with the others of its experiment;
 * {@code finetuneReport} the complete finetune report.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"dataset", "setting", "per_class", "method", "seed", "status", "error", "accuracy", "macro_f1",
    "trainable_params", "total_params", "train_seconds", "wall_seconds", "peak_heap_bytes", "peak_rss_bytes", "epochs",
    "base_method", "train", "test", "config", "date", "version", "finetune_report"})
public record RunResult(String dataset, String setting, Integer perClass, String method, long seed, String status,
                        String error, Double accuracy, Double macroF1, Long trainableParams, Long totalParams,
                        Double trainSeconds, Double wallSeconds, Long peakHeapBytes, Long peakRssBytes, int epochs,
                        String baseMethod, String train, String test, Map<String, Object> config, String date,
                        String version, Map<String, Object> finetuneReport) {
    public static final String OK = "ok";
    public static final String FAILED = "failed";

    @JsonIgnore
    public boolean ok() {
        return OK.equals(status);
    }

    /** The run's id, as {@link RunSpec#id()}. */
    @JsonIgnore
    public String id() {
        return dataset + "." + setting + "." + method + ".seed" + seed;
    }
}
