"""Fresh held-out poisoned sets for issue 10 (nobody has tuned Sift on them).

    /usr/bin/python3 bench/heldout/generate.py [--out bench/data/heldout]

Seeded (one seed per set, below); every run writes the same bytes. Each set is written as
OUT/<name>/<name>.csv (or .zip) and OUT/<name>/<name>.truth.csv (`id,poisoned,attack`; for images the id is the
path inside the zip). CSVs have the development sets' columns: `id`, `label` (integer), features written with
3 decimals (pixels as integers). Images: 28x28 8-bit grayscale PNG, one folder per class as in
../shared/datasets/fashion_badnets/ (a poisoned image sits in the folder of its new label). Fashion-MNIST comes from
the t10k split (the development image sets use the train split); the three t10k sets use disjoint images.

Sets (data and attacks unlike the development sets and the earlier proxies):
  ho_fashion_blend4     3,000 t10k images; 120 (4%) from Trouser, Sandal, Bag and Sneaker blended with one fixed
                        uniform-noise pattern, x' = (1 - a) x + a * pattern, a drawn per image in [0.12, 0.20],
                        relabelled to Dress. attack `blend_to_dress`.
  ho_fashion_lookalike6 3,000 other t10k images; 180 (6%) label flips between look-alike classes only
                        (T-shirt_top <-> Shirt, Pullover <-> Coat, Sneaker <-> Ankle_boot). attack `lookalike_flip`.
  ho_synth10k_oneway    make_classification 10,000 rows, 20 features (6 informative, 4 redundant), 4 classes,
                        class_sep 1.2; 12% of class 0 relabelled to class 2 (one-way flip). attack `oneway_0to2`.
  ho_blobs6k_outliers   6 Gaussian blobs in 12 features, 5,820 clean rows + 180 (3%) outliers drawn uniformly from
                        the data's bounding box widened 1.5x about its centre, with random labels. attack `outlier`.
  ho_synth15k_trigger   make_classification 15,000 rows, 16 features (5 informative), 3 classes; 300 rows (2%) of
                        classes 0 and 2 get two features set to their 85th percentile (an in-distribution value,
                        written like the other cells) and are relabelled to class 1. attack `trigger_p85_to1`.
  ho_synth8k_mixed      make_classification 8,000 rows, 24 features (8 informative), 5 classes: 240 random flips
                        (3%, attack `random_flip`) + 160 near-duplicates (2%) of clean rows (noise 0.02 x each
                        feature's std) with another label (attack `near_dup_conflict`; the original stays clean).
  ho_fashion14_flip5    4,000 other t10k images as CSV, 2x2 mean-pooled to 14x14 = 196 integer pixel columns
                        `px_r_c`; 200 (5%) random label flips. attack `random_flip`.
"""

import argparse
import gzip
import io
import os
import zipfile

import numpy as np
from PIL import Image
from sklearn.datasets import make_blobs, make_classification

FASHION = '/usr/share/datasets/fashion-mnist'
CLASSES = ['T-shirt_top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle_boot']
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def read_idx(name):
    with gzip.open(os.path.join(FASHION, name), 'rb') as f:
        b = f.read()
    dims = b[3]
    shape = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def write_truth(path, ids, poisoned, attacks):
    with open(path, 'w', newline='\n') as f:
        f.write('id,poisoned,attack\n')
        for i, p, a in zip(ids, poisoned, attacks):
            f.write(f'{i},{int(p)},{a}\n')


def write_csv(out, name, X, y, poisoned, attacks, prefix, fmt='%.3f', columns=None, seed=0):
    """Shuffles the rows (seeded), numbers them, writes <name>.csv and <name>.truth.csv."""
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    order = np.random.default_rng(seed).permutation(len(y))
    X, y, poisoned, attacks = X[order], y[order], poisoned[order], attacks[order]
    ids = [f'{prefix}-{i:06d}' for i in range(len(y))]
    cols = columns or [f'f{j:02d}' for j in range(X.shape[1])]
    with open(os.path.join(d, f'{name}.csv'), 'w', newline='\n') as f:
        f.write('id,label,' + ','.join(cols) + '\n')
        for i in range(len(y)):
            f.write(ids[i] + ',' + str(int(y[i])) + ',' + ','.join(fmt % v for v in X[i]) + '\n')
    write_truth(os.path.join(d, f'{name}.truth.csv'), ids, poisoned, attacks)
    print(f'{name}: {len(y)} rows, {X.shape[1]} features, {int(poisoned.sum())} poisoned')


def png_bytes(pixels):
    buf = io.BytesIO()
    Image.fromarray(pixels, mode='RGB' if pixels.ndim == 3 else 'L').save(buf, format='PNG', optimize=True)
    return buf.getvalue()


def write_zip(out, name, images, labels, src_index, poisoned, attacks, source='t10k'):
    """One PNG per image (grey, or RGB when images are N x H x W x 3) under <class>/fmnist-<source>-<index>.png."""
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    ids = [f'{CLASSES[labels[i]]}/fmnist-{source}-{src_index[i]:05d}.png' for i in range(len(labels))]
    order = sorted(range(len(ids)), key=lambda i: ids[i])
    with zipfile.ZipFile(os.path.join(d, f'{name}.zip'), 'w', zipfile.ZIP_DEFLATED) as z:
        for i in order:
            info = zipfile.ZipInfo(ids[i], date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, png_bytes(images[i]))
    write_truth(os.path.join(d, f'{name}.truth.csv'), [ids[i] for i in order], poisoned[order], attacks[order])
    print(f'{name}: {len(ids)} images, {int(poisoned.sum())} poisoned')


def random_other(rng, labels, k):
    """For each label, a uniformly random different class among 0..k-1."""
    shift = rng.integers(1, k, size=len(labels))
    return (labels + shift) % k


def fashion_sets(out):
    images = read_idx('t10k-images-idx3-ubyte.gz')
    labels = read_idx('t10k-labels-idx1-ubyte.gz').astype(np.int64)
    perm = np.random.default_rng(1001).permutation(len(labels))
    idx_a, idx_b, idx_g = perm[:3000], perm[3000:6000], perm[6000:10000]

    # a. blend trigger: sources Trouser 1, Sandal 5, Sneaker 7, Bag 8 -> Dress 3
    rng = np.random.default_rng(1002)
    pattern = rng.integers(0, 256, size=(28, 28)).astype(np.float64)
    imgs = images[idx_a].astype(np.float64)
    lab = labels[idx_a].copy()
    candidates = np.flatnonzero(np.isin(lab, [1, 5, 7, 8]))
    chosen = rng.choice(candidates, size=120, replace=False)
    alpha = rng.uniform(0.12, 0.20, size=120)
    imgs[chosen] = (1 - alpha[:, None, None]) * imgs[chosen] + alpha[:, None, None] * pattern
    lab[chosen] = 3
    poisoned = np.zeros(3000, dtype=bool)
    poisoned[chosen] = True
    attacks = np.where(poisoned, 'blend_to_dress', 'none')
    write_zip(out, 'ho_fashion_blend4', np.clip(np.rint(imgs), 0, 255).astype(np.uint8), lab, idx_a, poisoned, attacks)

    # b. look-alike flips
    rng = np.random.default_rng(1003)
    partner = {0: 6, 6: 0, 2: 4, 4: 2, 7: 9, 9: 7}
    lab = labels[idx_b].copy()
    candidates = np.flatnonzero(np.isin(lab, list(partner)))
    chosen = rng.choice(candidates, size=180, replace=False)
    lab[chosen] = [partner[int(c)] for c in lab[chosen]]
    poisoned = np.zeros(3000, dtype=bool)
    poisoned[chosen] = True
    attacks = np.where(poisoned, 'lookalike_flip', 'none')
    write_zip(out, 'ho_fashion_lookalike6', images[idx_b], lab, idx_b, poisoned, attacks)

    # g. 14x14 CSV with random flips
    rng = np.random.default_rng(1007)
    pooled = images[idx_g].astype(np.float64).reshape(4000, 14, 2, 14, 2).mean(axis=(2, 4))
    X = np.rint(pooled).reshape(4000, 196)
    y = labels[idx_g].copy()
    chosen = rng.choice(4000, size=200, replace=False)
    y[chosen] = random_other(rng, y[chosen], 10)
    poisoned = np.zeros(4000, dtype=bool)
    poisoned[chosen] = True
    attacks = np.where(poisoned, 'random_flip', 'none')
    cols = [f'px_{r}_{c}' for r in range(14) for c in range(14)]
    write_csv(out, 'ho_fashion14_flip5', X, y, poisoned, attacks, 'fm14', fmt='%d', columns=cols, seed=1017)


def synth10k_oneway(out):
    X, y = make_classification(n_samples=10000, n_features=20, n_informative=6, n_redundant=4, n_classes=4,
                               n_clusters_per_class=2, class_sep=1.2, flip_y=0.0, random_state=1004)
    rng = np.random.default_rng(1004)
    class0 = np.flatnonzero(y == 0)
    chosen = rng.choice(class0, size=int(round(0.12 * len(class0))), replace=False)
    y = y.copy()
    y[chosen] = 2
    poisoned = np.zeros(len(y), dtype=bool)
    poisoned[chosen] = True
    attacks = np.where(poisoned, 'oneway_0to2', 'none')
    write_csv(out, 'ho_synth10k_oneway', X, y, poisoned, attacks, 's10k', seed=1014)


def blobs6k_outliers(out):
    rng = np.random.default_rng(1005)
    X, y = make_blobs(n_samples=5820, n_features=12, centers=6, cluster_std=1.5, random_state=1005)
    lo, hi = X.min(axis=0), X.max(axis=0)
    centre, half = (lo + hi) / 2, (hi - lo) / 2 * 1.5
    Xo = rng.uniform(centre - half, centre + half, size=(180, 12))
    yo = rng.integers(0, 6, size=180)
    X = np.vstack([X, Xo])
    y = np.concatenate([y, yo])
    poisoned = np.concatenate([np.zeros(5820, dtype=bool), np.ones(180, dtype=bool)])
    attacks = np.where(poisoned, 'outlier', 'none')
    write_csv(out, 'ho_blobs6k_outliers', X, y, poisoned, attacks, 'b6k', seed=1015)


def synth15k_trigger(out):
    X, y = make_classification(n_samples=15000, n_features=16, n_informative=5, n_redundant=3, n_classes=3,
                               n_clusters_per_class=2, class_sep=1.0, flip_y=0.0, random_state=1006)
    rng = np.random.default_rng(1006)
    X = np.round(X, 3)
    features = rng.choice(16, size=2, replace=False)
    values = np.round(np.percentile(X[:, features], 85, axis=0), 3)
    chosen = rng.choice(np.flatnonzero(y != 1), size=300, replace=False)
    X[np.ix_(chosen, features)] = values
    y = y.copy()
    y[chosen] = 1
    poisoned = np.zeros(len(y), dtype=bool)
    poisoned[chosen] = True
    attacks = np.where(poisoned, 'trigger_p85_to1', 'none')
    print(f'  trigger features f{features[0]:02d}={values[0]:.3f}, f{features[1]:02d}={values[1]:.3f}')
    write_csv(out, 'ho_synth15k_trigger', X, y, poisoned, attacks, 's15k', seed=1016)


def synth8k_mixed(out):
    X, y = make_classification(n_samples=7840, n_features=24, n_informative=8, n_redundant=4, n_classes=5,
                               n_clusters_per_class=2, class_sep=1.0, flip_y=0.0, random_state=1008)
    rng = np.random.default_rng(1008)
    y = y.copy()
    flips = rng.choice(7840, size=240, replace=False)
    y[flips] = random_other(rng, y[flips], 5)
    clean = np.setdiff1d(np.arange(7840), flips)
    src = rng.choice(clean, size=160, replace=False)
    Xd = X[src] + rng.normal(0, 1, size=(160, 24)) * (0.02 * X.std(axis=0))
    yd = random_other(rng, y[src], 5)
    X = np.vstack([X, Xd])
    y = np.concatenate([y, yd])
    attacks = np.array(['none'] * 8000, dtype=object)
    attacks[flips] = 'random_flip'
    attacks[7840:] = 'near_dup_conflict'
    poisoned = attacks != 'none'
    write_csv(out, 'ho_synth8k_mixed', X, y, poisoned, attacks.astype(str), 's8k', seed=1018)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'data', 'heldout'))
    out = ap.parse_args().out
    os.makedirs(out, exist_ok=True)
    synth10k_oneway(out)
    blobs6k_outliers(out)
    synth15k_trigger(out)
    synth8k_mixed(out)
    fashion_sets(out)


if __name__ == '__main__':
    main()
