package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/core"
	"github.com/v1tr0/entrena/data"
)

// errHelp is returned after -h printed a command's usage: exit status 0.
var errHelp = errors.New("help shown")

// opts holds every flag of train and sweep; the other commands use a subset.
type opts struct {
	fs  *flag.FlagSet
	set map[string]bool // flags given on the command line or in the spec file

	spec       string
	layers     string
	activation string
	outAct     string
	loss       string
	optimizer  string
	lr         string // one rate for train, a list for sweep
	momentum   float64
	rho        float64
	l2         float64
	dropout    float64
	epochs     int
	batch      int
	seed       uint64
	shuffle    bool
	threads    int
	kernels    string
	every      int
	out        string
	history    string
	plot       string
	normalize  string // "" until the data says: minmax for CSV, none otherwise
	dataFlags
}

// dataFlags choose the data; shared by train, sweep, predict and eval.
type dataFlags struct {
	data           string
	test           string
	split          float64
	splitSeed      uint64
	labelColumn    string
	regression     bool
	classification bool
	header         string
	sep            string
	keepIndex      bool
}

func newFlagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("entrena "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "usage: entrena %s [flags]\n\n%s\n\nFlags (-flag and --flag are the same):\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, printing usage on -h. Flags given are recorded.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (map[string]bool, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return nil, errHelp
		}
		return nil, usageError{err.Error() + flagSuggestion(fs, err)}
	}
	if fs.NArg() > 0 {
		return nil, usagef("unexpected argument %q (every input is given by a flag)", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set, nil
}

func (d *dataFlags) register(fs *flag.FlagSet, withTest bool) {
	fs.StringVar(&d.data, "data", "mnist", "`DATA`: mnist, fashion-mnist, xor, spirals, a CSV file, an IDX file or prefix (dir/train for dir/train-images-idx3-ubyte[.gz] and its labels), or a folder with train-* and t10k-* IDX files")
	fs.StringVar(&d.header, "header", "auto", "CSV header row: auto (a first row of names, or of the column numbers pandas writes, that differs from the data), yes or no")
	fs.StringVar(&d.sep, "sep", "", "CSV field separator: one character, or tab (default: sniffed from the first lines: comma, semicolon, tab or bar)")
	fs.BoolVar(&d.keepIndex, "keep-index", false, "read a leading pandas index column (unnamed, or counting 0, 1, 2, … without a header) as a feature instead of dropping it (a model saved with it remembers it: predict and eval read its files' first column as a feature)")
	if withTest {
		fs.StringVar(&d.labelColumn, "label-column", "", "CSV label column: header name or 0-based position among the data columns (negative from the end); default the last")
		fs.BoolVar(&d.regression, "regression", false, "the CSV label is a number to predict (one linear output, standardised targets, RMSE/MAE/R²); default: inferred from the labels")
		fs.BoolVar(&d.classification, "classification", false, "each distinct CSV label is a class; default: inferred from the labels (text, booleans, or at most 20 distinct whole numbers)")
		fs.StringVar(&d.test, "test", "", "test `DATA` (same forms as --data); mnist and fashion-mnist bring their own")
		fs.Float64Var(&d.split, "split", 0, "hold out this fraction of the training data as the test set (e.g. 0.1), stratified by class")
		fs.Uint64Var(&d.splitSeed, "split-seed", 1, "seed of --split alone: changing --seed keeps the same test set")
	} else {
		fs.StringVar(&d.labelColumn, "label-column", "", "CSV label column; default: the one the model was trained with (its schema), for older models the last")
		fs.BoolVar(&d.regression, "regression", false, "for a model without a schema: the CSV label is a number (default for a linear output layer); a model with a schema knows its task")
		fs.BoolVar(&d.classification, "classification", false, "for a model without a schema: the CSV label is a class index")
	}
}

// newTrainFlags defines the flags of train (sweep=false) or sweep.
func newTrainFlags(name, synopsis string, sweep bool) *opts {
	o := &opts{fs: newFlagSet(name, synopsis)}
	fs := o.fs
	fs.StringVar(&o.spec, "spec", "", "`FILE` of \"key = value\" (or \"key: value\") lines, # comments, each key at most once, setting any of layers, activation, output-activation, loss, optimizer, lr, momentum, rho, l2, dropout, epochs, batch, seed, shuffle, threads, every (the command line wins)")
	fs.StringVar(&o.layers, "layers", "", "`UNITS` per layer, inputs first: 784,128,10; a layer may name its activation, dropout rate and weight decay: 784,128:relu:dropout=0.2:l2=1e-4,10:softmax (these win over --activation, --dropout, --l2); default from the data")
	fs.StringVar(&o.activation, "activation", "sigmoid", "hidden-layer activation: sigmoid, tanh, relu, linear")
	fs.StringVar(&o.outAct, "output-activation", "", "output activation; default from the loss (softmax for cce, sigmoid for mse/bce, linear for --regression)")
	fs.StringVar(&o.loss, "loss", "", "loss: mse, bce (binary-crossentropy), cce (categorical-crossentropy); default from the data")
	fs.StringVar(&o.optimizer, "optimizer", "sgd", "optimizer: sgd, momentum, adam, rmsprop (adam and rmsprop default to --lr 0.001 when the data's default is for another optimizer)")
	if sweep {
		fs.StringVar(&o.lr, "lr", "0.001,0.01,0.1,1", "comma-separated learning rates, one training each")
	} else {
		fs.StringVar(&o.lr, "lr", "", "learning rate α (default from the data)")
	}
	fs.Float64Var(&o.momentum, "momentum", 0, "momentum μ for --optimizer momentum (default 0.9)")
	fs.Float64Var(&o.rho, "rho", 0, "decay `ρ` of --optimizer rmsprop's mean square (default 0.9)")
	fs.Float64Var(&o.l2, "l2", 0, "L2 weight decay `λ` of every layer: the loss gains λ·Σw² over the weights (Keras's kernel_regularizer l2(λ))")
	fs.Float64Var(&o.dropout, "dropout", 0, "dropout `RATE` after every hidden layer while training, in [0, 1) (Keras's Dropout(rate))")
	fs.IntVar(&o.epochs, "epochs", 0, "passes over the training data (default from the data)")
	fs.IntVar(&o.batch, "batch", 0, "mini-batch size (default from the data)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed for initialisation, shuffling and splits")
	fs.BoolVar(&o.shuffle, "shuffle", true, "visit the samples in a new random order every epoch")
	fs.IntVar(&o.threads, "threads", 0, "cores one training step may use (0: all)")
	fs.StringVar(&o.kernels, "kernels", "", "force a kernel path: "+strings.Join(asm.KnownPaths(), ", ")+" (default: the best this CPU runs; see entrena info)")
	fs.IntVar(&o.every, "every", 0, "print the loss every N epochs (default: 1, or 100 for runs of 200 epochs or more)")
	if !sweep {
		fs.StringVar(&o.out, "out", "", "save the trained model to `FILE` (atomically)")
	}
	if sweep {
		fs.StringVar(&o.history, "history", "", "write the loss histories to the CSV `FILE`: epoch, then one loss_lr_RATE column per rate (empty after a run diverged)")
	} else {
		fs.StringVar(&o.history, "history", "", "write the loss history to the CSV `FILE`: epoch, loss and, with test data, test_loss and test_accuracy (for regression test_rmse, test_mae and test_r2)")
	}
	fs.StringVar(&o.plot, "plot", "", "plot the loss (and test accuracy) into `PREFIX`.png and PREFIX.svg")
	fs.StringVar(&o.normalize, "normalize", "", "scale CSV features by `METHOD`: minmax (to [0,1]), zscore (mean 0, sd 1) or none, with statistics of the training rows only (after --split), applied to them, the held-out rows and --test (default minmax for CSV; IDX and built-in data are already scaled and take only none); --out saves it in the model's schema, which predict and eval apply")
	o.dataFlags.register(fs, true)
	return o
}

// specKeys are the flags a spec file may set.
var specKeys = map[string]bool{
	"layers": true, "activation": true, "output-activation": true, "loss": true, "optimizer": true,
	"lr": true, "momentum": true, "rho": true, "l2": true, "dropout": true, "epochs": true, "batch": true, "seed": true, "shuffle": true,
	"threads": true, "every": true,
}

// applySpecFile sets the flags named in the spec file that the command line
// did not set.
func (o *opts) applySpecFile() error {
	if o.spec == "" {
		return nil
	}
	f, err := os.Open(o.spec)
	if err != nil {
		return err
	}
	defer f.Close()
	return o.applySpec(o.spec, f)
}

// maxSpecLine bounds a spec file's line (bufio.Scanner's default token size).
const maxSpecLine = bufio.MaxScanTokenSize

// applySpec reads spec-file text from r: "key = value" (or "key: value")
// lines, # comments and blank lines; name is the file for messages. A key
// may appear once; one the command line set keeps the command line's value.
func (o *opts) applySpec(name string, r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, maxSpecLine)
	seen := map[string]int{}
	line := 1
	for ; sc.Scan(); line++ {
		t := strings.TrimSpace(sc.Text())
		if i := strings.IndexByte(t, '#'); i >= 0 {
			t = strings.TrimSpace(t[:i])
		}
		if t == "" {
			continue
		}
		sep := strings.IndexAny(t, "=:")
		if sep < 0 || strings.TrimSpace(t[:sep]) == "" {
			return fmt.Errorf("%s:%d: expected `key = value`, got %q", name, line, t)
		}
		k, v := strings.TrimSpace(t[:sep]), strings.TrimSpace(t[sep+1:])
		if !specKeys[k] || o.fs.Lookup(k) == nil {
			return fmt.Errorf("%s:%d: unknown key %q", name, line, k)
		}
		if first, dup := seen[k]; dup {
			return fmt.Errorf("%s:%d: %s is already set on line %d", name, line, k, first)
		}
		seen[k] = line
		if o.set[k] {
			continue // the command line wins
		}
		if err := o.fs.Set(k, v); err != nil {
			return fmt.Errorf("%s:%d: %s: %v", name, line, k, err)
		}
		o.set[k] = true
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("%s:%d: line longer than %d bytes", name, line, maxSpecLine)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// preset fills the flags not set by the user with the data set's defaults.
func (o *opts) preset(kv map[string]string) {
	kv = presetForOptimizer(kv, o.optimizer, o.set["optimizer"] && !o.set["lr"])
	for k, v := range kv {
		if !o.set[k] && v != "" {
			if err := o.fs.Set(k, v); err != nil {
				panic(fmt.Sprintf("bad preset %s=%s: %v", k, v, err)) // a bug in the presets table
			}
		}
	}
}

// layerDesc is one --layers entry after the inputs.
type layerDesc struct {
	units       int
	act         string   // "" when the entry names none
	l2, dropout *float32 // nil when the entry sets none
}

// parseLayers parses --layers: inputs first, then per layer its units and,
// after colons, an activation name and dropout=RATE or l2=λ settings.
func parseLayers(s string) (inputs int, layers []layerDesc, err error) {
	parts := strings.Split(s, ",")
	if len(parts) < 2 {
		return 0, nil, usagef("--layers %q: need the inputs and at least one layer, e.g. 784,128,10", s)
	}
	for i, p := range parts {
		fields := strings.Split(p, ":")
		u := strings.TrimSpace(fields[0])
		n, err := strconv.Atoi(u)
		if err != nil || n < 1 {
			return 0, nil, usagef("--layers %q: %q is not a positive unit count", s, u)
		}
		if i == 0 {
			if len(fields) > 1 {
				return 0, nil, usagef("--layers %q: the first number is the input count and takes no activation or settings", s)
			}
			inputs = n
			continue
		}
		d := layerDesc{units: n}
		for _, f := range fields[1:] {
			if err := d.setField(strings.TrimSpace(f)); err != nil {
				return 0, nil, usagef("--layers %q: %q %v", s, strings.TrimSpace(p), err)
			}
		}
		layers = append(layers, d)
	}
	return inputs, layers, nil
}

// setField reads one colon-separated field of a --layers entry: an
// activation name, dropout=RATE or l2=λ.
func (d *layerDesc) setField(f string) error {
	key, val, setting := strings.Cut(f, "=")
	if !setting {
		if f == "" {
			return errors.New("names no activation after the colon")
		}
		if d.act != "" {
			return fmt.Errorf("names two activations (%s and %s)", d.act, f)
		}
		d.act = f
		return nil
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(val), 32)
	if err != nil {
		return fmt.Errorf("sets %s to %q, not a number", key, val)
	}
	x := float32(v)
	switch strings.TrimSpace(key) {
	case "dropout":
		d.dropout = &x
	case "l2":
		d.l2 = &x
	default:
		return fmt.Errorf("has an unknown setting %q (a layer takes an activation, dropout=RATE and l2=λ)", key)
	}
	return nil
}

// buildSpec turns the flags into a core.Spec with one learning rate.
func (o *opts) buildSpec(lr float32) (core.Spec, error) {
	inputs, descs, err := parseLayers(o.layers)
	if err != nil {
		return core.Spec{}, err
	}
	loss, err := core.ParseLoss(o.loss)
	if err != nil {
		return core.Spec{}, usagef("--loss: %v", trimSpecErr(err))
	}
	hidden, err := core.ParseActivation(o.activation)
	if err != nil {
		return core.Spec{}, usagef("--activation: %v", trimSpecErr(err))
	}
	outName := o.outAct
	if outName == "" {
		switch {
		case loss == core.CategoricalCrossEntropy:
			outName = "softmax"
		case o.regression && loss == core.MSE:
			outName = "linear"
		default:
			outName = "sigmoid"
		}
	}
	out, err := core.ParseActivation(outName)
	if err != nil {
		return core.Spec{}, usagef("--output-activation: %v", trimSpecErr(err))
	}
	kind, err := core.ParseOptimizer(o.optimizer)
	if err != nil {
		return core.Spec{}, usagef("--optimizer: %v", trimSpecErr(err))
	}
	spec := core.Spec{
		Inputs:    inputs,
		Loss:      loss,
		Optimizer: core.Optimizer{Kind: kind, LearningRate: lr, Momentum: float32(o.momentum), Rho: float32(o.rho)},
		MaxBatch:  o.batch,
		Seed:      o.seed,
		Threads:   o.threads,
	}
	for i, d := range descs {
		a := hidden
		if i == len(descs)-1 {
			a = out
		}
		if d.act != "" {
			if a, err = core.ParseActivation(d.act); err != nil {
				return core.Spec{}, usagef("--layers: %v", trimSpecErr(err))
			}
		}
		l := core.Layer{Units: d.units, Activation: a, L2: float32(o.l2)}
		if i < len(descs)-1 {
			l.Dropout = float32(o.dropout) // --dropout: the hidden layers only
		}
		if d.l2 != nil {
			l.L2 = *d.l2
		}
		if d.dropout != nil {
			l.Dropout = *d.dropout
		}
		spec.Layers = append(spec.Layers, l)
	}
	if err := spec.Validate(); err != nil {
		return core.Spec{}, usagef("%v", trimSpecErr(err))
	}
	return spec, nil
}

// trimSpecErr drops core's "entrena: bad network spec: " prefix, which
// says nothing on a command line.
func trimSpecErr(err error) string {
	return strings.TrimPrefix(err.Error(), "entrena: "+core.ErrSpec.Error()+": ")
}

// parseRates parses a comma-separated list of learning rates.
func parseRates(s string) ([]float32, error) {
	var rates []float32
	for _, p := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 32)
		if err != nil || !(v > 0) || v > 1e30 {
			return nil, usagef("--lr: %q is not a positive learning rate", p)
		}
		rates = append(rates, float32(v))
	}
	return rates, nil
}

// useKernels applies --kernels.
func useKernels(path string) error {
	if path == "" {
		return nil
	}
	if err := asm.Use(path); err != nil {
		return usagef("--kernels: %v", err)
	}
	return nil
}

// checkCommonEarly validates the flags that do not depend on the data.
func (o *opts) checkCommonEarly() error {
	switch {
	case o.every < 0:
		return usagef("--every must be positive, got %d", o.every)
	case !(o.l2 >= 0) || math.IsInf(o.l2, 0):
		return usagef("--l2 must be non-negative and finite, got %v", o.l2)
	case !(o.dropout >= 0 && o.dropout < 1):
		return usagef("--dropout must be in [0, 1), got %v", o.dropout)
	case o.threads < 0:
		return usagef("--threads must be 0 (all cores) or more, got %d", o.threads)
	case o.split != 0 && o.test != "":
		return usagef("--split and --test both give a test set; use one")
	case !(o.split >= 0 && o.split < 1): // NaN too, which would hold out nothing
		return usagef("--split must be in (0, 1), got %v", o.split)
	}
	if err := o.dataFlags.check(); err != nil {
		return err
	}
	if o.set["normalize"] {
		m, err := data.ParseNormMethod(o.normalize)
		if err != nil {
			return usagef("--normalize: %v", err)
		}
		o.normalize = m
	}
	return nil
}

// check validates the CSV flags.
func (d *dataFlags) check() error {
	if d.regression && d.classification {
		return usagef("--regression and --classification: give one")
	}
	switch strings.ToLower(d.header) {
	case "auto", "":
		d.header = data.HeaderAuto
	case "yes", "no":
		d.header = strings.ToLower(d.header)
	default:
		return usagef("--header %q: want auto, yes or no", d.header)
	}
	if _, err := d.sepRune(); err != nil {
		return err
	}
	return nil
}

// sepRune is --sep as a rune (0: sniff).
func (d *dataFlags) sepRune() (rune, error) {
	switch d.sep {
	case "":
		return 0, nil
	case "tab", `\t`:
		return '\t', nil
	}
	r := []rune(d.sep)
	if len(r) != 1 || r[0] == '"' || r[0] == '\n' || r[0] == '\r' {
		return 0, usagef("--sep %q: want one character (or tab)", d.sep)
	}
	return r[0], nil
}

// csvOptions are the data flags as CSV reading options.
func (d *dataFlags) csvOptions() data.CSVOptions {
	sep, _ := d.sepRune() // checked by check
	return data.CSVOptions{LabelColumn: d.labelColumn, Regression: d.regression, Classification: d.classification,
		Header: d.header, Sep: sep, KeepIndex: d.keepIndex}
}

// checkCommon validates the numeric training flags after the presets.
func (o *opts) checkCommon() error {
	switch {
	case o.epochs < 1:
		return usagef("--epochs must be at least 1, got %d", o.epochs)
	case o.batch < 1 || o.batch > core.MaxBatchCap:
		return usagef("--batch must be between 1 and %d, got %d", core.MaxBatchCap, o.batch)
	}
	if o.every == 0 {
		o.every = 1
		if o.epochs >= 200 {
			o.every = 100
		}
	}
	return nil
}

// presetForOptimizer adapts a data set's defaults to an optimizer the user
// chose (when they gave no --lr): a preset rate tuned for SGD is far too
// large for Adam or RMSprop, which then start from Keras's 0.001.
func presetForOptimizer(kv map[string]string, optimizer string, chosen bool) map[string]string {
	if !chosen || kv["lr"] == "" {
		return kv
	}
	want := strings.ToLower(optimizer)
	have := kv["optimizer"]
	if have == "" {
		have = "sgd"
	}
	if want == have || (want != "adam" && want != "rmsprop") {
		return kv
	}
	out := make(map[string]string, len(kv))
	for k, v := range kv {
		out[k] = v
	}
	out["lr"] = "0.001"
	return out
}
