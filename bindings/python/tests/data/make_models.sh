#!/bin/sh
# Trains the models test_schema.py loads, with the entrena command on the
# scikit-learn CSV files of cmd/entrena/testdata/sklearn (run from the
# repository root; the files are committed, the tests need no Go):
#   wine_1to3.entrena       classes 1, 2, 3; index column dropped; minmax scaling
#   breast_cancer.entrena   string labels, one sigmoid output
#   diabetes.entrena        regression: standardised targets
#   cancer_legacy.entrena   breast cancer (labels 0/1 from the index-free
#                           file) without its schema, its scaling in
#                           cancer_legacy.entrena.norm: a model as entrena
#                           wrote it before schemas existed
set -e
out=bindings/python/tests/data
csv=cmd/entrena/testdata/sklearn
go build -o build/entrena ./cmd/entrena
# breast cancer with 0/1 labels (malignant 1), as a model before schemas needed
sed -e 's/,malignant$/,1/' -e 's/,benign$/,0/' $csv/breast_cancer_index.csv >$out/cancer01.csv
build/entrena train --data $csv/wine_index_1to3.csv --split 0.2 --out $out/wine_1to3.entrena --every 1000
build/entrena train --data $csv/breast_cancer_index.csv --split 0.2 --out $out/breast_cancer.entrena --every 1000
build/entrena train --data $csv/diabetes.csv --regression --split 0.2 --out $out/diabetes.entrena --every 1000
build/entrena train --data $out/cancer01.csv --split 0.2 --out $out/cancer_legacy.entrena --every 1000
PYTHONPATH=bindings/python python3 - <<'PY'
import entrena
path = "bindings/python/tests/data/cancer_legacy.entrena"
m = entrena.load_model(path)
s = m.schema["feature_scaling"]
m.set_schema(None)
m.save(path)
crc = int.from_bytes(open(path, "rb").read()[-4:], "little")
with open(path + ".norm", "w") as f:
    f.write("entrena-norm,1\nmethod,%s\nfeatures,%d\nmodel,crc32:%08x\nfeature,offset,scale\n"
            % (s["method"], len(s["offset"]), crc))
    for j, (o, c) in enumerate(zip(s["offset"], s["scale"])):
        f.write("%d,%r,%r\n" % (j, o, c))
PY
rm $out/cancer01.csv
