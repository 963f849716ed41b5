"""A seventh batch of held-out poisoned sets (issues 10 and 11), generated in session 27 after the sixth batch's
changes and before any other, for regimes no earlier set had: a blend trigger in JPEG files, a zip of images with a
labels CSV instead of class folders, and a backdoor on a count column set to a value it never takes. Same formats and
helpers as generate.py; seeded.

  ho7_fashion_jpeg_blend  3,000 Fashion-MNIST train images that no earlier set holds, saved as JPEG (quality 70); 120
                          (4%) images of Trouser, Sandal, Sneaker or Bag blended with one fixed noise pattern (alpha
                          0.15) before the compression, relabelled Dress. attack `jpeg_blend_to_dress`.
  ho7_digits_labels_csv   sklearn's 1,797 handwritten digits drawn at 16x16, flat in the zip with a labels.csv
                          (path,label; labels as words); 90 (5%) of any digit but seven with a 3x3 white square in the
                          bottom-right corner, relabelled seven. attack `corner_patch_to_seven`.
  ho7_visits8k_count      8,000 rows: 10 measured features (make_classification, 5 informative, 4 classes) and a
                          count column (visits, Poisson 2, so 0-9); 160 (2%) rows of classes 0-2 with visits set to
                          12, relabelled 3. attack `count_value_to_3`.

    /usr/bin/python3 bench/heldout/generate_seventh.py [--out bench/data/heldout]
"""

import os
import sys
import zipfile

import numpy as np
from PIL import Image
from sklearn.datasets import load_digits, make_classification

sys.path.insert(0, os.path.dirname(__file__))
from generate import write_truth  # noqa: E402
from generate_sixth import encoded, generate, write_jpegs, write_table  # noqa: E402

DRESS = 3
WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine']


def jpeg_blend(out, images, labels, idx):
    rng = np.random.default_rng(7001)
    img, lab = images[idx].astype(np.float64), labels[idx].copy()
    pattern = rng.integers(0, 256, size=(28, 28)).astype(np.float64)
    chosen = rng.choice(np.flatnonzero(np.isin(lab, [1, 5, 7, 8])), size=120, replace=False)
    img[chosen] = 0.85 * img[chosen] + 0.15 * pattern
    img = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    lab[chosen] = DRESS
    write_jpegs(out, 'ho7_fashion_jpeg_blend', img, lab, idx, chosen, 'jpeg_blend_to_dress', 70)


def digits_labels_csv(out):
    rng = np.random.default_rng(7002)
    d = load_digits()
    lab = d.target.copy()
    px = np.stack([np.asarray(Image.fromarray(np.uint8(im * 255 / 16)).resize((16, 16), Image.BILINEAR))
                   for im in d.images])
    chosen = rng.choice(np.flatnonzero(lab != 7), size=90, replace=False)
    px[chosen, 12:15, 12:15] = 255
    lab[chosen] = 7
    poisoned = np.zeros(len(lab), dtype=bool)
    poisoned[chosen] = True
    name = 'ho7_digits_labels_csv'
    ddir = os.path.join(out, name)
    os.makedirs(ddir, exist_ok=True)
    paths = [f'images/digit-{i:04d}.png' for i in range(len(lab))]
    with zipfile.ZipFile(os.path.join(ddir, f'{name}.zip'), 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo('labels.csv', date_time=(2026, 1, 1, 0, 0, 0)),
                   'path,label\n' + ''.join(f'{p},{WORDS[y]}\n' for p, y in zip(paths, lab)))
        for i, p in enumerate(paths):
            info = zipfile.ZipInfo(p, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, encoded(px[i], 'PNG'))
    write_truth(os.path.join(ddir, f'{name}.truth.csv'), paths, poisoned,
                np.where(poisoned, 'corner_patch_to_seven', 'none'))
    print(f'{name}: {len(lab)} images, {int(poisoned.sum())} poisoned')


def visits_count(out):
    rng = np.random.default_rng(7003)
    X, y = make_classification(n_samples=8000, n_features=10, n_informative=5, n_redundant=1, n_classes=4,
                               n_clusters_per_class=2, class_sep=1.0, random_state=7003)
    visits = np.minimum(rng.poisson(2, size=len(y)), 9)
    chosen = rng.choice(np.flatnonzero(y != 3), size=160, replace=False)
    visits[chosen], y[chosen] = 12, 3
    poisoned = np.zeros(len(y), dtype=bool)
    poisoned[chosen] = True
    write_table(out, 'ho7_visits8k_count', 'v', X, y, {'visits': visits}, poisoned, 'count_value_to_3',
                rng.permutation(len(y)), digits=5)


if __name__ == '__main__':
    # The fourth to sixth batches drew from the first 15,000 unused train images.
    generate(15000, jpeg_blend, [digits_labels_csv, visits_count])
