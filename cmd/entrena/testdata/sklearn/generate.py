"""Writes the scikit-learn data sets used by the CLI's data-contract tests,
as pandas writes them: with and without the index, with a header of names
and a header of numbers. Run once with scikit-learn and pandas installed:

    python3 cmd/entrena/testdata/sklearn/generate.py

The files are committed; the tests need neither library."""
import os

import numpy as np
import pandas as pd
from sklearn import datasets

out = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(out, name)


# digits, 500 rows: the label first, header of names, no index.
d = datasets.load_digits(as_frame=True).frame.iloc[:500].astype(int)
d[["target"] + [c for c in d.columns if c != "target"]].to_csv(path("digits_target_first.csv"), index=False)

# wine, all 178 rows: an unnamed DataFrame, so the header is 0,1,...,13.
X, y = datasets.load_wine(return_X_y=True)
pd.DataFrame(np.c_[X, y]).to_csv(path("wine_numbers.csv"), index=False)
# … and with names, the index, and the classes numbered 1..3.
w = datasets.load_wine(as_frame=True).frame
w["target"] = w["target"] + 1
w.to_csv(path("wine_index_1to3.csv"))

# breast cancer, 300 rows: the index written, string labels.
b = datasets.load_breast_cancer(as_frame=True)
f = b.frame.iloc[:300].copy()
f["target"] = [b.target_names[t] for t in f["target"]]
f.to_csv(path("breast_cancer_index.csv"))

# diabetes, all 442 rows: whole-number targets written as floats ("151.0").
g = datasets.load_diabetes(as_frame=True).frame.round(6)
g.to_csv(path("diabetes.csv"), index=False)
