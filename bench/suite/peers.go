package suite

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// peerOutput is what every peer program prints on stdout as its last line:
// one JSON object with its rows, or the reason it could not run.
type peerOutput struct {
	Versions map[string]string `json:"versions"`
	Settings string            `json:"settings"`
	Rows     []Row             `json:"rows"`
	Skipped  string            `json:"skipped"`
}

// peerProg is one peer program invocation.
type peerProg struct {
	label   string   // e.g. "numpy (PyPI) gemm"
	argv    []string // program and arguments, before --threads
	threads bool     // run once per thread count (else once, 1 thread)
	timeout time.Duration
	missing string   // non-empty: skip with this reason instead of running
	env     []string // extra environment after peerEnv
	group   string   // "gemm", "eltwise", "train" or "fashion": which -only groups run it
}

// peerEnv is the environment of every peer: the caller's, minus the
// variables that pin OpenBLAS to an old core type (set on some machines for
// old OpenBLAS builds; they slow a current one), with the thread count of
// every BLAS and OpenMP runtime set to threads.
func peerEnv(threads int) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "PYTHONPATH", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
			"MKL_NUM_THREADS", "BLIS_NUM_THREADS", "XLA_FLAGS", "KERAS_BACKEND", "JAX_PLATFORMS":
			continue
		}
		env = append(env, kv)
	}
	t := itoa(threads)
	return append(env, "OMP_NUM_THREADS="+t, "OPENBLAS_NUM_THREADS="+t, "MKL_NUM_THREADS="+t,
		"BLIS_NUM_THREADS="+t, "JAX_PLATFORMS=cpu", "KERAS_BACKEND=jax", "PYTHONNOUSERSITE=1")
}

// findPeersDir locates bench/peers: the -peersdir flag, else upwards from
// the working directory to the module root.
func findPeersDir(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(b, []byte("module github.com/v1tr0/entrena")) {
			return filepath.Join(dir, "bench", "peers"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("bench/peers not found: run from the entrena repository or pass -peersdir")
		}
		dir = parent
	}
}

// shapeArg renders the GEMM shapes for the peer programs: "NT:m:n:k,...".
func shapeArg(shapes []gemmShape) string {
	var parts []string
	for _, s := range shapes {
		t := "N"
		if s.transA {
			t = "T"
		}
		u := "N"
		if s.transB {
			u = "T"
		}
		parts = append(parts, fmt.Sprintf("%s%s:%d:%d:%d", t, u, s.m, s.n, s.k))
	}
	return strings.Join(parts, ",")
}

func intsArg(xs []int) string {
	var parts []string
	for _, x := range xs {
		parts = append(parts, itoa(x))
	}
	return strings.Join(parts, ",")
}

// peerPrograms lists every peer invocation, in the order they run.
func (r *runner) peerPrograms(dir string) []peerProg {
	venv := os.Getenv("ENTRENA_PEERS_VENV")
	if venv == "" {
		venv = filepath.Join(dir, "..", ".venv")
	}
	venvPy := filepath.Join(venv, "bin", "python")
	debPy := "/usr/bin/python3"
	bin := filepath.Join(dir, "bin")

	shapes := shapeArg(gemmShapes(r.quick))
	sizes := intsArg(eltSizes(r.quick))
	samples := r.epochSampleCount()
	reps := "3"
	if r.quick {
		reps = "1"
	}
	common := []string{"--reps", reps}
	if r.quick {
		common = append(common, "--quick")
	}
	// Training peers: two timed epochs after a warm-up (keras warms up on
	// a whole epoch), to keep `make compare` near ten minutes.
	trainArgs := []string{"--samples", itoa(samples), "--batches", intsArg(epochBatches), "--reps", "2"}
	if r.quick {
		trainArgs = []string{"--samples", itoa(samples), "--batches", intsArg(epochBatches), "--reps", "1", "--quick"}
	}
	py := func(label, interp, script string, extra ...string) peerProg {
		p := peerProg{label: label, threads: true, timeout: 8 * time.Minute,
			argv: append(append([]string{interp, filepath.Join(dir, script)}, extra...), common...)}
		if _, err := os.Stat(interp); err != nil {
			p.missing = interp + " not found: run bench/peers/setup.sh"
		}
		return p
	}
	pyTrain := func(label, interp, script string, extra ...string) peerProg {
		p := py(label, interp, script)
		p.argv = append(append([]string{interp, filepath.Join(dir, script)}, extra...), trainArgs...)
		return p
	}
	c := func(label, exe string, threads bool, args ...string) peerProg {
		p := peerProg{label: label, threads: threads, timeout: 8 * time.Minute,
			argv: append(append([]string{filepath.Join(bin, exe)}, args...), common...)}
		if _, err := os.Stat(p.argv[0]); err != nil {
			p.missing = p.argv[0] + " not built: run bench/peers/setup.sh (needs gcc and the Debian -dev package)"
		}
		return p
	}
	fannSamples := 5000
	if r.quick {
		fannSamples = 500
	}
	progs := []peerProg{
		py("numpy (PyPI) gemm", venvPy, "gemm.py", "--lib", "numpy", "--shapes", shapes),
		py("numpy (Debian) gemm", debPy, "gemm.py", "--lib", "numpy", "--shapes", shapes, "--tag", "debian"),
		py("torch (PyPI) gemm", venvPy, "gemm.py", "--lib", "torch", "--shapes", shapes),
		py("torch (Debian) gemm", debPy, "gemm.py", "--lib", "torch", "--shapes", shapes, "--tag", "debian"),
		py("jax gemm", venvPy, "gemm.py", "--lib", "jax", "--shapes", shapes),
		c("OpenBLAS from C gemm", "gemm_openblas", true, "--shapes", shapes),
		// Debian's OpenBLAS 0.3.21 may not know a newer CPU and fall back to
		// an old kernel: also run it with its AVX-512 kernel forced.
		withEnv(c("OpenBLAS from C gemm, OPENBLAS_CORETYPE=SkylakeX", "gemm_openblas", true, "--shapes", shapes), "OPENBLAS_CORETYPE=SkylakeX"),
		withEnv(py("numpy (Debian) gemm, OPENBLAS_CORETYPE=SkylakeX", debPy, "gemm.py", "--lib", "numpy", "--shapes", shapes, "--tag", "debian-skylakex"), "OPENBLAS_CORETYPE=SkylakeX"),
		// OpenBLAS's AVX2 "Haswell" kernel, the yardstick of entrena's avx2
		// path (issue 3), forced in these commands only; one thread, as the
		// target is. Debian's libopenblas from C, and PyPI numpy's newer
		// OpenBLAS. Each row's note names the kernel that ran.
		withEnv(c("OpenBLAS from C gemm, OPENBLAS_CORETYPE=Haswell", "gemm_openblas", false, "--shapes", shapes), "OPENBLAS_CORETYPE=Haswell"),
		withEnv(oneThread(py("numpy (PyPI) gemm, OPENBLAS_CORETYPE=Haswell", venvPy, "gemm.py", "--lib", "numpy", "--shapes", shapes, "--tag", "haswell")), "OPENBLAS_CORETYPE=Haswell"),
		c("BLIS from C gemm", "gemm_blis", true, "--shapes", shapes),
		py("numpy (PyPI) eltwise", venvPy, "eltwise.py", "--lib", "numpy", "--sizes", sizes),
		py("numpy (Debian) eltwise", debPy, "eltwise.py", "--lib", "numpy", "--sizes", sizes, "--tag", "debian"),
		py("torch (PyPI) eltwise", venvPy, "eltwise.py", "--lib", "torch", "--sizes", sizes),
		py("torch (Debian) eltwise", debPy, "eltwise.py", "--lib", "torch", "--sizes", sizes, "--tag", "debian"),
		pyTrain("numpy (PyPI) train", venvPy, "train_numpy.py"),
		pyTrain("numpy (Debian) train", debPy, "train_numpy.py", "--tag", "debian"),
		pyTrain("torch (PyPI) train", venvPy, "train_torch.py"),
		pyTrain("torch (Debian) train", debPy, "train_torch.py", "--tag", "debian"),
		pyTrain("jax train", venvPy, "train_jax.py"),
		pyTrain("keras train", venvPy, "train_keras.py"),
		c("FANN from C train", "train_fann", false, "--samples", itoa(fannSamples)),
	}
	progs = append(progs, r.entrenaBindingPeers(dir, venvPy, trainArgs)...)
	for i := range progs {
		switch l := progs[i].label; {
		case strings.HasSuffix(l, " gemm") || strings.Contains(l, " gemm,"):
			progs[i].group = "gemm"
		case strings.HasSuffix(l, " eltwise"):
			progs[i].group = "eltwise"
		case strings.HasSuffix(l, " train"):
			progs[i].group = "train"
		}
	}
	return append(progs, r.fashionPeers(dir, venvPy, debPy)...)
}

// fashionPeers are the Fashion-MNIST programs (train_fashion.py): numpy,
// PyTorch (PyPI and Debian) and a jit-compiled JAX epoch, with the suite's
// learning rate, batch size and epochs.
func (r *runner) fashionPeers(dir, venvPy, debPy string) []peerProg {
	args := []string{"--epochs", itoa(r.fashionEpochCount()), "--batch", itoa(fashionBatch), "--lr", fmt.Sprint(fashionLR)}
	fp := func(label, interp string, extra ...string) peerProg {
		p := peerProg{label: label, threads: true, timeout: 8 * time.Minute, group: "fashion",
			argv: append(append([]string{interp, filepath.Join(dir, "train_fashion.py")}, extra...), args...)}
		if _, err := os.Stat(interp); err != nil {
			p.missing = interp + " not found: run bench/peers/setup.sh"
		}
		return p
	}
	return []peerProg{
		fp("numpy (PyPI) fashion", venvPy, "--lib", "numpy"),
		fp("numpy (Debian) fashion", debPy, "--lib", "numpy", "--tag", "debian"),
		fp("torch (PyPI) fashion", venvPy, "--lib", "torch"),
		fp("torch (Debian) fashion", debPy, "--lib", "torch", "--tag", "debian"),
		fp("jax fashion", venvPy, "--lib", "jax"),
	}
}

// peerWanted reports whether -only asks for the group of p.
func (r *runner) peerWanted(p peerProg) bool {
	if r.want == nil {
		return true
	}
	switch p.group {
	case "train":
		return r.want("epoch") || r.want("step")
	case "":
		return true
	}
	return r.want(p.group)
}

// oneThread runs p on one thread only.
func oneThread(p peerProg) peerProg {
	p.threads = false
	return p
}

func withEnv(p peerProg, env ...string) peerProg {
	p.env = append(p.env, env...)
	return p
}

// entrenaBindingPeers are entrena driven from C (bench/peers/train_entrena_c.c
// against capi's libentrena, built into bench/peers/bin by `make compare` or
// setup.sh) and from Python (train_entrena_py.py importing bindings/python in
// place): rows "entrena (C)" and "entrena (Python)", the same protocol,
// network, data, batches and thread counts as the other training peers.
// Each is skipped with the reason when its piece is missing.
func (r *runner) entrenaBindingPeers(dir, venvPy string, trainArgs []string) []peerProg {
	root := filepath.Join(dir, "..", "..")
	lib := filepath.Join(root, "build", "lib", "libentrena.so")
	var progs []peerProg
	cBin := filepath.Join(dir, "bin", "train_entrena_c")
	pc := peerProg{label: "entrena (C) train", threads: true, timeout: 5 * time.Minute,
		argv: append([]string{cBin}, trainArgs...)}
	if _, err := os.Stat(cBin); err != nil {
		pc.missing = "bench/peers/bin/train_entrena_c not built: run `make lib peers-entrena` (or `make compare`, which does)"
	} else if _, err := os.Stat(lib); err != nil {
		pc.missing = "build/lib/libentrena.so missing: run `make lib`"
	}
	progs = append(progs, pc)
	// The binding needs no numpy; the peers' venv has it (zero-copy arrays),
	// else the system python runs it with array('f') buffers.
	py := venvPy
	if _, err := os.Stat(py); err != nil {
		py = "/usr/bin/python3"
	}
	pp := peerProg{label: "entrena (Python) train", threads: true, timeout: 5 * time.Minute,
		argv: append([]string{py, filepath.Join(dir, "train_entrena_py.py")}, trainArgs...)}
	_, errPkg := os.Stat(filepath.Join(root, "bindings", "python", "entrena", "libentrena.so"))
	_, errLib := os.Stat(lib)
	switch {
	case errPkg != nil && errLib != nil:
		pp.missing = "libentrena.so is neither in bindings/python/entrena nor in build/lib: run `make python`"
	default:
		if _, err := os.Stat(py); err != nil {
			pp.missing = "no python: " + venvPy + " and /usr/bin/python3 not found"
		}
	}
	progs = append(progs, pp)
	return progs
}

// runPeers runs every peer program for each thread count and adds their rows.
func (r *runner) runPeers(dir string) {
	for _, p := range r.peerPrograms(dir) {
		threads := r.threads
		if !p.threads {
			threads = []int{1}
		}
		if !r.peerWanted(p) {
			continue
		}
		if p.missing != "" {
			r.rep.Peers = append(r.rep.Peers, PeerRun{Peer: p.label, Command: strings.Join(p.argv, " "), Skipped: p.missing})
			r.logf("peer %-28s skipped: %s", p.label, p.missing)
			continue
		}
		for _, th := range threads {
			argv := append(append([]string(nil), p.argv...), "--threads", itoa(th))
			run := PeerRun{Peer: fmt.Sprintf("%s, %d thread(s)", p.label, th), Command: strings.Join(append(append([]string(nil), p.env...), shellQuote(argv)), " ")}
			start := time.Now()
			out, err := runPeer(argv, append(peerEnv(th), p.env...), p.timeout)
			run.Seconds = time.Since(start).Seconds()
			switch {
			case err != nil:
				run.Skipped = err.Error()
			case out.Skipped != "":
				run.Skipped = out.Skipped
			default:
				run.Versions, run.Settings = out.Versions, out.Settings
				for _, row := range out.Rows {
					row.Threads = th
					r.addPeerRow(row)
				}
			}
			r.rep.Peers = append(r.rep.Peers, run)
			if run.Skipped != "" {
				r.logf("peer %-28s skipped: %s", run.Peer, run.Skipped)
				if th == threads[0] {
					break // the same reason holds for every thread count
				}
			} else {
				r.logf("peer %-28s %d rows in %.1f s", run.Peer, len(out.Rows), run.Seconds)
			}
		}
	}
}

// addPeerRow fills the derived fields of a peer row: metric from the median
// when the peer gave only times, share of the best path's peak.
func (r *runner) addPeerRow(row Row) {
	if row.Reps == 0 {
		row.Reps = 1
	}
	if row.Allocs == 0 {
		row.Allocs = -1 // not measured for peers
	}
	pk := r.peak(r.best())
	if pk > 0 && row.Unit == "GFLOPS" {
		row.PctPeak = 100 * row.Metric / (pk * float64(row.Threads))
	}
	if pk > 0 && row.Unit == "samples/s" && (row.Group == "epoch" || row.Group == "step") {
		if strings.HasPrefix(row.Name, mnistNet.name) {
			row.PctPeak = 100 * row.Metric * mnistNet.flopsPerSample() / 1e9 / (pk * float64(row.Threads))
		}
	}
	if pk > 0 && row.Group == "fashion" {
		row.PctPeak = 100 * row.Metric * fashionNet.flopsPerSample() / 1e9 / (pk * float64(row.Threads))
	}
	r.add(row)
}

// runPeer runs one peer program and decodes the JSON object on the last
// line of its stdout.
func runPeer(argv []string, env []string, timeout time.Duration) (peerOutput, error) {
	var out peerOutput
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	last := lines[len(lines)-1]
	if jerr := json.Unmarshal([]byte(last), &out); jerr != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.LastIndex(msg, "\n"); i >= 0 {
			msg = msg[i+1:]
		}
		if ctx.Err() != nil {
			return out, fmt.Errorf("timed out after %v", timeout)
		}
		if err != nil {
			return out, fmt.Errorf("failed (%v): %s", err, msg)
		}
		return out, fmt.Errorf("no result line: %v", jerr)
	}
	return out, nil
}

// shellQuote renders argv as a shell command line, paths relative to the
// working directory where possible.
func shellQuote(argv []string) string {
	wd, _ := os.Getwd()
	var parts []string
	for _, a := range argv {
		if wd != "" && filepath.IsAbs(a) {
			if rel, err := filepath.Rel(wd, a); err == nil && !strings.HasPrefix(rel, "../../") {
				a = rel
			}
		}
		if strings.ContainsAny(a, " '\"$;&|()") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}
