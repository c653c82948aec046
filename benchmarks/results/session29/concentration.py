# Usage: python3 concentration.py banking77 clinc150, with /work/runs/s29/base-head (clm finetune --method head --epochs 1 --out ...: the
# pretrained encoder) and /work/runs/s29/full-DATASET-s0 (the scoring models) saved by the commands in ../tuning.md, session 29.
# How concentrated is full finetuning's change? Row scores = squared movement per row (+ bias),
# over the linears of layers 3-5 (the candidates of the clm mask), normalised by each matrix's mean
# as SparseMaskSelector does; the top rows up to 10% of the encoder's parameters (the clm budget),
# and the share of the total squared movement they hold, against random rows' expected share.
import json, struct, sys, glob, numpy as np
def read(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]; h = json.loads(f.read(n)); base = 8 + n
        out = {}
        for k, v in h.items():
            if k == '__metadata__': continue
            s, e = v['data_offsets']; f.seek(base + s)
            out[k] = np.frombuffer(f.read(e - s), dtype=np.float32).reshape(v['shape'])
        return out
base = read(glob.glob('/work/runs/s29/base-head/weights-*.safetensors')[0])
enc_params = sum(v.size for k, v in base.items() if not k.startswith('classifier'))
budget = 0.10 * enc_params
for ds in sys.argv[1:]:
    ft = read(glob.glob(f'/work/runs/s29/full-{ds}-s0/weights-*.safetensors')[0])
    rows = []  # (normalised score, raw score, cost, name)
    total = 0.0
    for k, w in base.items():
        if not k.endswith('.weight') or w.ndim != 2 or not k.startswith('encoder.layer.'): continue
        if int(k.split('.')[2]) < 3: continue
        b = k[:-len('weight')] + 'bias'
        s = ((ft[k] - w) ** 2).sum(axis=1) + (ft[b] - base[b]) ** 2
        total += s.sum()
        norm = s / s.mean()
        for r in range(len(s)):
            rows.append((norm[r], s[r], w.shape[1] + 1))
    rows.sort(key=lambda t: -t[0])
    spent = 0; held = 0.0; n = 0
    for nrm, raw, cost in rows:
        if spent + cost > budget: continue
        spent += cost; held += raw; n += 1
    cand_params = sum(c for _, _, c in rows)
    print(f'{ds}: {n} of {len(rows)} candidate rows ({spent / cand_params:.1%} of the candidates\' entries) hold '
          f'{held / total:.1%} of full finetuning\'s squared movement in layers 3-5 (random rows: about {spent / cand_params:.1%})')
    allmv = sum(((ft[k] - base[k]) ** 2).sum() for k in base if not k.startswith('classifier') and k in ft and ft[k].shape == base[k].shape)
    print(f'   layers 3-5 linears hold {total / allmv:.1%} of the encoder\'s total squared movement')
