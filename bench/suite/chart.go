package suite

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// chartSeries collects, per implementation, the single-thread GFLOPS of the
// square NN products (x = the side n of n×n·n×n).
func chartSeries(rep *Report) (names []string, series map[string]plotter.XYs) {
	series = map[string]plotter.XYs{}
	for _, r := range rep.Rows {
		if r.Group != "gemm" || r.Threads != 1 || r.Unit != "GFLOPS" {
			continue
		}
		var m, n, k int
		if _, err := fmt.Sscanf(r.Name, "sgemm NN %dx%dx%d", &m, &n, &k); err != nil || m != n || n != k {
			continue
		}
		if _, ok := series[r.Impl]; !ok {
			names = append(names, r.Impl)
		}
		series[r.Impl] = append(series[r.Impl], plotter.XY{X: float64(n), Y: r.Metric})
	}
	for _, s := range series {
		sort.Slice(s, func(i, j int) bool { return s[i].X < s[j].X })
	}
	// entrena's paths first, then the peers.
	sort.SliceStable(names, func(i, j int) bool {
		return strings.HasPrefix(names[i], "entrena") && !strings.HasPrefix(names[j], "entrena")
	})
	return names, series
}

// WriteChart draws single-thread SGEMM GFLOPS versus square size, one line
// per kernel path and peer, with the measured FMA peaks as dashed lines, and
// saves it as a PNG.
func WriteChart(w io.Writer, rep *Report) error {
	names, series := chartSeries(rep)
	if len(names) == 0 {
		return fmt.Errorf("no square GEMM rows to draw")
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("SGEMM, 1 thread, n×n·n×n — %s", rep.Machine.Model)
	p.X.Label.Text = "n"
	p.Y.Label.Text = "GFLOPS"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = powersOfTwo{}
	p.Legend.Top = true
	p.Legend.Left = true
	p.Add(plotter.NewGrid())
	var args []any
	for _, n := range names {
		args = append(args, n, series[n])
	}
	if err := plotutil.AddLinePoints(p, args...); err != nil {
		return err
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for _, xy := range s {
			lo, hi = math.Min(lo, xy.X), math.Max(hi, xy.X)
		}
	}
	for i, pk := range rep.Peaks {
		if pk.GFLOPS <= 0 {
			continue
		}
		l, err := plotter.NewLine(plotter.XYs{{X: lo, Y: pk.GFLOPS}, {X: hi, Y: pk.GFLOPS}})
		if err != nil {
			return err
		}
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		l.Color = plotutil.Color(len(names) + i)
		p.Add(l)
		p.Legend.Add("peak "+pk.Path, l)
	}
	p.Y.Min = 0
	wt, err := p.WriterTo(9*vg.Inch, 5.5*vg.Inch, "png")
	if err == nil {
		_, err = wt.WriteTo(w)
	}
	return err
}

// powersOfTwo puts a tick at each power of two in range.
type powersOfTwo struct{}

func (powersOfTwo) Ticks(min, max float64) []plot.Tick {
	var t []plot.Tick
	for v := 1.0; v <= max*1.01; v *= 2 {
		if v >= min*0.99 {
			t = append(t, plot.Tick{Value: v, Label: fmt.Sprintf("%.0f", v)})
		}
	}
	return t
}
