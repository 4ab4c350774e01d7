package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/v1tr0/entrena/data"
)

// Data set kinds, which pick the presets.
const (
	kindMNIST   = "mnist"
	kindFashion = "fashion-mnist"
	kindXOR     = "xor"
	kindSpirals = "spirals"
	kindCSV     = "csv"
	kindIDX     = "idx"
)

const spiralPoints = 200 // per arm

var builtinNames = "mnist, fashion-mnist, xor, spirals"

// source is a resolved --data or --test value.
type source struct {
	kind  string
	path  string // CSV file, IDX images file, or IDX folder
	label string // IDX labels file ("" when none)
}

// resolve turns a --data value into a source.
func resolve(v string) (source, error) {
	switch strings.ToLower(v) {
	case "mnist":
		return source{kind: kindMNIST}, nil
	case "fashion-mnist", "fashion", "fashion_mnist":
		return source{kind: kindFashion}, nil
	case "xor":
		return source{kind: kindXOR}, nil
	case "spirals", "two-spirals":
		return source{kind: kindSpirals}, nil
	}
	if st, err := os.Stat(v); err == nil {
		if st.IsDir() {
			return source{kind: kindIDX, path: v}, nil
		}
		idx, err := data.IsIDX(v)
		if err != nil {
			return source{}, err
		}
		if idx || looksIDX(v) {
			// A file named like an IDX file is read as one even when its
			// magic is wrong, so the error names the magic, not CSV rows.
			return source{kind: kindIDX, path: v, label: data.LabelsFor(v)}, nil
		}
		return source{kind: kindCSV, path: v}, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return source{}, err
	}
	if images, labels, err := data.IDXFiles(v); err == nil {
		return source{kind: kindIDX, path: images, label: labels}, nil
	}
	hint := ""
	if !strings.ContainsAny(v, `/\.`) {
		hint = didYouMean(v, []string{"mnist", "fashion-mnist", "xor", "spirals"})
	}
	return source{}, fmt.Errorf("%s: no such file, IDX prefix (PREFIX-images-idx3-ubyte[.gz]) or built-in data set (%s)%s", v, builtinNames, hint)
}

// looksIDX reports whether a file name is an MNIST-style IDX name:
// …-ubyte or ….idxN, optionally with .gz.
func looksIDX(path string) bool {
	return idxName.MatchString(strings.ToLower(filepath.Base(path)))
}

var idxName = regexp.MustCompile(`([-.]ubyte|\.idx[0-9])(\.gz)?$`)

// loadIDXFolder reads a folder's train-* and t10k-* files, the two sets
// at once (decompressing is most of the time).
func loadIDXFolder(name, dir string, wantTrain, wantTest bool) (train, test *data.Set, err error) {
	read := func(prefix, what string) (*data.Set, error) {
		im, lb, err := data.IDXFiles(filepath.Join(dir, prefix))
		if err != nil {
			return nil, err
		}
		return data.LoadIDX(name+" "+what, im, lb)
	}
	var testErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		if wantTest {
			test, testErr = read("t10k", "test")
		}
	}()
	if wantTrain {
		train, err = read("train", "train")
	}
	<-done
	if err == nil {
		err = testErr
	}
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// load reads a source. For training it returns the training set and, for
// sources that bring one (MNIST, Fashion-MNIST, an IDX folder), the test
// set; forEval returns only the set to evaluate or predict on (the test set
// of those sources). needLabels makes unlabelled data an error. co reads a
// CSV file (for predict and eval, with the model's layout).
func load(src source, co data.CSVOptions, seed uint64, forEval, needLabels bool) (train, test *data.Set, err error) {
	switch src.kind {
	case kindMNIST, kindFashion:
		dir, err := data.MNISTDir()
		name := "MNIST"
		if src.kind == kindFashion {
			dir, err = data.FashionDir()
			name = "Fashion-MNIST"
		}
		if err != nil {
			return nil, nil, err
		}
		train, test, err = loadIDXFolder(name, dir, !forEval, true)
		if forEval {
			return test, nil, err
		}
		return train, test, err
	case kindXOR:
		return data.XOR(), nil, nil
	case kindSpirals:
		if forEval {
			seed++ // fresh points from the same spirals
		}
		s, err := data.Spirals(spiralPoints, seed)
		return s, nil, err
	case kindIDX:
		if st, err := os.Stat(src.path); err == nil && st.IsDir() {
			train, test, err = loadIDXFolder(src.path, src.path, !forEval, forEval || hasIDX(src.path, "t10k"))
			if forEval {
				return test, nil, err
			}
			return train, test, err
		}
		if needLabels && src.label == "" {
			if ok, _ := data.IsIDX(src.path); !ok {
				// Named like IDX but not one: say what is wrong with it.
				if _, err := data.LoadIDX(src.path, src.path, ""); err != nil {
					return nil, nil, err
				}
			}
			return nil, nil, fmt.Errorf("%s: no label file found next to it (…-labels-idx1-ubyte[.gz])", src.path)
		}
		s, err := data.LoadIDX(src.path, src.path, src.label)
		return s, nil, err
	case kindCSV:
		s, err := data.ReadCSV(src.path, co)
		return s, nil, err
	}
	return nil, nil, fmt.Errorf("unknown data kind %q", src.kind)
}

func hasIDX(dir, prefix string) bool {
	_, _, err := data.IDXFiles(filepath.Join(dir, prefix))
	return err == nil
}

// trainData loads the training set and the test set (--test, --split, or
// the one the data set brings).
func trainData(d dataFlags, seed uint64, log io.Writer) (kind string, train, test *data.Set, err error) {
	src, err := resolve(d.data)
	if err != nil {
		return "", nil, nil, fmt.Errorf("--data %w", err)
	}
	train, test, err = load(src, d.csvOptions(), seed, false, true)
	if err != nil {
		return "", nil, nil, err
	}
	if !train.Labelled() {
		return "", nil, nil, fmt.Errorf("%s has no labels to train on", train.Name)
	}
	switch {
	case d.split > 0:
		if test != nil {
			fmt.Fprintf(log, "note: --split replaces the test set of %s with a held-out part of its training set\n", d.data)
		}
		train, test, err = train.Split(d.split, d.splitSeed)
		if err != nil {
			return "", nil, nil, usagef("--split: %v", err)
		}
	case d.test != "":
		tsrc, err := resolve(d.test)
		if err != nil {
			return "", nil, nil, fmt.Errorf("--test %w", err)
		}
		co := d.csvOptions()
		if train.CSV != nil { // the test file's columns and labels are the training file's
			co.Model = csvModel(train.CSV)
		}
		if test, _, err = load(tsrc, co, seed, true, true); err != nil {
			return "", nil, nil, err
		}
		if test.CSV != nil {
			for _, n := range test.CSV.Notes {
				fmt.Fprintf(log, "note: --test %s\n", n)
			}
		}
		if !test.Labelled() {
			return "", nil, nil, fmt.Errorf("%s has no labels to test on", test.Name)
		}
	}
	if test != nil && test.Inputs != train.Inputs {
		return "", nil, nil, fmt.Errorf("the test data has %d features per sample, the training data %d", test.Inputs, train.Inputs)
	}
	return src.kind, train, test, nil
}

// presets are the defaults per kind of data, applied to flags the user did
// not set (on the command line or in a spec file). Regression: a linear
// output on standardised targets, tanh hidden units, Adam.
func presets(kind string, train *data.Set, regression bool) map[string]string {
	in := train.Inputs
	switch kind {
	case kindXOR: // the seed's cycle: 2-4-1 sigmoid, MSE, α = 2, loss every 100 epochs
		return map[string]string{"layers": "2,4,1", "loss": "mse", "lr": "2", "epochs": "1000", "batch": "4"}
	case kindSpirals:
		return map[string]string{"layers": "2,32,32,1", "activation": "relu", "loss": "bce", "optimizer": "adam", "lr": "0.01", "epochs": "1000", "batch": "16"}
	}
	p := map[string]string{"loss": "cce", "lr": "0.5", "epochs": "10", "batch": "32"}
	hidden := 128
	if kind == kindCSV {
		hidden = 64
		p["epochs"], p["lr"] = "100", "0.1"
	}
	out := train.Outputs
	switch {
	case regression:
		p["loss"], p["activation"], p["optimizer"], p["lr"] = "mse", "tanh", "adam", "0.001"
		p["epochs"] = "200"
	case train.Classes == 2:
		p["loss"], out = "mse", 1
	}
	p["layers"] = fmt.Sprintf("%d,%d,%d", in, hidden, out)
	return p
}
