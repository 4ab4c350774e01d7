package suite

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// WriteChart draws single-thread SGEMM GFLOPS versus the side n of the
// square NN products as a PNG, one line per kernel path and peer (entrena's
// first), with the measured FMA peaks as dashed lines.
func WriteChart(w io.Writer, rep *Report) error {
	var names []string
	series := map[string]plotter.XYs{}
	lo, hi := 1e9, 0.0
	for _, r := range rep.Rows {
		var m, n, k int
		if _, err := fmt.Sscanf(r.Name, "sgemm NN %dx%dx%d", &m, &n, &k); err != nil || r.Group != "gemm" || r.Threads != 1 || m != n || n != k {
			continue
		}
		if _, ok := series[r.Impl]; !ok {
			names = append(names, r.Impl)
		}
		series[r.Impl] = append(series[r.Impl], plotter.XY{X: float64(n), Y: r.Metric})
		lo, hi = min(lo, float64(n)), max(hi, float64(n))
	}
	if len(names) == 0 {
		return fmt.Errorf("no square GEMM rows to draw")
	}
	slices.SortStableFunc(names, func(a, b string) int {
		return map[bool]int{true: 0, false: 1}[strings.HasPrefix(a, "entrena")] - map[bool]int{true: 0, false: 1}[strings.HasPrefix(b, "entrena")]
	})
	p := plot.New()
	p.Title.Text = fmt.Sprintf("SGEMM, 1 thread, n×n·n×n — %s", rep.Machine.Model)
	p.X.Label.Text, p.Y.Label.Text, p.Y.Min = "n", "GFLOPS", 0
	p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, powersOfTwo{}
	p.Legend.Top, p.Legend.Left = true, true
	p.Add(plotter.NewGrid())
	var args []any
	for _, n := range names {
		s := series[n]
		slices.SortFunc(s, func(a, b plotter.XY) int { return int(a.X - b.X) })
		args = append(args, n, s)
	}
	if err := plotutil.AddLinePoints(p, args...); err != nil {
		return err
	}
	for i, pk := range rep.Peaks {
		if l, err := plotter.NewLine(plotter.XYs{{X: lo, Y: pk.GFLOPS}, {X: hi, Y: pk.GFLOPS}}); err == nil && pk.GFLOPS > 0 {
			l.Dashes, l.Color = []vg.Length{vg.Points(4), vg.Points(3)}, plotutil.Color(len(names)+i)
			p.Add(l)
			p.Legend.Add("peak "+pk.Path, l)
		}
	}
	wt, err := p.WriterTo(9*vg.Inch, 5.5*vg.Inch, "png")
	if err == nil {
		_, err = wt.WriteTo(w)
	}
	return err
}

// powersOfTwo puts a tick at each power of two in range.
type powersOfTwo struct{}

func (powersOfTwo) Ticks(lo, hi float64) (t []plot.Tick) {
	for v := 1.0; v <= hi*1.01; v *= 2 {
		if v >= lo*0.99 {
			t = append(t, plot.Tick{Value: v, Label: fmt.Sprintf("%.0f", v)})
		}
	}
	return t
}
