"""Scores Sift's scans and the peers on the held-out sets against the truth (issue 10).

    /usr/bin/python3 bench/heldout/evaluate.py [--data bench/data/heldout] [--out bench/results/heldout.json] [SET...]

Per set: the suspicion of the calibrated scan (`npm run scan` defaults) and of the `--no-calibrate` scan, AUROC, AP
and top-k precision (k = the number of poisoned rows; metrics.py); the calibrated run's estimate of poisoned rows
and its sentence; the best single Sift score column of either run by AUROC (picked with the truth: an upper mark,
not something Sift can choose); each peer (peers.py) and the best peer by AUROC; the calibrated run's top 20 rows
with their truth, and for the top 20 the score under which each poisoned kind ranks best (for the diagnosis).
"""

import argparse
import json
import os
import platform
import re
import subprocess

import numpy as np
import pandas as pd

import sys
sys.path.insert(0, os.path.dirname(__file__))
from metrics import quality  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SCORES = ['aum', 'meanLoss', 'forgetting', 'cartography', 'selfInfluence', 'knnDistance', 'knnDisagreement',
          'spectral', 'activationClustering', 'mahalanobis', 'selfConfidence', 'normalizedMargin', 'sharedValues']


def scan(d, name, mode, truth):
    out = os.path.join(d, f'scan-{mode}')
    csv = os.path.join(out, 'scores.csv')
    if not os.path.exists(csv):
        return None
    s = pd.read_csv(csv, keep_default_na=False, na_values=['']).set_index('id').loc[truth.index]
    stdout = open(os.path.join(out, 'stdout.txt')).read()
    run = json.load(open(os.path.join(out, 'run.json'))) if os.path.exists(os.path.join(out, 'run.json')) else {}
    r = {'suspicion': quality(truth['poisoned'], s['suspicion']),
         'scores': {c: quality(truth['poisoned'], s[c]) for c in SCORES if c in s},
         'seconds': run.get('seconds'), 'uptimeBefore': run.get('uptimeBefore'), 'uptimeAfter': run.get('uptimeAfter')}
    done = re.search(r'^done in .*$', stdout, re.M)
    r['done'] = done.group(0) if done else None
    flagged = re.search(r'^flagged .*$', stdout, re.M)
    r['flagged'] = flagged.group(0) if flagged else None
    manifest = [f for f in os.listdir(out) if f.endswith('.manifest.json')]
    cal = json.load(open(os.path.join(out, manifest[0]))).get('calibration') if manifest else None
    if cal:
        r['estimate'] = cal['estimate']
        r['sentence'] = cal['sentence']
        r['detectors'] = [{k: det[k] for k in ('kind', 'score', 'presentRows', 'canaryReach')}
                          for det in cal['model']['detectors']]
        r['clusters'] = len(cal['model'].get('clusters', []))
    elif mode == 'calibrated':
        note = re.search(r'^.*calibrat.*$', stdout, re.M)
        r['sentence'] = note.group(0) if note else 'no calibration recorded in the manifest'
    order = np.argsort(-s['suspicion'].to_numpy(), kind='stable')[:20]
    top = s.iloc[order]
    r['top20'] = [{'id': i, 'suspicion': round(float(top.loc[i, 'suspicion']), 4),
                   'poisoned': int(truth.loc[i, 'poisoned']), 'attack': truth.loc[i, 'attack']} for i in top.index]
    r['top20Poisoned'] = int(sum(t['poisoned'] for t in r['top20']))
    # The clean rows among the top k (k = the number poisoned): the scores whose top 5% hold most of them.
    k = int(truth['poisoned'].sum())
    topk = s.iloc[np.argsort(-s['suspicion'].to_numpy(), kind='stable')[:k]]
    clean_top = topk.index[truth.loc[topk.index, 'poisoned'].to_numpy() == 0]
    share = {}
    for c in SCORES:
        if c in s and len(clean_top):
            # In the top 5%: fewer than 5% of the rows above it, and above the column's floor (many scores are 0).
            top5 = (s[c].rank(ascending=False, method='min') <= 0.05 * len(s)) & (s[c] > s[c].min())
            share[c] = round(float(top5.loc[clean_top].mean()), 3)
    r['cleanInTopK'] = {'k': k, 'clean': int(len(clean_top)),
                        'inTop5PercentOf': dict(sorted(share.items(), key=lambda x: -x[1])[:4])}
    # Per attack kind in the truth: the score column that ranks that kind's rows best (AUROC against clean rows).
    per_attack = {}
    clean = truth['poisoned'] == 0
    for attack in sorted(set(truth['attack']) - {'none'}):
        mask = (truth['attack'] == attack) | clean
        t = (truth['attack'][mask] == attack).astype(int)
        q = {c: quality(t, s[c][mask]) for c in ['suspicion'] + SCORES if c in s}
        best = max((c for c in q if c != 'suspicion'), key=lambda c: q[c]['auroc'])
        per_attack[attack] = {'rows': int(t.sum()), 'suspicion': q['suspicion'], 'bestScore': best, 'best': q[best]}
    r['perAttack'] = per_attack
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=os.path.join(ROOT, 'bench', 'data', 'heldout'))
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'results', 'heldout.json'))
    ap.add_argument('sets', nargs='*')
    a = ap.parse_args()
    sets = a.sets or sorted(n for n in os.listdir(a.data) if os.path.isdir(os.path.join(a.data, n)))
    results = []
    for name in sets:
        d = os.path.join(a.data, name)
        truth = pd.read_csv(os.path.join(d, f'{name}.truth.csv'), keep_default_na=False).set_index('id')
        r = {'set': name, 'rows': len(truth), 'poisoned': int(truth['poisoned'].sum()),
             'attacks': truth['attack'][truth['poisoned'] == 1].value_counts().to_dict()}
        peers_json = os.path.join(d, 'peers.json')
        if os.path.exists(peers_json):
            r['peers'] = json.load(open(peers_json))
            best = max(r['peers'], key=lambda p: r['peers'][p]['auroc'])
            r['bestPeer'] = {'name': best, **{k: r['peers'][best][k] for k in ('auroc', 'ap', 'topK')}}
        for mode in ('calibrated', 'uncalibrated'):
            r[mode] = scan(d, name, mode, truth)
        single = [(mode, c, q) for mode in ('calibrated', 'uncalibrated') if r[mode]
                  for c, q in r[mode]['scores'].items()]
        if single:
            mode, c, q = max(single, key=lambda x: x[2]['auroc'])
            r['bestSingleScore'] = {'name': c, 'run': mode, **q}
        if r.get('calibrated') and r.get('bestPeer'):
            r['calibratedAtOrAboveBestPeer'] = r['calibrated']['suspicion']['auroc'] >= r['bestPeer']['auroc']
        results.append(r)
        c = r['calibrated']['suspicion'] if r.get('calibrated') else None
        print(f"{name}: calibrated {c}, best peer {r.get('bestPeer')}")

    def mean(pick):
        vals = [pick(r) for r in results]
        vals = [v for v in vals if v is not None]
        return {'sets': len(vals), 'mean': round(float(np.mean(vals)), 4) if vals else None}

    summary = {
        'meanAp': {
            'calibrated': mean(lambda r: r['calibrated']['suspicion']['ap'] if r.get('calibrated') else None),
            'uncalibrated': mean(lambda r: r['uncalibrated']['suspicion']['ap'] if r.get('uncalibrated') else None),
            'bestSingleScore': mean(lambda r: r['bestSingleScore']['ap'] if r.get('bestSingleScore') else None),
            'bestPeer': mean(lambda r: r['bestPeer']['ap'] if r.get('bestPeer') else None),
        },
        'calibratedAurocAtOrAboveBestPeer': [r['set'] for r in results if r.get('calibratedAtOrAboveBestPeer')],
        'calibratedAurocBelowBestPeer': [r['set'] for r in results if r.get('calibratedAtOrAboveBestPeer') is False],
    }
    commit = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=ROOT, capture_output=True, text=True).stdout
    cpu = next((ln.split(':', 1)[1].strip() for ln in open('/proc/cpuinfo') if ln.startswith('model name')), '?')
    out = {'benchmark': 'heldout', 'commit': commit.strip(), 'uptimeAtEvaluation': subprocess.run(
        ['uptime'], capture_output=True, text=True).stdout.strip(),
        'machine': {'cpus': os.cpu_count(), 'cpu': cpu, 'gpu': None, 'platform': platform.platform()},
        'command': 'bash bench/heldout/run.sh', 'summary': summary, 'sets': results}
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    print(json.dumps(summary, indent=1))


if __name__ == '__main__':
    main()
