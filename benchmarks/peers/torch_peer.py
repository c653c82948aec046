#!/usr/bin/env python3
"""PyTorch peer for `clm bench`: the same BERT-family architecture (post-LN layers, erf GELU,
mean pooling, linear head), random weights of the same shapes, the same batch and sequence length.
Prints one JSON line like `clm bench`: ms_per_iter (median), seq_per_s, settings.

  python3 torch_peer.py train --batch 32 --seq 64 --threads 2            # CPU, full finetuning step
  python3 torch_peer.py infer --batch 32 --seq 128 --threads 2
  python3 torch_peer.py train --device cuda --batch 32 --seq 128       # GPU, eager
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Layer(nn.Module):
    def __init__(self, hidden, heads, inter, eps):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(hidden, hidden)
        self.k = nn.Linear(hidden, hidden)
        self.v = nn.Linear(hidden, hidden)
        self.o = nn.Linear(hidden, hidden)
        self.ln1 = nn.LayerNorm(hidden, eps=eps)
        self.up = nn.Linear(hidden, inter)
        self.down = nn.Linear(inter, hidden)
        self.ln2 = nn.LayerNorm(hidden, eps=eps)

    def forward(self, x, bias):
        b, t, h = x.shape
        d = h // self.heads

        def split(y):
            return y.view(b, t, self.heads, d).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + bias
        ctx = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, h)
        x = self.ln1(x + self.o(ctx))
        return self.ln2(x + self.down(F.gelu(self.up(x))))


class Encoder(nn.Module):
    def __init__(self, vocab=30522, hidden=384, layers=6, heads=12, inter=1536, positions=512, classes=77, eps=1e-12):
        super().__init__()
        self.words = nn.Embedding(vocab, hidden)
        self.pos = nn.Embedding(positions, hidden)
        self.types = nn.Embedding(2, hidden)
        self.ln = nn.LayerNorm(hidden, eps=eps)
        self.layers = nn.ModuleList([Layer(hidden, heads, inter, eps) for _ in range(layers)])
        self.head = nn.Linear(hidden, classes)

    def forward(self, ids, mask):
        t = ids.shape[1]
        pos = torch.arange(t, device=ids.device)
        x = self.ln(self.words(ids) + self.pos(pos)[None] + self.types(torch.zeros_like(ids)))
        bias = (1.0 - mask[:, None, None, :]) * -1e9
        for layer in self.layers:
            x = layer(x, bias)
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        return self.head(pooled)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["infer", "train"])
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=None)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args()
    seq = args.seq or (128 if args.mode == "infer" else 64)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    dev = torch.device(args.device)
    model = Encoder(layers=args.layers).to(dev)
    ids = torch.randint(1000, 21000, (args.batch, seq), device=dev)
    mask = torch.ones(args.batch, seq, device=dev)
    labels = torch.randint(0, 77, (args.batch,), device=dev)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-5, weight_decay=0.01)

    def sync():
        if dev.type == "cuda":
            torch.cuda.synchronize()

    def step():
        if args.mode == "infer":
            with torch.no_grad():
                model(ids, mask)
        else:
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(ids, mask), labels)
            loss.backward()
            opt.step()
        sync()

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.iters):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1e3)
    ms = statistics.median(times)
    print(json.dumps({"peer": "pytorch " + torch.__version__, "mode": args.mode, "device": args.device,
                      "threads": torch.get_num_threads(), "batch": args.batch, "seq": seq, "iters": args.iters,
                      "ms_per_iter": ms, "min_ms": min(times), "seq_per_s": args.batch / (ms / 1e3)}))


if __name__ == "__main__":
    main()
