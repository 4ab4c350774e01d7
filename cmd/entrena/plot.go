package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/v1tr0/entrena/core"
	"github.com/v1tr0/entrena/internal/regularfile"
)

// plotHistory draws the loss per epoch (and the test loss), plus the test
// accuracy below it when there was test data, into PREFIX.png and PREFIX.svg.
// For regression (reg, one per epoch), the test R² takes the accuracy's place.
func plotHistory(prefix, title string, h core.History, reg []scores) ([]string, error) {
	cost := newPlot("Loss history: "+title, "epoch", "loss")
	if err := addLine(cost, "train loss", h.Cost, 0); err != nil {
		return nil, err
	}
	plots := []*plot.Plot{cost}
	if len(h.ValLoss) > 0 {
		if err := addLine(cost, "test loss", h.ValLoss, 1); err != nil {
			return nil, err
		}
		acc := newPlot("Test accuracy", "epoch", "accuracy (%)")
		acc.Legend.Top = false // the curve rises: keep the legend out of its way
		pct := make([]float32, len(h.ValAcc))
		for i, a := range h.ValAcc {
			pct[i] = 100 * a
		}
		name := "test accuracy"
		if len(reg) == len(h.ValAcc) && len(reg) > 0 {
			acc = newPlot("Test R²", "epoch", "R²")
			acc.Legend.Top = false
			for i, s := range reg {
				pct[i] = float32(max(s.r2, -1)) // a first epoch far below 0 would flatten the rest
			}
			name = "test R²"
		}
		if err := addLine(acc, name, pct, 2); err != nil {
			return nil, err
		}
		plots = append(plots, acc)
	}
	logScaleIfWide(cost, h.Cost, h.ValLoss)
	return render(prefix, plots)
}

// plotSweep draws one loss curve per learning rate.
func plotSweep(prefix, title string, runs []sweepRun) ([]string, error) {
	p := newPlot("Learning-rate sweep: "+title, "epoch", "loss")
	p.Legend.Top, p.Legend.Left = false, true // costs start high on the left
	p.Legend.XOffs = vg.Centimeter / 2
	var all [][]float32
	for i, r := range runs {
		name := fmt.Sprintf("α = %g", r.lr)
		if r.diverged != nil {
			name += fmt.Sprintf(" (diverged at epoch %d)", r.diverged.Epoch)
		}
		if len(r.hist.Cost) == 0 {
			p.Legend.Add(name) // diverged in the first epoch: nothing to draw
			continue
		}
		if err := addLine(p, name, r.hist.Cost, i); err != nil {
			return nil, err
		}
		all = append(all, r.hist.Cost)
	}
	logScaleIfWide(p, all...)
	return render(prefix, []*plot.Plot{p})
}

func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	return p
}

func addLine(p *plot.Plot, name string, ys []float32, color int) error {
	xy := make(plotter.XYs, len(ys))
	for i, v := range ys {
		xy[i] = plotter.XY{X: float64(i + 1), Y: float64(v)}
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return fmt.Errorf("plot %s: %w", name, err)
	}
	l.Color = plotutil.Color(color)
	l.Width = vg.Points(1.5)
	p.Add(l)
	p.Legend.Add(name, l)
	return nil
}

// logScaleIfWide switches the y axis to a log scale when the values span
// more than two decades (a falling cost is then readable to the end).
func logScaleIfWide(p *plot.Plot, series ...[]float32) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for _, v := range s {
			lo, hi = min(lo, float64(v)), max(hi, float64(v))
		}
	}
	if lo > 0 && hi/lo > 100 && !math.IsInf(hi, 0) {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		p.Y.Label.Text += " (log scale)"
	}
}

// render draws the plots stacked vertically into PREFIX.png and
// PREFIX.svg, each written atomically.
func render(prefix string, plots []*plot.Plot) ([]string, error) {
	for _, ext := range []string{".png", ".svg"} {
		prefix = strings.TrimSuffix(prefix, ext)
	}
	w, h := 16*vg.Centimeter, vg.Length(len(plots))*10*vg.Centimeter
	var files []string
	for _, f := range []struct {
		ext    string
		canvas func() (vg.CanvasSizer, io.WriterTo)
	}{
		{".png", func() (vg.CanvasSizer, io.WriterTo) {
			c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(120))
			return c, vgimg.PngCanvas{Canvas: c}
		}},
		{".svg", func() (vg.CanvasSizer, io.WriterTo) {
			c := vgsvg.New(w, h)
			return c, c
		}},
	} {
		c, wt := f.canvas()
		dc := draw.New(c)
		pad := vg.Centimeter / 4
		tiles := draw.Tiles{Rows: len(plots), Cols: 1, PadY: 2 * pad, PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: 2 * pad}
		grid := make([][]*plot.Plot, len(plots))
		for i, p := range plots {
			grid[i] = []*plot.Plot{p}
		}
		for i, cell := range plot.Align(grid, tiles, dc) {
			plots[i].Draw(cell[0])
		}
		var buf bytes.Buffer
		if _, err := wt.WriteTo(&buf); err != nil {
			return nil, fmt.Errorf("plot %s%s: %w", prefix, f.ext, err)
		}
		name := prefix + f.ext
		if err := regularfile.WriteAtomic(name, buf.Bytes()); err != nil {
			return nil, err
		}
		files = append(files, name)
	}
	return files, nil
}

func joinFiles(files []string) string {
	for i, f := range files {
		files[i] = filepath.Clean(f)
	}
	return strings.Join(files, " and ")
}
