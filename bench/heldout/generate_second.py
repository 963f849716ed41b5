"""A second batch of held-out poisoned sets (issue 10), generated after the first seven had been used to design
rules, to check the next rule on data nobody looked at. Same formats and helpers as generate.py; seeded.

  ho2_fashion_flip7   3,000 Fashion-MNIST train images that neither fashion_flip nor fashion_badnets holds, zip;
                      210 (7%) random label flips
  ho2_synth12k_pair6  12,000 x 30 (10 informative), 6 classes, class_sep 0.9; 720 (6%) flips within the pairs
                      0<->1, 2<->3, 4<->5
  ho2_synth6k_mixed   6,000 x 16 (6 informative), 4 classes; 240 (4%) random flips and 120 (2%) outliers uniform in the
                      bounding box widened 1.2x, random labels

    /usr/bin/python3 bench/heldout/generate_second.py [--out bench/data/heldout]
"""

import argparse
import os
import sys

import numpy as np
from sklearn.datasets import make_classification

sys.path.insert(0, os.path.dirname(__file__))
from generate import ROOT, random_other, read_idx, write_csv, write_zip  # noqa: E402

SHARED = os.path.join(ROOT, '..', 'shared', 'datasets')


def used_train_images():
    """Indices of the train images the development zips hold (their ids end in fmnist-NNNNN.png)."""
    used = set()
    for name in ('fashion_flip', 'fashion_badnets'):
        with open(os.path.join(SHARED, name, f'{name}.truth.csv')) as f:
            for line in f.readlines()[1:]:
                used.add(int(line.split(',')[0].rsplit('-', 1)[1].split('.')[0]))
    return used


def fashion_flip7_draw(train_images=60000):
    """The seeded generator of ho2_fashion_flip7 and its 3,000 train image indices, drawn first from it."""
    free = np.array(sorted(set(range(train_images)) - used_train_images()))
    rng = np.random.default_rng(2001)
    return rng, rng.choice(free, size=3000, replace=False)


def fashion_flip7(out):
    images = read_idx('train-images-idx3-ubyte.gz')
    labels = read_idx('train-labels-idx1-ubyte.gz').astype(np.int64)
    rng, idx = fashion_flip7_draw(len(labels))
    lab = labels[idx].copy()
    chosen = rng.choice(3000, size=210, replace=False)
    lab[chosen] = random_other(rng, lab[chosen], 10)
    poisoned = np.zeros(3000, dtype=bool)
    poisoned[chosen] = True
    attacks = np.where(poisoned, 'random_flip', 'none')
    # write_zip names images fmnist-t10k-NNNNN; these are train images, numbered by their train index.
    write_zip(out, 'ho2_fashion_flip7', images[idx], lab, idx, poisoned, attacks)


def synth12k_pair6(out):
    X, y = make_classification(n_samples=12000, n_features=30, n_informative=10, n_redundant=6, n_classes=6,
                               n_clusters_per_class=2, class_sep=0.9, flip_y=0.0, random_state=2002)
    rng = np.random.default_rng(2002)
    y = y.copy()
    chosen = rng.choice(12000, size=720, replace=False)
    y[chosen] = y[chosen] ^ 1
    poisoned = np.zeros(12000, dtype=bool)
    poisoned[chosen] = True
    attacks = np.where(poisoned, 'pair_flip', 'none')
    write_csv(out, 'ho2_synth12k_pair6', X, y, poisoned, attacks, 's12k', seed=2012)


def synth6k_mixed(out):
    X, y = make_classification(n_samples=5880, n_features=16, n_informative=6, n_redundant=3, n_classes=4,
                               n_clusters_per_class=2, class_sep=1.1, flip_y=0.0, random_state=2003)
    rng = np.random.default_rng(2003)
    y = y.copy()
    flips = rng.choice(5880, size=240, replace=False)
    y[flips] = random_other(rng, y[flips], 4)
    lo, hi = X.min(axis=0), X.max(axis=0)
    mid, half = (lo + hi) / 2, (hi - lo) / 2 * 1.2
    Xo = mid + rng.uniform(-1, 1, size=(120, 16)) * half
    yo = rng.integers(0, 4, size=120)
    X = np.vstack([X, Xo])
    y = np.concatenate([y, yo])
    attacks = np.array(['none'] * 6000, dtype=object)
    attacks[flips] = 'random_flip'
    attacks[5880:] = 'outlier'
    write_csv(out, 'ho2_synth6k_mixed', X, y, attacks != 'none', attacks.astype(str), 's6k', seed=2013)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'data', 'heldout'))
    out = ap.parse_args().out
    os.makedirs(out, exist_ok=True)
    synth12k_pair6(out)
    synth6k_mixed(out)
    fashion_flip7(out)


if __name__ == '__main__':
    main()
