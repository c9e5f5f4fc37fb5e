#!/usr/bin/env python3
"""
DEV-ONLY: the scikit-learn bar for `revline model cv`. Revline does not need Python; this script
exists so that anyone can re-measure the numbers in docs/learning.md.

It reads the same CSV with the same rules as src/scoring/csv-dataset.ts (empty cells and the
--missing placeholders are missing, every other text is a category, a column is numeric when all
its non-missing cells are numbers, constant columns are skipped), the fold of every row from the
file `revline model cv --write-folds` wrote, and fits scikit-learn's
HistGradientBoostingClassifier() with its default settings on each fold. Categorical columns are
passed as pandas `category` dtype so that categorical_features='from_dtype' (the default) splits
on them natively.

Requires: python3, scikit-learn, pandas (`pip install --user pandas`).

Example:
  npx tsx src/cli/bin.ts model cv --csv Leads.csv --target Converted --drop Tags,... --write-folds folds.csv
  python3 scripts/sklearn-baseline.py --csv Leads.csv --target Converted --drop Tags,... --folds-file folds.csv
"""

import argparse
import csv
import json
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import log_loss, roc_auc_score


def detect_delimiter(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        first = f.readline()
    counts = {d: 0 for d in [",", ";", "\t", "|"]}
    quoted = False
    for c in first:
        if c == '"':
            quoted = not quoted
        elif not quoted and c in counts:
            counts[c] += 1
    best = max(counts, key=lambda d: (counts[d], -[",", ";", "\t", "|"].index(d)))
    return best if counts[best] > 0 else ","


def parse_target(values, positive):
    out = []
    for i, v in enumerate(values):
        v = v.strip()
        if v == "":
            raise SystemExit(f"empty target on data row {i + 1}")
        if positive is not None:
            out.append(1 if v == positive else 0)
            continue
        low = v.lower()
        if low in ("1", "1.0", "yes", "true"):
            out.append(1)
        elif low in ("0", "0.0", "no", "false"):
            out.append(0)
        else:
            raise SystemExit(f"unrecognised target {v!r} on data row {i + 1}")
    return np.array(out)


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--csv", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--drop", default="")
    ap.add_argument("--delimiter")
    ap.add_argument("--positive")
    ap.add_argument("--missing", default="")
    ap.add_argument("--folds-file", required=True, help="row,fold as written by revline model cv --write-folds")
    ap.add_argument("--json", action="store_true")
    return ap.parse_args(argv)


def load_dataset(args):
    """The features (a DataFrame), the 0/1 target and the skipped constant columns."""
    sep = args.delimiter or detect_delimiter(args.csv)
    # Everything as text first, so that the column typing follows csv-dataset.ts, not pandas' own NA list.
    raw = pd.read_csv(args.csv, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [c.strip() for c in raw.columns]
    y = parse_target(raw[args.target].tolist(), args.positive)
    drop = [c for c in args.drop.split(",") if c]
    missing = set(m for m in args.missing.split(",") if m)

    features = {}
    skipped = []
    for name in raw.columns:
        if name == args.target or name in drop:
            continue
        cells = raw[name].str.strip()
        is_missing = (cells == "") | cells.isin(missing)
        present = cells[~is_missing]
        numbers = pd.to_numeric(present, errors="coerce")
        numeric = bool(numbers.notna().all() and np.isfinite(numbers.to_numpy(dtype=float)).all())
        distinct = numbers.nunique() if numeric else present.nunique()
        if distinct == 0 or (distinct == 1 and not is_missing.any()):
            skipped.append(name)
            continue
        if numeric:
            col = pd.Series(np.nan, index=cells.index, dtype=float)
            col[~is_missing] = numbers
        else:
            col = cells.where(~is_missing, other=None).astype("category")
        features[name] = col
    return pd.DataFrame(features), y, skipped


def main():
    args = parse_args()
    X, y, skipped = load_dataset(args)
    with open(args.folds_file, newline="") as f:
        rows = list(csv.DictReader(f))
    fold = np.empty(len(X), dtype=int)
    for r in rows:
        fold[int(r["row"]) - 1] = int(r["fold"])
    if len(rows) != len(X):
        raise SystemExit(f"{args.folds_file} has {len(rows)} rows; the CSV has {len(X)}")

    results = []
    for k in sorted(set(fold.tolist())):
        train, test = fold != k, fold == k
        model = HistGradientBoostingClassifier()
        t0 = time.perf_counter()
        model.fit(X[train], y[train])
        seconds = time.perf_counter() - t0
        p = model.predict_proba(X[test])[:, 1]
        results.append({"fold": k + 1, "auc": roc_auc_score(y[test], p), "log_loss": log_loss(y[test], p), "seconds": seconds, "iterations": int(model.n_iter_)})
    mean = {key: float(np.mean([r[key] for r in results])) for key in ("auc", "log_loss", "seconds")}
    if args.json:
        print(json.dumps({"folds": results, "mean": mean, "skipped": skipped}, indent=2))
        return
    print(f"scikit-learn {__import__('sklearn').__version__} HistGradientBoostingClassifier() on {args.csv}: {len(X)} rows, {X.shape[1]} features "
          f"({sum(str(t) == 'category' for t in X.dtypes)} categorical as pandas category dtype); skipped constant: {', '.join(skipped) or 'none'}")
    print(f"{'fold':>4}  {'AUC':>7}  {'log loss':>8}  {'fit s':>6}  {'iters':>5}")
    for r in results:
        print(f"{r['fold']:>4}  {r['auc']:7.4f}  {r['log_loss']:8.4f}  {r['seconds']:6.2f}  {r['iterations']:>5}")
    print(f"{'mean':>4}  {mean['auc']:7.4f}  {mean['log_loss']:8.4f}  {mean['seconds']:6.2f}")


if __name__ == "__main__":
    main()
