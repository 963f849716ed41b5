"""Detection quality of a score against the truth (higher score = more suspect), shared by peers.py and evaluate.py."""

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score


def top_k_precision(truth, score):
    """Share of poisoned rows among the k highest scores, k = the number of poisoned rows. Rows tied at the k-th
    value count by their tied group's poisoned share (the expectation over tie orders), so ties cannot flatter."""
    truth = np.asarray(truth, dtype=bool)
    score = np.asarray(score, dtype=np.float64)
    k = int(truth.sum())
    if k == 0:
        return float('nan')
    kth = np.sort(score)[::-1][k - 1]
    above = score > kth
    tied = score == kth
    need = k - int(above.sum())
    hits = truth[above].sum() + need * truth[tied].mean()
    return float(hits / k)


def quality(truth, score):
    truth = np.asarray(truth, dtype=int)
    score = np.nan_to_num(np.asarray(score, dtype=np.float64), nan=-np.inf)
    score[np.isneginf(score)] = np.min(score[np.isfinite(score)]) - 1 if np.isfinite(score).any() else 0
    return {'auroc': round(float(roc_auc_score(truth, score)), 4),
            'ap': round(float(average_precision_score(truth, score)), 4),
            'topK': round(top_k_precision(truth, score), 4)}
