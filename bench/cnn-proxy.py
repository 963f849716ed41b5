"""
A PyTorch stand-in for Sift's CNN (workers/core/train/cnn-layers.ts, 28 x 28 grayscale: conv 3x3/16 stride 2, conv
3x3/32 + 2x2 max-pool, Dense 64, softmax; Adam at the fold defaults of a 6,000-image set: batch 128, 2.83e-3, 10
epochs) to compare training choices for the cross-validated probabilities in seconds: a Sift scan of 6,000 images
takes most of an hour on this 2-core machine. It prints the 5-fold self-confidence AUROC (1 - p(label), the
confident-learning score) against a truth file. Not Sift's code: it shows a direction, and a Sift run confirms it.

  /usr/bin/python3 bench/cnn-proxy.py <images.zip> <truth.csv> ['{"std": "pixel"|"channel"|"none", "avg": 3}']

"std": the input scaling (per pixel, as Sift scales every feature; per channel; none). "avg": the number of
last epochs whose held-out softmax is averaged. Needs Debian's python3-torch, python3-sklearn, python3-pandas,
python3-pil. THREADS=1 leaves a core free. Measured in bench/results/cnn-proxy.txt.
"""
import io
import os
import json
import sys
import time
import zipfile

import numpy as np
import pandas as pd
import torch
import torch.nn as nn
from PIL import Image
from sklearn.metrics import average_precision_score, roc_auc_score

torch.set_num_threads(int(os.environ.get('THREADS', '2')))
archive, truth_file = sys.argv[1:3]
cfg = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
z = zipfile.ZipFile(archive)
names = sorted(n for n in z.namelist() if n.lower().endswith('.png'))
images = np.stack([np.asarray(Image.open(io.BytesIO(z.read(n))).convert('L'), dtype=np.float32) / 255 for n in names])
classes = sorted({n.split('/')[0] for n in names})
labels = np.array([classes.index(n.split('/')[0]) for n in names])
t = pd.read_csv(truth_file)
poisoned = dict(zip(t.iloc[:, 0].astype(str), t.poisoned))
truth = np.array([poisoned[n] for n in names])
raw = torch.tensor(images[:, None])
y = torch.tensor(labels)
epochs = cfg.get('epochs', 10)
batch = cfg.get('batch', 128)
lr = cfg.get('lr', 2.83e-3)
avg = cfg.get('avg', 1)
std = cfg.get('std', 'pixel')
side = images.shape[1]


def model():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, 2, 1), nn.ReLU(), nn.Conv2d(16, 32, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * (side // 4) ** 2, 64), nn.ReLU(), nn.Linear(64, len(classes)))


rng = np.random.default_rng(1)
perm = rng.permutation(len(labels))
folds = np.array_split(perm, 5)
oof = np.zeros((len(labels), len(classes)))
started = time.time()
for k, held in enumerate(folds):
    torch.manual_seed(k)
    train = np.setdiff1d(perm, held)
    if std == 'pixel':
        mu = raw[train].mean(0, keepdims=True)
        sd = raw[train].std(0, keepdims=True)
        sd[sd < 1e-8] = 1
        x = (raw - mu) / sd
    elif std == 'channel':
        x = (raw - raw[train].mean()) / raw[train].std()
    else:
        x = raw
    m = model()
    opt = torch.optim.Adam(m.parameters(), lr=lr)
    loss = nn.CrossEntropyLoss()
    total = np.zeros((len(held), len(classes)))
    for e in range(epochs):
        m.train()
        order = np.random.default_rng(e + 10 * k).permutation(train)
        for b in range(0, len(order), batch):
            idx = order[b:b + batch]
            opt.zero_grad()
            loss(m(x[idx]), y[idx]).backward()
            opt.step()
        if e >= epochs - avg:
            m.eval()
            with torch.no_grad():
                total += torch.softmax(m(x[held]), 1).numpy()
    oof[held] = total / min(avg, epochs)
score = 1 - oof[np.arange(len(labels)), labels]
clean = truth == 0
print(f"{archive.split('/')[-1]} {json.dumps(cfg)} self-confidence AUROC={roc_auc_score(truth, score):.4f} "
      f"AP={average_precision_score(truth, score):.4f} clean out-of-fold accuracy={(oof.argmax(1)[clean] == labels[clean]).mean():.4f} "
      f"{time.time() - started:.0f} s")
