package asm

// Hadamard sets dst[i] = a[i]·b[i] for i < len(dst).
//
//	for i := range dst { dst[i] = a[i] * b[i] }
//
// a and b must be at least len(dst) long; dst may alias a or b exactly.
func Hadamard(dst, a, b []float32) error {
	n := len(dst)
	if err := checkLen("Hadamard", "a", a, n); err != nil {
		return err
	}
	if err := checkLen("Hadamard", "b", b, n); err != nil {
		return err
	}
	active.Load().hadamard(dst, a[:n], b[:n])
	return nil
}

// Sigmoid sets dst[i] = 1/(1+exp(−src[i])) for i < len(dst), with a relative
// error of at most 1e-6 against float64 on every path; NaN stays NaN,
// +Inf gives 1 and −Inf gives 0. dst may alias src exactly.
func Sigmoid(dst, src []float32) error {
	if err := checkLen("Sigmoid", "src", src, len(dst)); err != nil {
		return err
	}
	active.Load().sigmoid(dst, src[:len(dst)])
	return nil
}

// SigmoidBackward is the backward step of a sigmoid layer given its output
// act = σ(z):
//
//	for i := range dst { dst[i] = delta[i] * act[i] * (1 - act[i]) }
//
// dst may alias delta or act exactly.
func SigmoidBackward(dst, delta, act []float32) error {
	return backward("SigmoidBackward", dst, delta, act, func(k *kernelSet) func(dst, delta, act []float32) { return k.sigmoidBackward })
}

// TanhBackward sets dst[i] = delta[i]·(1 − act[i]²) where act = tanh(z).
func TanhBackward(dst, delta, act []float32) error {
	return backward("TanhBackward", dst, delta, act, func(k *kernelSet) func(dst, delta, act []float32) { return k.tanhBackward })
}

// ReLUBackward sets dst[i] = delta[i] where act[i] > 0, else 0.
func ReLUBackward(dst, delta, act []float32) error {
	return backward("ReLUBackward", dst, delta, act, func(k *kernelSet) func(dst, delta, act []float32) { return k.reluBackward })
}

func backward(op string, dst, delta, act []float32, pick func(*kernelSet) func(dst, delta, act []float32)) error {
	n := len(dst)
	if err := checkLen(op, "delta", delta, n); err != nil {
		return err
	}
	if err := checkLen(op, "act", act, n); err != nil {
		return err
	}
	pick(active.Load())(dst, delta[:n], act[:n])
	return nil
}

// Tanh sets dst[i] = tanh(src[i]) for i < len(dst).
func Tanh(dst, src []float32) error {
	if err := checkLen("Tanh", "src", src, len(dst)); err != nil {
		return err
	}
	active.Load().tanh(dst, src[:len(dst)])
	return nil
}

// ReLU sets dst[i] = max(src[i], 0) for i < len(dst); NaN stays NaN.
func ReLU(dst, src []float32) error {
	if err := checkLen("ReLU", "src", src, len(dst)); err != nil {
		return err
	}
	active.Load().relu(dst, src[:len(dst)])
	return nil
}

// checkRows validates x as rows×cols (row-major, ld = cols) and a vector of
// cols, returning rows·cols.
func checkRows(op string, x []float32, rows, cols int, vec []float32, vecName string) (int, error) {
	n, err := checkRowsCols(op, rows, cols)
	if err != nil {
		return 0, err
	}
	if err := checkLen(op, "x", x, n); err != nil {
		return 0, err
	}
	if err := checkLen(op, vecName, vec, cols); err != nil {
		return 0, err
	}
	return n, nil
}

// BiasSigmoid is the fused forward step of a sigmoid layer, in place on the
// rows×cols matrix x:
//
//	for r := 0; r < rows; r++ { for c := 0; c < cols; c++ { x[r*cols+c] = σ(x[r*cols+c] + bias[c]) } }
func BiasSigmoid(x []float32, rows, cols int, bias []float32) error {
	n, err := checkRows("BiasSigmoid", x, rows, cols, bias, "bias")
	if err != nil || n == 0 {
		return err
	}
	active.Load().biasSigmoid(x[:n], cols, bias[:cols])
	return nil
}

// AddBias adds bias[c] to every element of column c of the rows×cols matrix x.
func AddBias(x []float32, rows, cols int, bias []float32) error {
	n, err := checkRows("AddBias", x, rows, cols, bias, "bias")
	if err != nil || n == 0 {
		return err
	}
	active.Load().addBias(x[:n], cols, bias[:cols])
	return nil
}

// ColSums sets dst[c] = alpha·Σ_r x[r*cols+c] over the rows×cols matrix x
// (the bias gradient of a dense layer). With rows = 0, dst[:cols] is zeroed.
func ColSums(dst []float32, alpha float32, x []float32, rows, cols int) error {
	n, err := checkRows("ColSums", x, rows, cols, dst, "dst")
	if err != nil {
		return err
	}
	if cols == 0 {
		return nil
	}
	active.Load().colSums(dst[:cols], alpha, x[:n], cols)
	return nil
}

// SoftmaxRows replaces each row of the rows×cols matrix x by its softmax,
// computed stably (the row maximum is subtracted first).
func SoftmaxRows(x []float32, rows, cols int) error {
	n, err := checkRowsCols("SoftmaxRows", rows, cols)
	if err != nil {
		return err
	}
	if err := checkLen("SoftmaxRows", "x", x, n); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	active.Load().softmaxRows(x[:n], cols)
	return nil
}

// Axpy sets y[i] += alpha·x[i] for i < len(y); the plain SGD update is
// Axpy(−lr, grad, params).
func Axpy(alpha float32, x, y []float32) error {
	if err := checkLen("Axpy", "x", x, len(y)); err != nil {
		return err
	}
	active.Load().axpy(alpha, x[:len(y)], y)
	return nil
}

// Scale sets x[i] *= alpha.
func Scale(alpha float32, x []float32) {
	active.Load().scale(alpha, x)
}

// Momentum is one SGD-with-momentum step over len(p) parameters (PyTorch's
// form): v = mu·v + g; p −= lr·v.
func Momentum(p, g, v []float32, lr, mu float32) error {
	n := len(p)
	if err := checkLen("Momentum", "g", g, n); err != nil {
		return err
	}
	if err := checkLen("Momentum", "v", v, n); err != nil {
		return err
	}
	active.Load().momentum(p, g[:n], v[:n], lr, mu)
	return nil
}

// RMSprop is one RMSprop step over len(p) parameters (Keras's rule, ε
// inside the root):
//
//	v = ρ·v + (1−ρ)·g²;  p −= lr·g / √(v + ε)
//
// Every path rounds each operation to float32 in this order, without fused
// multiply-adds, so all paths give the same bits.
func RMSprop(p, g, v []float32, lr, rho, eps float32) error {
	n := len(p)
	if err := checkLen("RMSprop", "g", g, n); err != nil {
		return err
	}
	if err := checkLen("RMSprop", "v", v, n); err != nil {
		return err
	}
	active.Load().rmsprop(p, g[:n], v[:n], lr, rho, eps)
	return nil
}

// Adam is one Adam step over len(p) parameters:
//
//	m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²
//	p −= lr · (m/c1) / (sqrt(v/c2) + eps)
func Adam(p, g, m, v []float32, h AdamParams) error {
	n := len(p)
	for _, s := range []struct {
		name string
		s    []float32
	}{{"g", g}, {"m", m}, {"v", v}} {
		if err := checkLen("Adam", s.name, s.s, n); err != nil {
			return err
		}
	}
	active.Load().adam(p, g[:n], m[:n], v[:n], h)
	return nil
}
