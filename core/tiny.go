package core

// Tiny networks (every layer at most tinyMaxUnits wide, batches of at most
// tinyMaxBatch samples — XOR-sized problems) are dominated by per-call
// overhead, not arithmetic: a 2-8-1 step is about 300 multiply-adds, less
// than the fixed cost of packing panels for six GEMM calls. For them the
// products run as plain loops here; activations still go through the
// kernels (one flat call per layer), so the sigmoid is the same everywhere.
const (
	tinyMaxUnits = 32
	tinyMaxBatch = 16
)

// tinyEnabled can be switched off by tests to exercise the GEMM path on
// small shapes.
var tinyEnabled = true

// isTiny reports whether the network qualifies for the tiny path.
func isTiny(s Spec) bool {
	if s.Inputs > tinyMaxUnits {
		return false
	}
	for _, l := range s.Layers {
		if l.Units > tinyMaxUnits {
			return false
		}
	}
	return true
}

func (n *Network) useTiny(batch int) bool {
	return tinyEnabled && n.tiny && batch <= tinyMaxBatch
}

// The loops below take rows four at a time: each weight loaded once serves
// four samples, the four sums are independent chains held in registers, and
// no partial sum goes through memory (a chain of loads and stores through
// the same address costs a store-forwarding round trip per step).

// tinyForward is one layer's product for tiny networks: z = in·Wᵀ + b
// (forward applies the activation).
func tinyForward(l *dense, in, z []float32, batch int) {
	ni, no := l.in, l.out
	r := 0
	for ; r+4 <= batch; r += 4 {
		x0 := in[r*ni : r*ni+ni]
		x1 := in[(r+1)*ni : (r+1)*ni+ni]
		x2 := in[(r+2)*ni : (r+2)*ni+ni]
		x3 := in[(r+3)*ni : (r+3)*ni+ni]
		z0 := z[r*no : r*no+no]
		z1 := z[(r+1)*no : (r+1)*no+no]
		z2 := z[(r+2)*no : (r+2)*no+no]
		z3 := z[(r+3)*no : (r+3)*no+no]
		for o, b := range l.b[:no] {
			w := l.w[o*ni : o*ni+ni]
			x0, x1, x2, x3 := x0[:len(w)], x1[:len(w)], x2[:len(w)], x3[:len(w)]
			var s0, s1, s2, s3 float32
			for i, wi := range w {
				s0 += x0[i] * wi
				s1 += x1[i] * wi
				s2 += x2[i] * wi
				s3 += x3[i] * wi
			}
			z0[o], z1[o], z2[o], z3[o] = s0+b, s1+b, s2+b, s3+b
		}
	}
	for ; r < batch; r++ {
		row := in[r*ni : r*ni+ni]
		zr := z[r*no : r*no+no]
		for o := range zr {
			w := l.w[o*ni : o*ni+ni]
			w = w[:len(row)] // equal lengths: no bounds checks below
			var s float32
			for i, v := range row {
				s += v * w[i]
			}
			zr[o] = s + l.b[o]
		}
	}
}

// tinyGradients computes dW = inv·δᵀ·prev and db = inv·Σδ for one layer
// (inv scales each δ as it is loaded, so dW is written once).
func tinyGradients(l *dense, d, prev []float32, batch int, inv float32) {
	ni, no := l.in, l.out
	for o := 0; o < no; o++ {
		dw := l.dw[o*ni : o*ni+ni]
		var db float32
		r := 0
		for ; r+4 <= batch; r += 4 {
			g0, g1, g2, g3 := d[r*no+o], d[(r+1)*no+o], d[(r+2)*no+o], d[(r+3)*no+o]
			db += g0 + g1 + g2 + g3
			g0, g1, g2, g3 = g0*inv, g1*inv, g2*inv, g3*inv
			p0 := prev[r*ni : r*ni+len(dw)]
			p1 := prev[(r+1)*ni : (r+1)*ni+len(dw)]
			p2 := prev[(r+2)*ni : (r+2)*ni+len(dw)]
			p3 := prev[(r+3)*ni : (r+3)*ni+len(dw)]
			if r == 0 {
				for i := range dw {
					dw[i] = g0*p0[i] + g1*p1[i] + g2*p2[i] + g3*p3[i]
				}
			} else {
				for i := range dw {
					dw[i] += g0*p0[i] + g1*p1[i] + g2*p2[i] + g3*p3[i]
				}
			}
		}
		if r == 0 {
			clear(dw)
		}
		for ; r < batch; r++ {
			g := d[r*no+o]
			db += g
			g *= inv
			p := prev[r*ni : r*ni+len(dw)]
			for i, v := range p {
				dw[i] += g * v
			}
		}
		l.db[o] = db * inv
	}
}

// tinyDelta sets pd = d·W (batch×in) for the layer below.
func tinyDelta(l *dense, d, pd []float32, batch int) {
	ni, no := l.in, l.out
	for r := 0; r < batch; r++ {
		out := pd[r*ni : r*ni+ni]
		dr := d[r*no : r*no+no]
		o := 0
		for ; o+4 <= no; o += 4 {
			g0, g1, g2, g3 := dr[o], dr[o+1], dr[o+2], dr[o+3]
			w0 := l.w[o*ni : o*ni+len(out)]
			w1 := l.w[(o+1)*ni : (o+1)*ni+len(out)]
			w2 := l.w[(o+2)*ni : (o+2)*ni+len(out)]
			w3 := l.w[(o+3)*ni : (o+3)*ni+len(out)]
			if o == 0 {
				for i := range out {
					out[i] = g0*w0[i] + g1*w1[i] + g2*w2[i] + g3*w3[i]
				}
			} else {
				for i := range out {
					out[i] += g0*w0[i] + g1*w1[i] + g2*w2[i] + g3*w3[i]
				}
			}
		}
		if o == 0 { // fewer than four outputs: the first one sets the row
			g := dr[0]
			for i, v := range l.w[:len(out)] {
				out[i] = g * v
			}
			o = 1
		}
		for ; o < no; o++ {
			g := dr[o]
			w := l.w[o*ni : o*ni+len(out)]
			for i, v := range w {
				out[i] += g * v
			}
		}
	}
}

// tinySGD is plain SGD fused into the weight gradient for one layer:
// W += scale·(δᵀ·prev) and b += scale·Σδ, scale = −lr/m, as the GEMM
// path's product with alpha = scale and beta = 1: the batch's sum is
// formed first, then scaled and added once.
func tinySGD(l *dense, d, prev []float32, batch int, scale, beta float32) {
	ni, no := l.in, l.out
	var acc [tinyMaxUnits]float32
	for o := 0; o < no; o++ {
		w := l.w[o*ni : o*ni+ni]
		g := acc[:len(w)]
		var db float32
		r := 0
		for ; r+4 <= batch; r += 4 {
			g0, g1, g2, g3 := d[r*no+o], d[(r+1)*no+o], d[(r+2)*no+o], d[(r+3)*no+o]
			db += g0 + g1 + g2 + g3
			p0 := prev[r*ni : r*ni+len(g)]
			p1 := prev[(r+1)*ni : (r+1)*ni+len(g)]
			p2 := prev[(r+2)*ni : (r+2)*ni+len(g)]
			p3 := prev[(r+3)*ni : (r+3)*ni+len(g)]
			if r == 0 {
				for i := range g {
					g[i] = g0*p0[i] + g1*p1[i] + g2*p2[i] + g3*p3[i]
				}
			} else {
				for i := range g {
					g[i] += g0*p0[i] + g1*p1[i] + g2*p2[i] + g3*p3[i]
				}
			}
		}
		if r == 0 {
			clear(g)
		}
		for ; r < batch; r++ {
			gr := d[r*no+o]
			db += gr
			p := prev[r*ni : r*ni+len(g)]
			for i, v := range p {
				g[i] += gr * v
			}
		}
		if beta != 1 {
			for i, v := range g {
				w[i] = beta*w[i] + scale*v
			}
		} else {
			for i, v := range g {
				w[i] += scale * v
			}
		}
		l.b[o] += scale * db
	}
}
