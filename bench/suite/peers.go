package suite

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/v1tr0/entrena/asm"
)

// work describes one comparison to the peers: what to ask them and how to
// turn their seconds into the metric.
type work struct {
	group, name string
	threads     int // the work's thread count (0: each of the run's)
	oneThread   bool
	per, flops  float64        // metric units and FLOP per op
	cmd         map[string]any // the Python workers' command; nil: none does this work
	cArgs       []string       // the C peers' arguments; nil: none does this work
	eval        bool           // ask for the test accuracy after the rounds
}

// peerDef is one peer: a library served by bench/peers/worker.py (a process
// per thread count), or a C program of bench/peers/bin run once per turn.
type peerDef struct {
	impl, python, lib string // python "": lib is a C program
	ops               string // worker ops or groups the peer does
	env               []string
	oneThread         bool
}

func (r *runner) peerDefs() []peerDef {
	venv := cmp.Or(os.Getenv("ENTRENA_PEERS_VENV"), filepath.Join(r.peersDir, "..", ".venv"))
	vpy, deb, epy := filepath.Join(venv, "bin", "python"), "/usr/bin/python3", filepath.Join(venv, "bin", "python")
	if _, err := os.Stat(vpy); err != nil {
		epy = deb // the binding needs no numpy: the system python serves
	}
	const np, skx, hsw = "gemm eltwise epoch xor fashion", "OPENBLAS_CORETYPE=SkylakeX", "OPENBLAS_CORETYPE=Haswell"
	// Debian's OpenBLAS may not know a newer CPU: also with its AVX-512 kernel
	// forced; Haswell is the yardstick of entrena's avx2 path.
	return []peerDef{
		{"numpy", vpy, "numpy", np, nil, false}, {"numpy-debian", deb, "numpy", np, nil, false},
		{"numpy-debian-skylakex", deb, "numpy", "gemm", []string{skx}, false}, {"numpy-haswell", vpy, "numpy", "gemm", []string{hsw}, true},
		{"torch", vpy, "torch", np, nil, false}, {"torch-debian", deb, "torch", np, nil, false},
		{"jax", vpy, "jax", "gemm epoch xor fashion", nil, false}, {"keras", vpy, "keras", "epoch", nil, false},
		{"entrena (Python)", epy, "entrena", "epoch xor", nil, false},
		{"openblas-c", "", "gemm_openblas", "gemm", nil, false}, {"openblas-c-skylakex", "", "gemm_openblas", "gemm", []string{skx}, false},
		{"openblas-c-haswell", "", "gemm_openblas", "gemm", []string{hsw}, true}, {"blis-c", "", "gemm_blis", "gemm", nil, false},
		{"mkl-c", "", "gemm_mkl", "gemm", nil, false},
		{"fann-c", "", "train_fann", "step", nil, true}, {"entrena (C)", "", "train_entrena_c", "epoch", nil, false},
	}
}

// peerEnv: the caller's environment without what pins OpenBLAS's core type
// (a peer may set it again), with every BLAS and OpenMP thread count set.
func peerEnv(threads int, extra []string) []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return slices.Contains([]string{"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "PYTHONPATH", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
			"MKL_NUM_THREADS", "BLIS_NUM_THREADS", "XLA_FLAGS", "KERAS_BACKEND", "JAX_PLATFORMS"}, k)
	})
	t := itoa(threads)
	return append(append(env, "OMP_NUM_THREADS="+t, "OPENBLAS_NUM_THREADS="+t, "MKL_NUM_THREADS="+t,
		"BLIS_NUM_THREADS="+t, "JAX_PLATFORMS=cpu", "PYTHONNOUSERSITE=1"), extra...)
}

// worker is a running Python peer.
type worker struct {
	cmd  *exec.Cmd
	enc  *json.Encoder
	dec  *json.Decoder
	err  error  // once set, every later command fails with it
	blas string // the BLAS libraries and kernels it loaded, for its rows' notes
}

// answer is a worker's reply to one command (or a C peer's output line).
type answer struct {
	S                        float64
	Accuracy                 float64
	Versions                 map[string]string
	Settings, Skipped, Error string
	Rows                     []Row
}

func (w *worker) call(cmd map[string]any) (a answer, err error) {
	if w.err != nil {
		return a, w.err
	}
	t := time.AfterFunc(10*time.Minute, func() { _ = w.cmd.Process.Kill() })
	defer t.Stop()
	if w.err = w.enc.Encode(cmd); w.err == nil {
		w.err = w.dec.Decode(&a)
	}
	if w.err != nil { // it died, hung or broke the protocol: end it, say how
		_ = w.cmd.Process.Kill()
		_ = w.cmd.Wait()
		w.err = fmt.Errorf("%v; the worker ended (%v) on %v", w.err, w.cmd.ProcessState, cmd)
	} else if a.Skipped != "" {
		w.err = errors.New(a.Skipped)
	} else if a.Error != "" {
		return a, errors.New(a.Error)
	}
	return a, w.err
}

// notePeer records a peer in the report once per thread count: what ran
// (paths relative to the working directory), its versions and settings
// (BLAS, kernel), or why it did not.
func (r *runner) notePeer(d peerDef, threads int, argv []string, a answer, err error) {
	if key := fmt.Sprintf("%s|%d", d.impl, threads); !r.noted[key] {
		r.noted[key] = true
		wd, _ := os.Getwd()
		cmd := strings.ReplaceAll(strings.Join(append(slices.Clone(d.env), argv...), " "), wd+string(filepath.Separator), "")
		run := PeerRun{Peer: fmt.Sprintf("%s, %d thread(s)", d.impl, threads), Command: cmd, Versions: a.Versions, Settings: a.Settings}
		if err != nil {
			run.Skipped = err.Error()
		}
		r.rep.Peers = append(r.rep.Peers, run)
	}
}

// startWorker starts the Python worker of a peer and thread count, once.
func (r *runner) startWorker(d peerDef, threads int) *worker {
	key := fmt.Sprintf("%s|%d", d.impl, threads)
	if w, ok := r.workers[key]; ok {
		return w
	}
	argv := []string{d.python, filepath.Join(r.peersDir, "worker.py"), "--lib", d.lib, "--threads", itoa(threads)}
	w := &worker{cmd: exec.Command(argv[0], argv[1:]...)}
	r.workers[key], w.cmd.Env, w.cmd.Stderr = w, peerEnv(threads, d.env), os.Stderr
	stdin, _ := w.cmd.StdinPipe()
	stdout, _ := w.cmd.StdoutPipe()
	w.enc, w.dec = json.NewEncoder(stdin), json.NewDecoder(stdout)
	var a answer
	if _, w.err = os.Stat(d.python); w.err != nil {
		w.err = fmt.Errorf("%s not found: run bench/peers/setup.sh", d.python)
	} else if w.err = w.cmd.Start(); w.err == nil {
		a, _ = w.call(map[string]any{"op": "hello"})
		var blas []string
		for _, part := range strings.Split(a.Settings, "; ") {
			if strings.Contains(part, "kernel") || strings.Contains(part, "BLAS") {
				blas = append(blas, strings.TrimSpace(strings.TrimPrefix(part, "- ")))
			}
		}
		w.blas = strings.Join(blas, "; ")
	}
	r.notePeer(d, threads, argv, a, w.err)
	return w
}

func (r *runner) closePeers() {
	for _, w := range r.workers {
		if w.cmd.Process != nil {
			_ = w.cmd.Process.Kill()
			_ = w.cmd.Wait()
		}
	}
}

// runC runs a C peer once and returns its output and the named work's row.
func runC(argv, env []string, name string) (a answer, row Row, err error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Env, cmd.Stderr = env, &stderr
	out, err := cmd.Output()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if jerr := json.Unmarshal([]byte(lines[len(lines)-1]), &a); jerr != nil {
		return a, row, fmt.Errorf("%v %v: %s", err, jerr, strings.TrimSpace(stderr.String()))
	} else if a.Skipped != "" {
		return a, row, errors.New(a.Skipped)
	}
	for _, row := range a.Rows {
		if row.Name == name && row.Metric > 0 {
			return a, row, nil
		}
	}
	return a, row, fmt.Errorf("no row %q in its output", name)
}

// peerSides are the sides of the peers that do w, at w's thread count or
// each of the run's (one with oneThread); none without -peers.
func (r *runner) peerSides(w work) (sides []*side) {
	threads := r.threads
	if w.threads > 0 {
		threads = []int{w.threads}
	}
	for _, d := range r.peerDefs() {
		op, _ := w.cmd["op"].(string) // a Python worker's command; a C peer's group, given its arguments
		if d.python == "" {
			op = map[bool]string{true: w.group}[w.cArgs != nil]
		}
		for _, th := range threads {
			if r.peersDir == "" || !slices.Contains(strings.Fields(d.ops), op) || th > 1 && (w.oneThread || d.oneThread) {
				continue
			} else if slices.Contains(d.env, "OPENBLAS_CORETYPE=SkylakeX") && !slices.Contains(asm.Available(), "avx512") {
				r.notePeer(d, th, nil, answer{}, errors.New("this CPU has no AVX-512: OpenBLAS's SkylakeX kernel cannot run here"))
				continue
			}
			unit := cmp.Or(map[string]string{"gemm": "GFLOPS", "eltwise": "Gelem/s"}[w.group], "samples/s")
			s := &side{row: Row{Group: w.group, Name: w.name, Impl: d.impl, Threads: th, Unit: unit}, per: w.per, flops: w.flops, external: true}
			if d.python != "" {
				wk := r.startWorker(d, th)
				if wk.err != nil {
					continue
				}
				// OpenBLAS's threads (numpy's, torch's) spin about 110 ms after a call; JAX's, Keras's and entrena's do not.
				s.row.Note, s.lingers = wk.blas, d.lib == "numpy" || d.lib == "torch"
				s.peer = func(budget time.Duration) (float64, error) {
					cmd := maps.Clone(w.cmd)
					cmd["budget"] = budget.Seconds()
					a, err := wk.call(cmd)
					if err == nil && a.S <= 0 {
						err = fmt.Errorf("no time in the answer to %v", cmd)
					}
					return a.S, err
				}
				if w.eval {
					s.finish = func(row *Row) {
						if a, err := wk.call(map[string]any{"op": "fashion_eval"}); err == nil {
							row.Accuracy, row.Note = a.Accuracy, fmt.Sprintf("test accuracy %.2f%%", 100*a.Accuracy)
						}
					}
				}
				sides = append(sides, s)
				continue
			}
			// GEMM: one block of about 20 ms, as long as a Go side's turn; FANN's step: 3 blocks of 50 samples.
			reps := map[bool]string{true: "3", false: "1"}[w.group == "step"]
			argv := append([]string{filepath.Join(r.peersDir, "bin", d.lib)}, append(w.cArgs, "--reps", reps, "--threads", itoa(th))...)
			if _, err := os.Stat(argv[0]); err != nil {
				r.notePeer(d, th, argv, answer{}, fmt.Errorf("%s not built: run bench/peers/setup.sh (entrena (C): make peers-entrena)", argv[0]))
				continue
			}
			s.peer = func(time.Duration) (float64, error) {
				a, row, err := runC(argv, peerEnv(th, d.env), w.name)
				r.notePeer(d, th, argv, a, err)
				return w.per / row.Metric, err
			}
			sides = append(sides, s)
		}
	}
	return sides
}

// findPeersDir locates bench/peers upwards from the working directory to
// the module root.
func findPeersDir() (string, error) {
	dir, err := os.Getwd()
	for ; err == nil; dir = filepath.Dir(dir) {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.Contains(b, []byte("module github.com/v1tr0/entrena")) {
			return filepath.Join(dir, "bench", "peers"), nil
		} else if filepath.Dir(dir) == dir {
			return "", errors.New("bench/peers not found: run from the entrena repository")
		}
	}
	return "", err
}
