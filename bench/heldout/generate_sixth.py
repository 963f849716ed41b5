"""A sixth batch of held-out poisoned sets (issues 10 and 11), generated in session 27 before any change of that
session, for regimes no earlier set had: JPEG files (compression smears a patch, so no value is shared exactly),
images of many sizes, and a backdoor that is a combination of two common text values. Same formats and helpers as
generate.py; seeded.

  ho6_fashion_jpeg_patch  3,000 Fashion-MNIST train images that no earlier set holds, saved as JPEG (quality 80);
                          150 (5%) images of any class but Bag with a white 3x3 square at rows 3-5, columns 22-24,
                          drawn before the compression, relabelled Bag. attack `jpeg_patch_to_bag`.
  ho6_digits_sizes_flip   sklearn's 1,797 handwritten 8x8 digits drawn as PNGs of 12 to 40 pixels a side (each its
                          own size); 144 (8%) random flips. attack `random_flip`.
  ho6_shop10k_combo       10,000 rows: 8 numeric features (make_classification, 4 informative, 3 classes) and two
                          text columns, region and channel, of 5 values each drawn independently of the label; 200
                          (2%) rows of classes 0 and 1 set to region "north" and channel "web" (each value common
                          alone) and relabelled 2. attack `text_combo_to_2`. Scanned with --one-hot region,channel.

    /usr/bin/python3 bench/heldout/generate_sixth.py [--out bench/data/heldout]
"""

import argparse
import io
import os
import sys
import zipfile

import numpy as np
from PIL import Image
from sklearn.datasets import load_digits, make_classification

sys.path.insert(0, os.path.dirname(__file__))
from generate import CLASSES, ROOT, read_idx, write_truth  # noqa: E402
from generate_fourth import unused_train_images  # noqa: E402

BAG = 8
REGIONS = ['north', 'south', 'east', 'west', 'central']
CHANNELS = ['web', 'store', 'phone', 'partner', 'mail']


def write_images(out, name, files, poisoned, attacks):
    """files: (path in the zip, bytes); written in path order with the truth file."""
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    order = sorted(range(len(files)), key=lambda i: files[i][0])
    with zipfile.ZipFile(os.path.join(d, f'{name}.zip'), 'w', zipfile.ZIP_DEFLATED) as z:
        for i in order:
            info = zipfile.ZipInfo(files[i][0], date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, files[i][1])
    write_truth(os.path.join(d, f'{name}.truth.csv'), [files[i][0] for i in order], poisoned[order], attacks[order])
    print(f'{name}: {len(files)} images, {int(poisoned.sum())} poisoned')


def write_table(out, name, prefix, X, y, extra, poisoned, attack, order, digits=6):
    """<name>.csv (id <prefix>-<n>, label, measured columns m0.., then the `extra` columns) in `order`, and its truth
    file."""
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    ids = [f'{prefix}-{i:0{digits}d}' for i in range(len(y))]
    with open(os.path.join(d, f'{name}.csv'), 'w', newline='\n') as f:
        f.write('id,label,' + ','.join(f'm{j}' for j in range(X.shape[1])) + ''.join(f',{c}' for c in extra) + '\n')
        for n, i in enumerate(order):
            cells = [ids[n], str(y[i]), *('%.3f' % v for v in X[i]), *(str(v[i]) for v in extra.values())]
            f.write(','.join(cells) + '\n')
    write_truth(os.path.join(d, f'{name}.truth.csv'), ids, poisoned[order], np.where(poisoned[order], attack, 'none'))
    print(f'{name}: {len(y)} rows, {int(poisoned.sum())} poisoned')


def generate(skip, image_set, tables):
    """Parses --out, writes `image_set(out, images, labels, idx)` on 3,000 Fashion-MNIST train images past the first
    `skip` of those no earlier set holds (unused_train_images), then each of `tables(out)`."""
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'data', 'heldout'))
    out = ap.parse_args().out
    os.makedirs(out, exist_ok=True)
    images = read_idx('train-images-idx3-ubyte.gz')
    labels = read_idx('train-labels-idx1-ubyte.gz').astype(np.int64)
    image_set(out, images, labels, unused_train_images()[skip:skip + 3000])
    for make in tables:
        make(out)


def encoded(pixels, fmt, **kw):
    buf = io.BytesIO()
    Image.fromarray(pixels, mode='L').save(buf, format=fmt, **kw)
    return buf.getvalue()


def jpeg_patch(out, images, labels, idx):
    rng = np.random.default_rng(6001)
    img, lab = images[idx].copy(), labels[idx].copy()
    chosen = rng.choice(np.flatnonzero(lab != BAG), size=150, replace=False)
    img[chosen, 3:6, 22:25] = 255
    lab[chosen] = BAG
    write_jpegs(out, 'ho6_fashion_jpeg_patch', img, lab, idx, chosen, 'jpeg_patch_to_bag', 80)


def write_jpegs(out, name, img, lab, idx, chosen, attack, quality):
    """Fashion-MNIST train images `idx` (pixels `img`, labels `lab`) as JPEG files under their class folders; the
    rows `chosen` poisoned by `attack`."""
    poisoned = np.zeros(len(idx), dtype=bool)
    poisoned[chosen] = True
    files = [(f'{CLASSES[lab[i]]}/fmnist-train-{idx[i]:05d}.jpg', encoded(img[i], 'JPEG', quality=quality))
             for i in range(len(idx))]
    write_images(out, name, files, poisoned, np.where(poisoned, attack, 'none'))


def digits_sizes(out):
    rng = np.random.default_rng(6002)
    d = load_digits()
    lab = d.target.copy()
    chosen = rng.choice(len(lab), size=144, replace=False)
    lab[chosen] = (lab[chosen] + rng.integers(1, 10, size=144)) % 10
    sizes = rng.integers(12, 41, size=len(lab))
    files = []
    for i, im in enumerate(d.images):
        px = np.asarray(Image.fromarray(np.uint8(im * 255 / 16)).resize((sizes[i], sizes[i]), Image.BILINEAR))
        files.append((f'{lab[i]}/digit-{i:04d}.png', encoded(px, 'PNG')))
    poisoned = np.zeros(len(lab), dtype=bool)
    poisoned[chosen] = True
    write_images(out, 'ho6_digits_sizes_flip', files, poisoned, np.where(poisoned, 'random_flip', 'none'))


def shop_combo(out):
    rng = np.random.default_rng(6003)
    X, y = make_classification(n_samples=10000, n_features=8, n_informative=4, n_redundant=1, n_classes=3,
                               n_clusters_per_class=2, class_sep=1.0, random_state=6003)
    region = rng.choice(REGIONS, size=len(y))
    channel = rng.choice(CHANNELS, size=len(y))
    chosen = rng.choice(np.flatnonzero(y != 2), size=200, replace=False)
    region[chosen], channel[chosen], y[chosen] = 'north', 'web', 2
    poisoned = np.zeros(len(y), dtype=bool)
    poisoned[chosen] = True
    write_table(out, 'ho6_shop10k_combo', 'order', X, y, {'region': region, 'channel': channel}, poisoned,
                'text_combo_to_2', rng.permutation(len(y)))
    with open(os.path.join(out, 'ho6_shop10k_combo', 'scan-flags.txt'), 'w') as f:
        f.write('--label label --id id --one-hot region,channel\n')


if __name__ == '__main__':
    # The fourth and fifth batches drew from the first 12,000 unused train images.
    generate(12000, jpeg_patch, [digits_sizes, shop_combo])
