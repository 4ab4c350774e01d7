package suite

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"time"
)

// SchemaVersion is written into every result file.
const SchemaVersion = 2

// Report is one benchmark run: the machine, then every measurement.
type Report struct {
	Schema  int       `json:"schema"`
	Created time.Time `json:"created"`
	Command string    `json:"command"`
	Quick   bool      `json:"quick"`
	Machine Machine   `json:"machine"`
	Peaks   []Peak    `json:"peaks"`
	Health  *Health   `json:"health,omitempty"`
	Rows    []Row     `json:"rows"`
	Peers   []PeerRun `json:"peers,omitempty"`
	Skipped []string  `json:"skipped,omitempty"` // measurements left out, with the reason
}

// Peak is the measured single-core FMA throughput of one kernel path.
type Peak struct {
	Path   string  `json:"path"`
	GFLOPS float64 `json:"gflops"`
}

// Health summarises the probes before every round (FMA peak, copy bandwidth
// beyond the caches, SGEMM in L1); a dipped round is counted, not dropped.
type Health struct {
	Rounds        int     `json:"rounds"`
	Flagged       int     `json:"flagged"`
	PeakGFLOPS    float64 `json:"peak_gflops"`             // median over rounds
	BandwidthGBs  float64 `json:"bandwidth_gbs"`           // median over rounds
	PeakDip       float64 `json:"peak_dip"`                // flagged below this share of the median peak
	BandwidthDip  float64 `json:"bandwidth_dip"`           // or below this share of the median bandwidth
	BandwidthNote string  `json:"bandwidth_note"`          // what the probe copies
	KernelGFLOPS  float64 `json:"kernel_gflops,omitempty"` // best over rounds (none before this probe)
	KernelDip     float64 `json:"kernel_dip,omitempty"`    // or below this share of the best kernel probe
}

// Row is one implementation doing one piece of work; Ratio compares it with
// the Versus row of the same rounds (above 1: Versus, entrena's, was faster).
type Row struct {
	Group    string  `json:"group"` // memory, gemm, eltwise, update, step, epoch, fashion, contention
	Name     string  `json:"name"`  // the work, e.g. "sgemm NN 512x512x512"
	Impl     string  `json:"impl"`  // who did it: "entrena/avx512", "numpy", "openblas-c", ...
	Path     string  `json:"path,omitempty"`
	Threads  int     `json:"threads"`
	Reps     int     `json:"reps"`    // rounds
	OpsRep   int64   `json:"ops_rep"` // operations per round
	Median   float64 `json:"median_s"`
	Min      float64 `json:"min_s"`
	Max      float64 `json:"max_s"`
	Metric   float64 `json:"metric"` // from the median: GFLOPS, Gelem/s, GB/s, samples/s
	Unit     string  `json:"unit"`
	PctPeak  float64 `json:"pct_peak"`      // share of the FMA peak × threads, 0 when not meaningful
	Allocs   float64 `json:"allocs_per_op"` // -1: not measured
	Note     string  `json:"note,omitempty"`
	Version  string  `json:"version,omitempty"`
	Accuracy float64 `json:"accuracy,omitempty"` // test accuracy (fashion)
	Versus   string  `json:"versus,omitempty"`   // the row the ratio is against: "impl, N thread(s)"
	Ratio    float64 `json:"ratio,omitempty"`    // median over rounds of Versus's speed / this row's
	RatioLo  float64 `json:"ratio_lo,omitempty"`
	RatioHi  float64 `json:"ratio_hi,omitempty"`
	RatioCI  float64 `json:"ratio_ci,omitempty"` // half-width of the ~95 % interval of Ratio, a share of it
	Flagged  int     `json:"flagged,omitempty"`  // rounds of this row whose health probe dipped
	// Each recorded round's ratio (0: a turn failed) and whether its probe dipped, for analyses of a run.
	RoundRatios  []float64 `json:"round_ratios,omitempty"`
	RoundFlagged []bool    `json:"round_flagged,omitempty"`
	probes       []int     // indexes of the run's probes taken for this row's rounds
}

// Key identifies the work of a row and who did it, for compare.
func (r Row) Key() string { return fmt.Sprintf("%s|%s|%s|%d", r.Group, r.Name, r.Impl, r.Threads) }

// PeerRun records one peer: what ran, its versions and settings (the BLAS
// and kernel it loaded), or why it was skipped.
type PeerRun struct {
	Peer     string            `json:"peer"`
	Command  string            `json:"command"`
	Versions map[string]string `json:"versions,omitempty"`
	Settings string            `json:"settings,omitempty"`
	Skipped  string            `json:"skipped,omitempty"`
}

func (r *Report) writeJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(r)
}

// ReadReport reads a result file written by writeJSON.
func ReadReport(path string) (*Report, error) {
	var r Report
	b, err := os.ReadFile(path)
	if err == nil {
		if err = json.Unmarshal(b, &r); err == nil && r.Schema != SchemaVersion {
			err = fmt.Errorf("result schema %d, this program reads %d", r.Schema, SchemaVersion)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

// stats computes median, min and max.
func stats(xs []float64) (median, lo, hi float64) {
	s := slices.Sorted(slices.Values(xs))
	if n := len(s); n > 0 {
		return (s[(n-1)/2] + s[n/2]) / 2, s[0], s[n-1]
	}
	return 0, 0, 0
}

func median(xs []float64) float64 { m, _, _ := stats(xs); return m }
