"""Simple peers on the held-out sets (issue 10), each scoring every row (higher = more suspect):
  - isolation_forest: sklearn IsolationForest (300 trees, seed 0) on the features (pixels / 255 for images);
  - mlp_self_confidence: 1 - p(given label) from 5-fold cross-validated MLPClassifier (one hidden layer of 128,
    adam, early stopping, seed 0) on standardised features (pixels / 255 for images);
  - knn_disagreement: share of the 10 nearest rows (Euclidean, standardised features; pixels / 255 for images)
    whose label differs from the row's.
Text columns of a table are one-hot encoded first (pandas get_dummies).

    /usr/bin/python3 bench/heldout/peers.py [--data bench/data/heldout] [SET...]

Writes DATA/<set>/peers.csv (id + one column per peer) and DATA/<set>/peers.json (AUROC, AP and top-k precision of
each peer against the truth, k = the number of poisoned rows, seconds per peer).
"""

import argparse
import io
import json
import os
import sys
import time
import zipfile

import numpy as np
import pandas as pd
from PIL import Image
from sklearn.ensemble import IsolationForest
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import NearestNeighbors
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.dirname(__file__))
from metrics import quality  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def pixels(image):
    """An image's pixels / 255, flattened: RGB when it has colour, else gray."""
    mode = 'L' if image.mode in ('1', 'L', 'LA', 'I', 'I;16') else 'RGB'
    return np.asarray(image.convert(mode), dtype=np.float64).ravel() / 255


def load(data, name):
    """(ids, X, labels, truth 0/1, is_image): rows in the truth file's order."""
    d = os.path.join(data, name)
    truth = pd.read_csv(os.path.join(d, f'{name}.truth.csv'))
    ids = truth['id'].tolist()
    zpath = os.path.join(d, f'{name}.zip')
    if os.path.exists(zpath):
        with zipfile.ZipFile(zpath) as z:
            images = [Image.open(io.BytesIO(z.read(i))) for i in ids]
            # Class folders, or a labels CSV at the top of the zip (path,label; ho7_digits_labels_csv).
            if 'labels.csv' in z.namelist():
                table = pd.read_csv(io.BytesIO(z.read('labels.csv'))).set_index('path')
                labels = table.loc[ids, 'label'].astype(str).to_numpy()
            else:
                labels = np.array([i.split('/')[0] for i in ids])
        # Images of several sizes (ho6_digits_sizes_flip): each resized to the most common side, as Sift's default.
        sides, counts = np.unique([im.size[0] for im in images], return_counts=True)
        side = int(sides[np.argmax(counts)])
        X = np.stack([pixels(im if im.size == (side, side) else im.resize((side, side), Image.BILINEAR))
                      for im in images])
        _, y = np.unique(labels, return_inverse=True)
        return ids, X, y, truth['poisoned'].to_numpy(), True
    df = pd.read_csv(os.path.join(d, f'{name}.csv')).set_index('id').loc[ids]
    _, y = np.unique(df['label'].astype(str).to_numpy(), return_inverse=True)
    # Text columns one-hot, as Sift's scan is told to (`--one-hot`, DATA/<set>/scan-flags.txt).
    X = pd.get_dummies(df.drop(columns=['label']), dtype=np.float64).to_numpy(dtype=np.float64)
    return ids, X, y, truth['poisoned'].to_numpy(), False


def isolation_forest(X, y, image):
    f = IsolationForest(n_estimators=300, random_state=0).fit(X)
    return -f.score_samples(X)


def mlp_self_confidence(X, y, image):
    Xs = X if image else StandardScaler().fit_transform(X)
    p = np.zeros(len(y))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(Xs, y):
        m = MLPClassifier(hidden_layer_sizes=(128,), early_stopping=True, max_iter=200, random_state=0)
        m.fit(Xs[train], y[train])
        col = {c: j for j, c in enumerate(m.classes_)}
        proba = m.predict_proba(Xs[test])
        p[test] = [proba[r, col[y[i]]] if y[i] in col else 0.0 for r, i in enumerate(test)]
    return 1 - p


def knn_disagreement(X, y, image):
    Xs = X if image else StandardScaler().fit_transform(X)
    _, nb = NearestNeighbors(n_neighbors=11).fit(Xs).kneighbors(Xs)
    nb = nb[:, 1:]  # the row itself first (ties among exact duplicates aside)
    return (y[nb] != y[:, None]).mean(axis=1)


PEERS = {'isolation_forest': isolation_forest, 'mlp_self_confidence': mlp_self_confidence,
         'knn_disagreement': knn_disagreement}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=os.path.join(ROOT, 'bench', 'data', 'heldout'))
    ap.add_argument('sets', nargs='*')
    a = ap.parse_args()
    sets = a.sets or sorted(n for n in os.listdir(a.data) if os.path.isdir(os.path.join(a.data, n)))
    for name in sets:
        ids, X, y, truth, image = load(a.data, name)
        scores, result = {'id': ids}, {}
        for peer, fn in PEERS.items():
            t0 = time.time()
            s = fn(X, y, image)
            scores[peer] = s
            result[peer] = {**quality(truth, s), 'seconds': round(time.time() - t0, 1)}
            print(f'{name} {peer}: ' + ', '.join(f'{k} {v}' for k, v in result[peer].items()), flush=True)
        pd.DataFrame(scores).to_csv(os.path.join(a.data, name, 'peers.csv'), index=False, float_format='%.6g')
        with open(os.path.join(a.data, name, 'peers.json'), 'w') as f:
            json.dump(result, f, indent=2)


if __name__ == '__main__':
    main()
