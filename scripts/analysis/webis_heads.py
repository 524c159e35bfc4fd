#!/usr/bin/env python3
"""Per-warning logistic heads trained on Webis set 0 alone, 3-fold cross-validated (passage i in fold
i mod 3): balanced accuracy per warning, the quantity the OOD protocol estimates. Usage: webis_heads.py
WORK SHARED KIND."""
import json
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression

W, SHARED, KIND = sys.argv[1], sys.argv[2], sys.argv[3]
items = [json.loads(l) for l in open(f"{SHARED}/data/webis-passage/set0.jsonl")]
warning = np.array([i["warning"] for i in items])
y = np.array([int(sum(1 for v in i["labels"] if v) * 2 > len(i["labels"])) for i in items])
X = np.fromfile(f"{W}/webis_{KIND}.f32", dtype=np.float32).reshape(-1, 384)
fold = np.arange(len(items)) % 3
scores = {}
for w in sorted(set(warning)):
    accs = []
    for f in range(3):
        tr, te = (warning == w) & (fold != f), (warning == w) & (fold == f)
        if min(y[tr].sum(), (1 - y[tr]).sum()) < 2 or min(y[te].sum(), (1 - y[te]).sum()) == 0:
            continue
        p = LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000).fit(X[tr], y[tr]).predict(X[te])
        accs.append(0.5 * ((p[y[te] == 1] == 1).mean() + (p[y[te] == 0] == 0).mean()))
    if accs:
        scores[w] = float(np.mean(accs))
print(f"{KIND}: Webis heads, 3-fold balanced accuracy {np.mean(list(scores.values())):.3f} over {len(scores)} warnings "
      + " ".join(f"{w}:{a:.2f}" for w, a in scores.items()))
