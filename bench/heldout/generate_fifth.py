"""A fifth batch of held-out poisoned sets (issues 10 and 11), generated in session 21 before any change of that
session, for regimes no earlier set had: text columns, a small table, a hidden-fraud flip in a rare class, injected
out-of-distribution images and an image trigger that shares no pixel value. Same formats and helpers as generate.py;
seeded.

  ho5_census12k_text   12,000 census-like rows: age, hours per week, years of education, capital gain (mostly 0),
                       and four text columns (workclass, occupation, marital status, sex); the label is ">50K" or
                       "<=50K" from a logistic model of them. 360 (3%) rows of one sub-population (occupations Sales
                       and Exec-managerial, under 40) have their label flipped. attack `subpopulation_flip`. Scanned
                       with --one-hot for the four text columns (DATA/<set>/scan-flags.txt); the peers one-hot them.
  ho5_small600_flip    make_classification 600 rows, 8 features (4 informative), 3 classes; 48 (8%) random flips.
                       attack `random_flip`.
  ho5_fraud20k_hide    make_classification 20,000 rows, 14 features (7 informative), 2 classes weighted 97% / 3%;
                       150 of the rare class's rows (a quarter of it) relabelled to the common one. attack
                       `hide_rare_class`.
  ho5_fashion_ood3     3,000 Fashion-MNIST train images that no earlier set holds, plus 90 (2.9%) handwritten digits
                       (sklearn's 8x8 digits scaled up to 28x28) filed under random classes. attack `ood_image`.
  ho5_fashion_line4    3,000 other such images; 120 (4%) images of any class but Trouser with a vertical stripe two
                       pixels wide at columns 20-21 brightened by 50-90 (per image; no value shared), relabelled
                       Trouser. attack `faint_stripe_to_trouser`.

    /usr/bin/python3 bench/heldout/generate_fifth.py [--out bench/data/heldout]
"""

import argparse
import os
import sys

import numpy as np
from PIL import Image
from sklearn.datasets import load_digits, make_classification

sys.path.insert(0, os.path.dirname(__file__))
from generate import ROOT, read_idx, write_csv, write_truth, write_zip  # noqa: E402
from generate_fourth import unused_train_images  # noqa: E402

TROUSER = 1
OCCUPATIONS = ['Sales', 'Exec-managerial', 'Craft-repair', 'Adm-clerical', 'Prof-specialty', 'Other-service',
               'Machine-op-inspct', 'Transport-moving']
WORKCLASSES = ['Private', 'Self-emp', 'Local-gov', 'State-gov', 'Federal-gov']
MARITAL = ['Married', 'Never-married', 'Divorced', 'Widowed']


def census(out):
    rng = np.random.default_rng(5001)
    n = 12000
    age = np.clip(np.rint(rng.gamma(6, 6.5, n) + 17), 17, 90)
    edu = np.clip(np.rint(rng.normal(10, 2.6, n)), 1, 16)
    hours = np.clip(np.rint(rng.normal(40, 11, n)), 1, 99)
    gain = np.where(rng.random(n) < 0.08, np.rint(rng.lognormal(8.5, 1.0, n)), 0)
    occ = rng.choice(len(OCCUPATIONS), n, p=[0.12, 0.13, 0.14, 0.13, 0.14, 0.12, 0.11, 0.11])
    work = rng.choice(len(WORKCLASSES), n, p=[0.7, 0.1, 0.08, 0.06, 0.06])
    marital = rng.choice(len(MARITAL), n, p=[0.46, 0.33, 0.15, 0.06])
    sex = rng.choice(2, n, p=[0.67, 0.33])
    occ_w = np.array([0.4, 1.3, 0.1, -0.3, 1.1, -1.2, -0.6, -0.4])
    logit = (-9.2 + 0.045 * age + 0.38 * edu + 0.03 * hours + 0.9 * (gain > 0) + occ_w[occ]
             + 1.4 * (marital == 0) + 0.35 * (sex == 0) + 0.3 * (work == 1) + rng.logistic(0, 0.6, n))
    y = (logit > 0).astype(int)
    group = np.flatnonzero(np.isin(occ, [0, 1]) & (age < 40))
    chosen = rng.choice(group, size=360, replace=False)
    y[chosen] = 1 - y[chosen]
    poisoned = np.zeros(n, dtype=bool)
    poisoned[chosen] = True
    order = np.random.default_rng(5011).permutation(n)
    name = 'ho5_census12k_text'
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    ids = [f'c12-{i:06d}' for i in range(n)]
    with open(os.path.join(d, f'{name}.csv'), 'w', newline='\n') as f:
        f.write('id,age,workclass,education_years,marital_status,occupation,sex,capital_gain,hours_per_week,label\n')
        for k, i in enumerate(order):
            f.write(f'{ids[k]},{int(age[i])},{WORKCLASSES[work[i]]},{int(edu[i])},{MARITAL[marital[i]]},'
                    f'{OCCUPATIONS[occ[i]]},{"Male" if sex[i] == 0 else "Female"},{int(gain[i])},{int(hours[i])},'
                    f'{">50K" if y[i] else "<=50K"}\n')
    write_truth(os.path.join(d, f'{name}.truth.csv'), ids, poisoned[order],
                np.where(poisoned[order], 'subpopulation_flip', 'none'))
    with open(os.path.join(d, 'scan-flags.txt'), 'w') as f:
        f.write('--label label --id id --one-hot workclass,marital_status,occupation,sex\n')
    print(f'{name}: {n} rows, {int(y.mean() * 100)}% ">50K", {int(poisoned.sum())} poisoned')


def small_flip(out):
    X, y = make_classification(n_samples=600, n_features=8, n_informative=4, n_redundant=2, n_classes=3,
                               n_clusters_per_class=1, class_sep=1.3, flip_y=0.0, random_state=5002)
    rng = np.random.default_rng(5002)
    chosen = rng.choice(600, size=48, replace=False)
    y = y.copy()
    y[chosen] = (y[chosen] + rng.integers(1, 3, size=48)) % 3
    poisoned = np.zeros(600, dtype=bool)
    poisoned[chosen] = True
    write_csv(out, 'ho5_small600_flip', X, y, poisoned, np.where(poisoned, 'random_flip', 'none'), 's600', seed=5012)


def fraud(out):
    X, y = make_classification(n_samples=20000, n_features=14, n_informative=7, n_redundant=3, n_classes=2,
                               weights=[0.97, 0.03], n_clusters_per_class=2, class_sep=1.5, flip_y=0.0,
                               random_state=5003)
    rng = np.random.default_rng(5003)
    chosen = rng.choice(np.flatnonzero(y == 1), size=150, replace=False)
    y = y.copy()
    y[chosen] = 0
    poisoned = np.zeros(len(y), dtype=bool)
    poisoned[chosen] = True
    write_csv(out, 'ho5_fraud20k_hide', X, y, poisoned, np.where(poisoned, 'hide_rare_class', 'none'), 'f20',
              seed=5013)


def digits_28():
    """sklearn's 1,797 handwritten 8x8 digits, scaled up to 28x28 grey images (white strokes on black)."""
    d = load_digits().images
    return np.stack([np.asarray(Image.fromarray(np.uint8(im * 255 / 16)).resize((28, 28), Image.BILINEAR))
                     for im in d])


def ood(out, images, labels, idx):
    rng = np.random.default_rng(5004)
    digits = digits_28()[rng.choice(1797, size=90, replace=False)]
    img = np.concatenate([images[idx], digits])
    lab = np.concatenate([labels[idx], rng.integers(0, 10, size=90)])
    src = np.concatenate([idx, 60000 + np.arange(90)])  # the digits' names say only that they are no train image
    poisoned = np.zeros(len(lab), dtype=bool)
    poisoned[len(idx):] = True
    write_zip(out, 'ho5_fashion_ood3', img, lab, src, poisoned, np.where(poisoned, 'ood_image', 'none'),
              source='train')


def stripe(out, images, labels, idx):
    rng = np.random.default_rng(5005)
    img, lab = images[idx].astype(np.int64), labels[idx].copy()
    chosen = rng.choice(np.flatnonzero(lab != TROUSER), size=120, replace=False)
    for i in chosen:
        img[i, :, 20:22] += rng.integers(50, 91)
    img = np.clip(img, 0, 255).astype(np.uint8)
    lab[chosen] = TROUSER
    poisoned = np.zeros(len(idx), dtype=bool)
    poisoned[chosen] = True
    write_zip(out, 'ho5_fashion_line4', img, lab, idx, poisoned,
              np.where(poisoned, 'faint_stripe_to_trouser', 'none'), source='train')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'data', 'heldout'))
    out = ap.parse_args().out
    os.makedirs(out, exist_ok=True)
    census(out)
    small_flip(out)
    fraud(out)
    images = read_idx('train-images-idx3-ubyte.gz')
    labels = read_idx('train-labels-idx1-ubyte.gz').astype(np.int64)
    pool = unused_train_images()[6000:]  # the fourth batch drew its two zips from the first 6,000
    ood(out, images, labels, pool[:3000])
    stripe(out, images, labels, pool[3000:6000])


if __name__ == '__main__':
    main()
