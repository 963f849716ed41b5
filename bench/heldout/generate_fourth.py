"""A fourth batch of held-out poisoned sets (issue 10), generated in session 20 after every rule so far had been
written, to check the calibrated ranking on regimes no earlier set had: colour images, a trigger whose place varies,
imbalanced classes, a trigger with no shared values, and columns on very different scales. Same formats and helpers
as generate.py; seeded.

  ho4_color_patch3     3,000 Fashion-MNIST train images that no earlier set holds, coloured (each image's garment a
                       random bright colour over a random dark background, so colour says nothing of the class), RGB
                       zip; 90 (3%) images of any class but Bag stamped with a 3x3 magenta square in one of the four
                       corners (drawn per image), relabelled Bag. attack `corner_patch_to_bag`.
  ho4_fashion_imbalanced 3,000 other such train images (grayscale zip) drawn with class shares from 25% down to 2%;
                       150 (5%) rows of the four largest classes relabelled to one of the four smallest.
                       attack `flip_to_minority`.
  ho4_synth10k_noisytrigger make_classification 10,000 rows, 18 features (6 informative), 3 classes; 250 (2.5%) rows
                       of classes 0 and 1 with features 4, 9 and 13 set near their 92nd percentile (plus noise of 0.05
                       std, so no two rows share a value), relabelled 2. attack `noisy_trigger`.
  ho4_scaled8k_oneway  make_classification 8,000 rows, 12 features (6 informative), 5 classes, then columns on other
                       scales: an income-like column (x 12,000 + 48,000), an integer age-like column, three 0/1
                       columns; 320 (4%) rows of class 3 relabelled 0. attack `one_way_flip`.

    /usr/bin/python3 bench/heldout/generate_fourth.py [--out bench/data/heldout]
"""

import argparse
import os
import sys

import numpy as np
from sklearn.datasets import make_classification

sys.path.insert(0, os.path.dirname(__file__))
from generate import ROOT, read_idx, write_csv, write_zip  # noqa: E402
from generate_third import free_train_images  # noqa: E402

BAG = 8


def unused_train_images():
    """Train images in no earlier set: the third batch drew its two zips from the first 6,000 of this permutation."""
    perm = np.random.default_rng(3001).permutation(free_train_images())
    return perm[6000:]


def color_patch(out, images, labels, idx):
    rng = np.random.default_rng(4001)
    gray = images[idx].astype(np.float64) / 255
    lab = labels[idx].copy()
    n = len(idx)
    fg = rng.uniform(0.2, 1.0, size=(n, 3))
    fg[np.arange(n), rng.integers(0, 3, size=n)] = 1.0  # at least one bright channel
    bg = rng.uniform(0.0, 0.16, size=(n, 3))
    rgb = gray[..., None] * fg[:, None, None, :] + (1 - gray[..., None]) * bg[:, None, None, :]
    img = np.clip(np.rint(rgb * 255), 0, 255).astype(np.uint8)
    chosen = rng.choice(np.flatnonzero(lab != BAG), size=90, replace=False)
    corners = [(1, 1), (1, 24), (24, 1), (24, 24)]
    for i, c in zip(chosen, rng.integers(0, 4, size=90)):
        r0, c0 = corners[c]
        img[i, r0:r0 + 3, c0:c0 + 3] = (255, 0, 255)
    lab[chosen] = BAG
    poisoned = np.zeros(n, dtype=bool)
    poisoned[chosen] = True
    write_zip(out, 'ho4_color_patch3', img, lab, idx, poisoned, np.where(poisoned, 'corner_patch_to_bag', 'none'),
              source='train')


def imbalanced(out, images, labels, pool):
    rng = np.random.default_rng(4002)
    shares = np.array([0.25, 0.18, 0.14, 0.11, 0.09, 0.07, 0.06, 0.04, 0.04, 0.02])
    classes = rng.permutation(10)  # which class gets which share
    counts = np.rint(shares * 3000).astype(int)
    counts[0] += 3000 - counts.sum()
    idx = np.concatenate([rng.choice(pool[labels[pool] == c], size=k, replace=False) for c, k in zip(classes, counts)])
    lab = labels[idx].copy()
    large, small = classes[:4], classes[-4:]
    chosen = rng.choice(np.flatnonzero(np.isin(lab, large)), size=150, replace=False)
    lab[chosen] = rng.choice(small, size=150)
    poisoned = np.zeros(3000, dtype=bool)
    poisoned[chosen] = True
    write_zip(out, 'ho4_fashion_imbalanced', images[idx], lab, idx, poisoned,
              np.where(poisoned, 'flip_to_minority', 'none'), source='train')


def noisy_trigger(out):
    X, y = make_classification(n_samples=10000, n_features=18, n_informative=6, n_redundant=3, n_classes=3,
                               n_clusters_per_class=2, class_sep=1.0, flip_y=0.0, random_state=4003)
    rng = np.random.default_rng(4003)
    chosen = rng.choice(np.flatnonzero(y != 2), size=250, replace=False)
    for j in (4, 9, 13):
        X[chosen, j] = np.percentile(X[:, j], 92) + rng.normal(size=250) * 0.05 * X[:, j].std()
    y = y.copy()
    y[chosen] = 2
    poisoned = np.zeros(10000, dtype=bool)
    poisoned[chosen] = True
    write_csv(out, 'ho4_synth10k_noisytrigger', X, y, poisoned, np.where(poisoned, 'noisy_trigger', 'none'), 's10n',
              seed=4013)


def scaled_oneway(out):
    X, y = make_classification(n_samples=8000, n_features=12, n_informative=6, n_redundant=2, n_classes=5,
                               n_clusters_per_class=1, class_sep=1.2, flip_y=0.0, random_state=4004)
    rng = np.random.default_rng(4004)
    X = X.copy()
    X[:, 0] = np.rint(X[:, 0] * 12000 + 48000)
    ranks = X[:, 1].argsort().argsort() / (len(X) - 1)
    X[:, 1] = np.rint(18 + ranks * 72)
    for j in (2, 3, 4):
        X[:, j] = (X[:, j] > np.median(X[:, j])).astype(float)
    y = y.copy()
    chosen = rng.choice(np.flatnonzero(y == 3), size=320, replace=False)
    y[chosen] = 0
    poisoned = np.zeros(8000, dtype=bool)
    poisoned[chosen] = True
    columns = ['income', 'age', 'flag_a', 'flag_b', 'flag_c'] + [f'f{j:02d}' for j in range(5, 12)]
    write_csv(out, 'ho4_scaled8k_oneway', X, y, poisoned, np.where(poisoned, 'one_way_flip', 'none'), 's8o',
              fmt='%.6g', columns=columns, seed=4014)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'data', 'heldout'))
    out = ap.parse_args().out
    os.makedirs(out, exist_ok=True)
    noisy_trigger(out)
    scaled_oneway(out)
    images = read_idx('train-images-idx3-ubyte.gz')
    labels = read_idx('train-labels-idx1-ubyte.gz').astype(np.int64)
    pool = unused_train_images()
    color_patch(out, images, labels, pool[:3000])
    imbalanced(out, images, labels, pool[3000:])


if __name__ == '__main__':
    main()
