package suite

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"time"
)

// SchemaVersion is written into every result file; compare refuses files
// from a newer schema.
const SchemaVersion = 1

// Report is one benchmark run: the machine, then every measurement.
type Report struct {
	Schema  int       `json:"schema"`
	Created time.Time `json:"created"`
	Command string    `json:"command"` // how the run was started
	Quick   bool      `json:"quick"`
	Machine Machine   `json:"machine"`
	Peaks   []Peak    `json:"peaks"`
	Rows    []Row     `json:"rows"`
	Peers   []PeerRun `json:"peers,omitempty"`   // one entry per peer program run or skipped
	Skipped []string  `json:"skipped,omitempty"` // entrena measurements left out, with the reason

	// FashionSkipped says why the Fashion-MNIST comparison did not run
	// (the data set is missing), when it was asked for.
	FashionSkipped string `json:"fashion_skipped,omitempty"`
}

// Peak is the measured single-core FMA throughput of one kernel path.
type Peak struct {
	Path   string  `json:"path"`
	GFLOPS float64 `json:"gflops"`
	Error  string  `json:"error,omitempty"`
}

// Row is one measurement: an implementation doing one piece of work.
//
// Group names the kind of work ("memory", "gemm", "eltwise", "update",
// "step", "epoch"); Name the exact work ("sgemm NN 512x512x512",
// "sigmoid n=100000", "784-128-64-10 b=32"); Impl who did it
// ("entrena/avx512", "numpy", "openblas-c", ...). Rows with the same Key
// are the same work and can be compared.
type Row struct {
	Group   string `json:"group"`
	Name    string `json:"name"`
	Impl    string `json:"impl"`
	Path    string `json:"path,omitempty"` // entrena kernel path, when Impl is entrena
	Threads int    `json:"threads"`

	Reps   int     `json:"reps"`    // timed repetitions
	OpsRep int64   `json:"ops_rep"` // operations per repetition
	Median float64 `json:"median_s"`
	Min    float64 `json:"min_s"`
	Max    float64 `json:"max_s"`

	Metric  float64 `json:"metric"`            // from the median: GFLOPS, Gelem/s, GB/s, samples/s
	Unit    string  `json:"unit"`              // unit of Metric
	PctPeak float64 `json:"pct_peak"`          // share of the FMA peak (× threads), 0 when not meaningful
	Allocs  float64 `json:"allocs_per_op"`     // heap allocations per operation (-1 unknown)
	Note    string  `json:"note,omitempty"`    // settings, kernel a peer picked, ...
	Version string  `json:"version,omitempty"` // peer version

	// Accuracy is the test accuracy (0…1) of a training run on real data
	// (group "fashion"); 0 when not measured.
	Accuracy float64 `json:"accuracy,omitempty"`
}

// Key identifies the work of a row and who did it, for compare.
func (r Row) Key() string {
	return fmt.Sprintf("%s|%s|%s|%d", r.Group, r.Name, r.Impl, r.Threads)
}

// WorkKey identifies only the work (group, name, threads), for ratios
// between implementations.
func (r Row) WorkKey() string {
	return fmt.Sprintf("%s|%s|%d", r.Group, r.Name, r.Threads)
}

// PeerRun records one peer program: what ran, its version and settings, or
// why it was skipped.
type PeerRun struct {
	Peer     string            `json:"peer"`    // e.g. "numpy (PyPI)"
	Command  string            `json:"command"` // command line that ran it
	Versions map[string]string `json:"versions,omitempty"`
	Settings string            `json:"settings,omitempty"`
	Skipped  string            `json:"skipped,omitempty"` // reason, when it did not run
	Seconds  float64           `json:"seconds"`
}

// WriteJSON writes r to path, indented.
func (r *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ReadReport reads a result file written by WriteJSON.
func ReadReport(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if r.Schema < 1 || r.Schema > SchemaVersion {
		return nil, fmt.Errorf("%s: result schema %d, this program reads 1..%d", path, r.Schema, SchemaVersion)
	}
	return &r, nil
}

// stats computes median, min and max of per-operation times.
func stats(xs []float64) (median, lo, hi float64) {
	if len(xs) == 0 {
		return 0, 0, 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		median = s[n/2]
	} else {
		median = (s[n/2-1] + s[n/2]) / 2
	}
	return median, s[0], s[n-1]
}
