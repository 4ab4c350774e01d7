package main

import (
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/v1tr0/entrena/asm"
	"github.com/v1tr0/entrena/core"
	"github.com/v1tr0/entrena/internal/regularfile"
)

const sweepSynopsis = `The seed's learning-rate sweep: one training per rate in --lr, each from
the same initial weights (same --seed) on the same data, then a table of
the final losses and, with --plot, one loss curve per rate. A rate whose
loss becomes NaN or Inf is reported as "diverged at epoch N".
Every other flag is as for entrena train (same defaults per data set).`

// sweepRun is the outcome of one learning rate.
type sweepRun struct {
	lr                float32
	hist              core.History
	diverged          *core.DivergedError
	testLoss, testAcc float32
	testScores        *scores // regression: the test set's RMSE, MAE and R² instead of an accuracy
}

func cmdSweep(args []string, stdout, stderr io.Writer) error {
	o := newTrainFlags("sweep", sweepSynopsis, true)
	var err error
	if o.set, err = parseFlags(o.fs, args, stdout); err != nil {
		return err
	}
	if o.set["lr"] { // a bad list fails before the data is read
		if _, err := parseRates(o.lr); err != nil {
			return err
		}
	}
	s, err := setup(o, stderr)
	if err != nil {
		return err
	}
	// Read after setup, which applied the spec file; a rate the data's
	// presets put in --lr is not a list to sweep: the default list is.
	lrs := o.lr
	if !o.set["lr"] {
		lrs = o.fs.Lookup("lr").DefValue
	}
	rates, err := parseRates(lrs)
	if err != nil {
		return err
	}
	everySet := o.set["every"]
	spec, err := o.buildSpec(rates[0])
	if err != nil {
		return err
	}
	if err := s.fit(spec); err != nil {
		return err
	}
	if s.train.CSV != nil {
		fmt.Fprintf(stdout, "csv: %s\n", s.train.CSV.Summary())
	}
	fmt.Fprintf(stdout, "data: %s, %d samples%s; network: %s, %s, %s, batch %d, %d epoch%s, seed %d; kernels: %s\n",
		s.train.Name, s.train.Samples, describeNorm(s.norm), describeLayers(spec), spec.Loss, spec.Optimizer.Kind, o.batch, o.epochs, plural(o.epochs), o.seed, asm.Active())

	stop, release := catchInterrupt(stderr)
	defer release()
	var runs []sweepRun
	for _, lr := range rates {
		spec.Optimizer.LearningRate = lr
		r := newReporter(stdout, 0, s.train.Samples, stop)
		r.label, r.test = fmt.Sprintf("lr %g: ", lr), s.test != nil
		r.regression = s.target != nil
		if everySet {
			r.every = o.every
		}
		net, h, err := s.run(spec, r)
		r.clearBar()
		run := sweepRun{lr: lr, hist: h}
		switch {
		case errors.Is(err, core.ErrStopped):
			p := r.last
			return fmt.Errorf("%w during learning rate %g at epoch %d/%d, batch %d/%d: sweep stopped; nothing saved",
				errInterrupted, lr, p.Epoch, p.Epochs, p.Batch, p.Batches)
		case errors.As(err, &run.diverged):
		case err != nil:
			return err
		case s.test != nil:
			if run.testLoss, run.testAcc, err = net.Evaluate(s.test.X, s.test.Y, s.test.Samples); err != nil {
				return err
			}
			if s.target != nil {
				sc, err := scoreSet(net, s.test, *s.target, *s.target)
				if err != nil {
					return err
				}
				run.testScores = &sc
			}
		}
		runs = append(runs, run)
	}
	printSweepTable(stdout, runs, s.test != nil)
	return saveSweep(stdout, o, s.train.Name, runs)
}

func printSweepTable(w io.Writer, runs []sweepRun, test bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	if test {
		last := "test acc"
		if len(runs) > 0 && runs[0].testScores != nil {
			last = "test R²"
		}
		fmt.Fprintf(tw, "learning rate\tfinal loss\ttest loss\t%s\t\tloss curve\n", last)
	} else {
		fmt.Fprintln(tw, "learning rate\tfinal loss\t\tloss curve")
	}
	costs, diverged := make([][]float32, len(runs)), make([]bool, len(runs))
	for i, r := range runs {
		costs[i], diverged[i] = r.hist.Cost, r.diverged != nil
	}
	sparks := sharedSparklines(costs, diverged, 30)
	for i, r := range runs {
		spark := sparks[i]
		if r.diverged != nil {
			fmt.Fprintf(tw, "%g\tdiverged at epoch %d\t", r.lr, r.diverged.Epoch)
			if test {
				fmt.Fprint(tw, "\t\t")
			}
			fmt.Fprintf(tw, "\t%s\n", spark)
			continue
		}
		fmt.Fprintf(tw, "%g\t%.6f\t", r.lr, r.hist.Cost[len(r.hist.Cost)-1])
		if test {
			if r.testScores != nil {
				fmt.Fprintf(tw, "%.4f\t%s\t", r.testLoss, r2String(r.testScores.r2))
			} else {
				fmt.Fprintf(tw, "%.4f\t%.2f%%\t", r.testLoss, 100*r.testAcc)
			}
		}
		fmt.Fprintf(tw, "\t%s\n", spark)
	}
	tw.Flush()
}

func saveSweep(w io.Writer, o *opts, name string, runs []sweepRun) error {
	if o.history != "" {
		if err := regularfile.WriteAtomic(o.history, sweepCSV(runs)); err != nil {
			return err
		}
		fmt.Fprintf(w, "loss histories saved to %s\n", o.history)
	}
	if o.plot != "" {
		files, err := plotSweep(o.plot, name, runs)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "plot saved to %s\n", joinFiles(files))
	}
	return nil
}
