package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/v1tr0/entrena/core"
	"github.com/v1tr0/entrena/data"
	"github.com/v1tr0/entrena/internal/regularfile"
)

// Feature normalisation (--normalize). CSV features are scaled with
// statistics of the training rows only (after --split), computed in one pass
// over the training buffer and applied in place to the training rows, the
// held-out rows and the --test data. The transform is saved in the model's
// schema, and predict and eval apply it to their input. A model saved
// before schemas existed may have a MODEL.norm file next to it (see
// data.Norm.MarshalText for the format), which predict and eval still read. IDX images are already scaled
// to [0, 1] and the built-in sets are generated at their scale, so for them
// only --normalize none is accepted (and no .norm file is written).

// normSuffix names the normalisation file next to a model.
const normSuffix = ".norm"

func normPath(model string) string { return model + normSuffix }

// normalise fits method ("" picks the default for the data kind) on train
// and applies it to train and test in place. It returns nil for data that
// is not CSV.
func normalise(method, kind string, train, test *data.Set) (*data.Norm, error) {
	if kind != kindCSV {
		if method != "" && method != data.NormNone {
			return nil, usagef("--normalize %s: %s data is already scaled (IDX images to [0,1], built-in sets as generated); --normalize applies to CSV data only", method, kind)
		}
		return nil, nil
	}
	if method == "" {
		method = data.NormMinMax
	}
	n, err := data.FitNorm(method, train.X, train.Samples, train.Inputs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", train.Name, err)
	}
	if method == data.NormNone {
		return n, nil
	}
	for _, s := range []*data.Set{train, test} {
		if s == nil {
			continue
		}
		if err := n.Apply(s.X[:s.Samples*s.Inputs]); err != nil {
			return nil, fmt.Errorf("--normalize %s: %s: %w", method, s.Name, err)
		}
	}
	return n, nil
}

// describeNorm is the note on the data line of train and sweep.
func describeNorm(n *data.Norm) string {
	if n == nil || n.Method == data.NormNone {
		return ""
	}
	return fmt.Sprintf(" (%s-normalised from the training rows)", n.Method)
}

// modelID identifies a model file by its trailing CRC-32.
func modelID(model []byte) string {
	if len(model) < 4 {
		return ""
	}
	return fmt.Sprintf("crc32:%08x", binary.LittleEndian.Uint32(model[len(model)-4:]))
}

// saveModel writes the model with its schema (nil: none; the feature and
// target scaling travel inside it), and removes a normalisation file an
// earlier entrena wrote next to it, which no longer belongs to the model.
func saveModel(w io.Writer, path string, net *core.Network, schema *core.Schema) error {
	if err := net.SetSchema(schema); err != nil {
		return err
	}
	buf, err := net.MarshalBinary()
	if err != nil {
		return err
	}
	if err := regularfile.WriteAtomic(path, buf); err != nil {
		return err
	}
	fmt.Fprintf(w, "model saved to %s", path)
	if schema != nil {
		fmt.Fprintf(w, " (with its data schema: %s)", schema.Describe())
	}
	fmt.Fprintln(w)
	return removeStaleNorm(w, normPath(path))
}

// removeStaleNorm removes np when it is a regular file. Anything else
// there (a link, a folder, a FIFO) was put by someone else on purpose: it
// is left alone with a note, since the new model never reads it.
func removeStaleNorm(w io.Writer, np string) error {
	fi, err := os.Lstat(np)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot check for a stale normalisation file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		fmt.Fprintf(w, "left %s alone: it is not a regular file (the saved model carries its own scaling and does not read it)\n", np)
		return nil
	}
	if err := os.Remove(np); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("cannot remove the stale normalisation file: %w", err)
	}
	fmt.Fprintf(w, "removed %s, the normalisation file of an earlier model\n", np)
	return nil
}

// loadNorm reads the normalisation file of the model at path, or returns
// nil when there is none.
func loadNorm(path string) (*data.Norm, error) {
	np := normPath(path)
	f, _, err := regularfile.Open(np)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	n, err := data.ParseNorm(f)
	if err != nil {
		var le *data.LineError
		if errors.As(err, &le) {
			le.File = np
			return nil, le
		}
		return nil, fmt.Errorf("%s: %w", np, err)
	}
	return n, nil
}

// applyNorm applies the normalisation of the model at path to the data it
// runs on, after checking that it fits the data and belongs to the model.
func applyNorm(n *data.Norm, path string, net *core.Network, set *data.Set) error {
	np := normPath(path)
	if n.Features() != set.Inputs {
		return fmt.Errorf("%s scales %d features, %s has %d per sample: the normalisation file belongs to another model", np, n.Features(), set.Name, set.Inputs)
	}
	if n.Model != "" {
		buf, err := net.MarshalBinary()
		if err != nil {
			return err
		}
		if id := modelID(buf); id != n.Model {
			return fmt.Errorf("%s belongs to another model (%s; %s is %s): retrain, or remove the stale normalisation file", np, n.Model, path, id)
		}
	}
	if err := n.Apply(set.X[:set.Samples*set.Inputs]); err != nil {
		return fmt.Errorf("%s: %s (normalisation from %s)", set.Name, err, np)
	}
	return nil
}
