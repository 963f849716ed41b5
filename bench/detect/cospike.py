"""Shared values summed over a row's spikes against the largest group of spikes whose rows coincide (an experiment
of issue 10; docs/heldout.md, "Spikes that share their rows").

A spike is a value of one column that many rows share (workers/core/scores/shared-values.ts, re-written here with
its default settings and without the label check, which the scan skips on images for its cost). Today a row's
score is the sum of its spikes' weights ln(count / neighbours). The alternative: two spikes in different columns
are mates when their row sets overlap by at least THRESHOLD of their union (Jaccard); a spike's group weight is its
weight plus its mates'; a row scores the largest group weight among its spikes. Prints AUROC / AP of both against
the truth, per threshold.

Usage: /usr/bin/python3 bench/detect/cospike.py <file.zip|file.csv> <truth.csv> [label-column id-column]
(Debian's python3 with numpy, scipy, pandas, scikit-learn and Pillow.)
"""
import io
import sys
import zipfile

import numpy as np
import pandas as pd
import scipy.sparse as sp
from PIL import Image
from scipy.stats import poisson
from sklearn.metrics import average_precision_score, roc_auc_score


def load(path, truth, label='label', ident='id'):
    t = pd.read_csv(truth).set_index('id')
    if path.endswith('.zip'):
        z = zipfile.ZipFile(path)
        names = [n for n in z.namelist() if not n.endswith('/')]
        x = np.stack([np.asarray(Image.open(io.BytesIO(z.read(n))).convert('L'), dtype=np.float32).ravel() for n in names])
        return x, t.loc[names].poisoned.values
    d = pd.read_csv(path)
    return d.drop(columns=[label, ident]).values.astype(np.float32), t.loc[d[ident]].poisoned.values


def spikes(x, min_count=3, max_share=0.1, window=5, chance=0.01):
    n, cols = x.shape
    out = []
    for j in range(cols):
        values, counts = np.unique(x[:, j], return_counts=True)
        for i, c in enumerate(counts):
            if c < min_count or c > max_share * n:
                continue
            near = [counts[i - k] for k in range(1, window + 1) if i - k >= 0]
            near += [counts[i + k] for k in range(1, window + 1) if i + k < len(counts)]
            neighbours = max(1.0, float(np.median(near)) if near else 1.0)
            weight = np.log(c / neighbours)
            if weight > 0 and poisson.sf(c - 1, neighbours) < chance / len(values):
                out.append((j, weight, np.where(x[:, j] == values[i])[0]))
    return out


def main():
    x, y = load(*sys.argv[1:])
    n = len(y)
    found = spikes(x)
    sizes = np.array([len(s[2]) for s in found])
    member = sp.csr_matrix(
        (np.ones(sizes.sum()), (np.repeat(np.arange(len(found)), sizes), np.concatenate([s[2] for s in found]))),
        shape=(len(found), n),
    )
    inter = (member @ member.T).toarray()
    jaccard = inter / (sizes[:, None] + sizes[None, :] - inter)
    column = np.array([s[0] for s in found])
    jaccard[column[:, None] == column[None, :]] = 0
    weight = np.array([s[1] for s in found])
    summed = np.asarray(member.T @ weight).ravel()
    print(f'{n} rows, {int(y.sum())} poisoned, {len(found)} spikes; '
          f'sum: AUROC {roc_auc_score(y, summed):.3f} AP {average_precision_score(y, summed):.3f}')
    for threshold in (0.5, 0.8, 0.9):
        group = weight + ((jaccard >= threshold) * weight[None, :]).sum(1)
        best = np.zeros(n)
        for k, s in enumerate(found):
            best[s[2]] = np.maximum(best[s[2]], group[k])
        print(f'  largest group, Jaccard >= {threshold}: AUROC {roc_auc_score(y, best):.3f} '
              f'AP {average_precision_score(y, best):.3f}')


if __name__ == '__main__':
    main()
