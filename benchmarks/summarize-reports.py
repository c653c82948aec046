#!/usr/bin/env python3
"""Markdown table of `clm finetune --report` JSON files: one row per variant (the file name without its
`-sN` seed suffix, e.g. clm-ml4-s0.json is variant clm-ml4), mean and sample std over the seeds
found. Usage: benchmarks/summarize-reports.py DIR [DIR ...]"""
import re
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

def main(dirs):
    groups = defaultdict(list)
    for d in dirs:
        for f in sorted(Path(d).glob("*.json")):
            r = json.loads(f.read_text())
            rate = "-" if r["method"] == "head" else f'{r["encoder_lr"]:g}'
            variant = re.sub(r"-s\d+$", "", f.stem)
            groups[(Path(r["train"]).parent.name, variant, rate)].append(r)
    full_time = {ds: statistics.mean(x["train_seconds"] for x in runs)
                 for (ds, v, _), runs in groups.items() if v == "full"}
    # Process CPU seconds of training (reports from 2026-11-22 on): unlike wall time, not inflated
    # by other tenants of a shared machine. A mean only when every seed has it.
    def cpu(runs):
        xs = [r.get("train_cpu_seconds") for r in runs]
        return statistics.mean(xs) if xs and all(x is not None for x in xs) else None
    full_cpu = {ds: cpu(runs) for (ds, v, _), runs in groups.items() if v == "full"}
    print("| dataset | variant | encoder lr | seeds | accuracy % (mean ± std) | macro-F1 % | train s (mean) | vs full "
          "| train CPU s | CPU vs full | trainable params |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for (ds, method, rate), runs in sorted(groups.items()):
        acc = [100 * r["accuracy"] for r in runs]
        f1 = [100 * r["macro_f1"] for r in runs]
        secs = statistics.mean(r["train_seconds"] for r in runs)
        sd = lambda xs: statistics.stdev(xs) if len(xs) > 1 else 0.0
        rel = f"{secs / full_time[ds]:.2f}" if ds in full_time else "-"
        seeds = ",".join(str(r["seed"]) for r in sorted(runs, key=lambda r: r["seed"]))
        c = cpu(runs)
        cpu_s = "-" if c is None else f"{c:.0f}"
        cpu_rel = f"{c / full_cpu[ds]:.2f}" if c is not None and full_cpu.get(ds) else "-"
        print(f"| {ds} | {method} | {rate} | {seeds} | {statistics.mean(acc):.2f} ± {sd(acc):.2f} | "
              f"{statistics.mean(f1):.2f} ± {sd(f1):.2f} | {secs:.0f} | {rel} | {cpu_s} | {cpu_rel} | {runs[0]['trainable_params']:,} |")

if __name__ == "__main__":
    main(sys.argv[1:] or ["runs/b77"])
