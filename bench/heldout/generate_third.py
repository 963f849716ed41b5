"""A third batch of held-out poisoned sets (issue 10), generated in session 18 after every rule so far had been
written, to check the calibrated ranking on data and attacks nobody tuned it on. Same formats and helpers as
generate.py; seeded.

  ho3_fashion_patch5  3,000 Fashion-MNIST train images that no development zip and not ho2_fashion_flip7 holds, zip;
                      150 (5%) images of any class but Trouser stamped with a 4x4 black-and-white checkerboard in the
                      top-left corner (rows and columns 1-4), relabelled Trouser. attack `patch_tl_to_trouser`.
  ho3_fashion_mixed   3,000 other such train images, zip; 120 (4%) random label flips (attack `random_flip`) and 60
                      (2%) images of Shirt, Pullover or Coat with a white 3x3 square at rows 24-26, columns 12-14,
                      relabelled Sandal (attack `patch_to_sandal`).
  ho3_synth9k_flip12  make_classification 9,000 rows, 30 features (12 informative, 6 redundant), 12 classes,
                      class_sep 1.5; 1,080 (12%) random label flips. attack `random_flip`.
  ho3_synth12k_cluster make_classification 12,000 rows, 20 features (8 informative), 4 classes; 240 (2%) injected rows
                      drawn tightly (0.15x each feature's std) about one point 2.5 std from the data's mean along a
                      random direction, all labelled class 3. attack `poison_cluster`.

    /usr/bin/python3 bench/heldout/generate_third.py [--out bench/data/heldout]
"""

import argparse
import os
import sys

import numpy as np
from sklearn.datasets import make_classification

sys.path.insert(0, os.path.dirname(__file__))
from generate import ROOT, random_other, read_idx, write_csv, write_zip  # noqa: E402
from generate_second import fashion_flip7_draw, used_train_images  # noqa: E402

TROUSER, SANDAL, PULLOVER, COAT, SHIRT = 1, 5, 2, 4, 6


def free_train_images():
    """Train image indices in no development zip and not in ho2_fashion_flip7 (generate_second.py's own draw)."""
    free = np.array(sorted(set(range(60000)) - used_train_images()))
    ho2 = set(fashion_flip7_draw()[1].tolist())
    return np.array([i for i in free if i not in ho2])


def fashion_sets(out):
    images = read_idx('train-images-idx3-ubyte.gz')
    labels = read_idx('train-labels-idx1-ubyte.gz').astype(np.int64)
    perm = np.random.default_rng(3001).permutation(free_train_images())
    idx_a, idx_b = perm[:3000], perm[3000:6000]

    # a. a checkerboard patch in the top-left corner, relabelled Trouser
    rng = np.random.default_rng(3002)
    img, lab = images[idx_a].copy(), labels[idx_a].copy()
    chosen = rng.choice(np.flatnonzero(lab != TROUSER), size=150, replace=False)
    board = np.where((np.arange(4)[:, None] + np.arange(4)[None, :]) % 2 == 0, 255, 0).astype(np.uint8)
    img[chosen, 1:5, 1:5] = board
    lab[chosen] = TROUSER
    poisoned = np.zeros(3000, dtype=bool)
    poisoned[chosen] = True
    write_zip(out, 'ho3_fashion_patch5', img, lab, idx_a, poisoned,
              np.where(poisoned, 'patch_tl_to_trouser', 'none'))

    # b. random flips and a small white square relabelled Sandal, together
    rng = np.random.default_rng(3003)
    img, lab = images[idx_b].copy(), labels[idx_b].copy()
    sources = np.flatnonzero(np.isin(lab, [SHIRT, PULLOVER, COAT]))
    patched = rng.choice(sources, size=60, replace=False)
    flipped = rng.choice(np.setdiff1d(np.arange(3000), patched), size=120, replace=False)
    img[patched, 24:27, 12:15] = 255
    lab[patched] = SANDAL
    lab[flipped] = random_other(rng, lab[flipped], 10)
    attacks = np.array(['none'] * 3000, dtype=object)
    attacks[flipped] = 'random_flip'
    attacks[patched] = 'patch_to_sandal'
    write_zip(out, 'ho3_fashion_mixed', img, lab, idx_b, attacks != 'none', attacks.astype(str))


def synth9k_flip12(out):
    X, y = make_classification(n_samples=9000, n_features=30, n_informative=12, n_redundant=6, n_classes=12,
                               n_clusters_per_class=1, class_sep=1.5, flip_y=0.0, random_state=3004)
    rng = np.random.default_rng(3004)
    y = y.copy()
    chosen = rng.choice(9000, size=1080, replace=False)
    y[chosen] = random_other(rng, y[chosen], 12)
    poisoned = np.zeros(9000, dtype=bool)
    poisoned[chosen] = True
    write_csv(out, 'ho3_synth9k_flip12', X, y, poisoned, np.where(poisoned, 'random_flip', 'none'), 's9k',
              seed=3014)


def synth12k_cluster(out):
    X, y = make_classification(n_samples=11760, n_features=20, n_informative=8, n_redundant=4, n_classes=4,
                               n_clusters_per_class=2, class_sep=1.0, flip_y=0.0, random_state=3005)
    rng = np.random.default_rng(3005)
    mean, std = X.mean(axis=0), X.std(axis=0)
    direction = rng.normal(size=20)
    centre = mean + 2.5 * std * direction / np.linalg.norm(direction)
    Xp = centre + rng.normal(size=(240, 20)) * 0.15 * std
    X = np.vstack([X, Xp])
    y = np.concatenate([y, np.full(240, 3)])
    poisoned = np.arange(12000) >= 11760
    write_csv(out, 'ho3_synth12k_cluster', X, y, poisoned, np.where(poisoned, 'poison_cluster', 'none'), 's12c',
              seed=3015)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'data', 'heldout'))
    out = ap.parse_args().out
    os.makedirs(out, exist_ok=True)
    synth9k_flip12(out)
    synth12k_cluster(out)
    fashion_sets(out)


if __name__ == '__main__':
    main()
