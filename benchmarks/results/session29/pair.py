# Pairs the movement runs (results/) seed by seed with the stored peers: clm, random-sparse (../clm-vs-random),
# fisher-sparse (../session26); mean difference in accuracy points with a 95% Student t interval.
import json, glob, os, sys, statistics as st
T = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365}
import pathlib; here = pathlib.Path(__file__).resolve().parent
stored = str(here.parent / 'clm-vs-random/results')
s26 = str(here.parent / 'session26/results')
def load(folder, ds, method):
    out = {}
    for f in glob.glob(f'{folder}/{ds}.full.{method}.seed*.json'):
        d = json.load(open(f))
        if d.get('status') == 'ok':
            out[d['seed']] = d
    return out
def pair(a, b, key='accuracy'):
    seeds = sorted(set(a) & set(b))
    diffs = [100 * (a[s][key] - b[s][key]) for s in seeds]
    if len(diffs) < 2:
        return seeds, diffs, None
    m = st.mean(diffs); h = T[len(diffs) - 1] * st.stdev(diffs) / len(diffs) ** 0.5
    return seeds, diffs, (m, m - h, m + h, sum(d > 0 for d in diffs))
for ds in ['banking77', 'clinc150']:
    mv = load(str(here / 'results'), ds, 'movement')
    peers = {'random-sparse': load(stored, ds, 'random-sparse'), 'clm': load(stored, ds, 'clm'),
             'fisher-sparse': load(s26, ds, 'fisher-sparse'), 'full': load(stored, ds, 'full'), 'head': load(stored, ds, 'head')}
    accs = [100 * mv[s]['accuracy'] for s in sorted(mv)]
    print(f'== {ds}: movement seeds {sorted(mv)} mean {st.mean(accs) if accs else float("nan"):.2f}'
          + (f' ± {st.stdev(accs):.2f}' if len(accs) > 1 else ''), [f'{a:.2f}' for a in accs])
    for name, p in peers.items():
        seeds, diffs, r = pair(mv, p)
        pa = [100 * p[s]['accuracy'] for s in seeds]
        if r:
            print(f'  movement minus {name:14s} on seeds {seeds}: {r[0]:+.2f} [{r[1]:+.2f}, {r[2]:+.2f}], ahead {r[3]}/{len(diffs)}; {name} mean {st.mean(pa):.2f}; per seed', ' '.join(f'{d:+.2f}' for d in diffs))
        elif seeds:
            print(f'  movement minus {name} on seeds {seeds}:', ' '.join(f'{d:+.2f}' for d in diffs))
