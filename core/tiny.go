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
// (forward applies the activation). It returns 0 when every z is finite
// (NaN otherwise, or when their sums overflow).
func tinyForward(l *dense, in, z []float32, batch int) (chk float32) {
	ni, no := l.in, l.out
	w, bias := l.w[:no*ni], l.b[:no]
	r := 0
	for ; r+4 <= batch; r += 4 {
		// Rows sliced to the lengths the loops range over: no bounds
		// checks inside them.
		x0 := in[r*ni:][:ni]
		x1, x2, x3 := in[(r+1)*ni:][:len(x0)], in[(r+2)*ni:][:len(x0)], in[(r+3)*ni:][:len(x0)]
		z0 := z[r*no:][:len(bias)]
		z1, z2, z3 := z[(r+1)*no:][:len(z0)], z[(r+2)*no:][:len(z0)], z[(r+3)*no:][:len(z0)]
		k := 0
		for o, b := range bias {
			wo := w[k:][:len(x0)]
			k += len(x0)
			var s0, s1, s2, s3 float32
			for i, wi := range wo {
				s0 += x0[i] * wi
				s1 += x1[i] * wi
				s2 += x2[i] * wi
				s3 += x3[i] * wi
			}
			s0, s1, s2, s3 = s0+b, s1+b, s2+b, s3+b
			z0[o], z1[o], z2[o], z3[o] = s0, s1, s2, s3
			chk += (s0 + s1 + s2 + s3) * 0
		}
	}
	for ; r < batch; r++ {
		row := in[r*ni:][:ni]
		zr := z[r*no:][:len(bias)]
		k := 0
		for o, b := range bias {
			wo := w[k:][:len(row)]
			k += len(row)
			var s float32
			for i, v := range row {
				s += v * wo[i]
			}
			s += b
			zr[o] = s
			chk += s * 0
		}
	}
	return chk
}

// tinyBackward sums one layer's gradient over the batch into its gradient
// buffers, dW = δᵀ·prev and db = Σ_rows δ (unscaled), and sets pd = δ·W for
// the layer below (pd nil for the first layer): one pass over W per four
// samples, each weight loaded once for both products.
func tinyBackward(l *dense, d, prev, pd []float32, batch int) {
	ni, no := l.in, l.out
	w, dw, db := l.w[:no*ni], l.dw[:no*ni], l.db[:no]
	r := 0
	for ; r+4 <= batch; r += 4 {
		p0 := prev[r*ni:][:ni]
		p1, p2, p3 := prev[(r+1)*ni:][:len(p0)], prev[(r+2)*ni:][:len(p0)], prev[(r+3)*ni:][:len(p0)]
		g0 := d[r*no:][:len(db)]
		g1, g2, g3 := d[(r+1)*no:][:len(g0)], d[(r+2)*no:][:len(g0)], d[(r+3)*no:][:len(g0)]
		if pd == nil && ni < no {
			tinyWeightColumns(dw, db, g0, g1, g2, g3, p0, p1, p2, p3, r == 0)
			continue
		}
		var q0, q1, q2, q3 []float32
		if pd != nil {
			q0 = pd[r*ni:][:len(p0)]
			q1, q2, q3 = pd[(r+1)*ni:][:len(p0)], pd[(r+2)*ni:][:len(p0)], pd[(r+3)*ni:][:len(p0)]
		}
		k := 0
		for o, a0 := range g0 {
			a1, a2, a3 := g1[o], g2[o], g3[o]
			kw := k
			dwo := dw[k:][:len(p0)]
			k += len(p0)
			if r == 0 {
				db[o] = a0 + a1 + a2 + a3
				for i := range dwo {
					dwo[i] = a0*p0[i] + a1*p1[i] + a2*p2[i] + a3*p3[i]
				}
			} else {
				db[o] += a0 + a1 + a2 + a3
				for i := range dwo {
					dwo[i] += a0*p0[i] + a1*p1[i] + a2*p2[i] + a3*p3[i]
				}
			}
			if pd == nil {
				continue
			}
			wo := w[kw:][:len(p0)]
			if o == 0 {
				for i, v := range wo {
					q0[i], q1[i], q2[i], q3[i] = a0*v, a1*v, a2*v, a3*v
				}
			} else {
				for i, v := range wo {
					q0[i] += a0 * v
					q1[i] += a1 * v
					q2[i] += a2 * v
					q3[i] += a3 * v
				}
			}
		}
	}
	for ; r < batch; r++ {
		p := prev[r*ni:][:ni]
		g := d[r*no:][:len(db)]
		var q []float32
		if pd != nil {
			q = pd[r*ni:][:len(p)]
		}
		k := 0
		for o, a := range g {
			kw := k
			dwo := dw[k:][:len(p)]
			k += len(p)
			if r == 0 {
				db[o] = a
				for i, v := range p {
					dwo[i] = a * v
				}
			} else {
				db[o] += a
				for i, v := range p {
					dwo[i] += a * v
				}
			}
			if pd == nil {
				continue
			}
			wo := w[kw:][:len(p)]
			if o == 0 {
				for i, v := range wo {
					q[i] = a * v
				}
			} else {
				for i, v := range wo {
					q[i] += a * v
				}
			}
		}
	}
}

// tinyWeightColumns is tinyBackward's group of four rows for a first layer
// with fewer inputs than outputs: the weight gradient a column at a time,
// its loop over the outputs (the longer side), then the bias gradient. set
// writes the sums, otherwise they are added.
func tinyWeightColumns(dw, db, g0, g1, g2, g3, p0, p1, p2, p3 []float32, set bool) {
	ni := len(p0)
	g1, g2, g3 = g1[:len(g0)], g2[:len(g0)], g3[:len(g0)]
	p1, p2, p3 = p1[:len(p0)], p2[:len(p0)], p3[:len(p0)]
	db = db[:len(g0)]
	for i, x0 := range p0 {
		x1, x2, x3 := p1[i], p2[i], p3[i]
		k := i
		for o, a0 := range g0 {
			s := a0*x0 + g1[o]*x1 + g2[o]*x2 + g3[o]*x3
			if set {
				dw[k] = s
			} else {
				dw[k] += s
			}
			k += ni
		}
	}
	for o, a0 := range g0 {
		s := a0 + g1[o] + g2[o] + g3[o]
		if set {
			db[o] = s
		} else {
			db[o] += s
		}
	}
}

// tinyScaleGradients scales the sums tinyBackward left to the gradients,
// dW·inv and db·inv (inv = 1/m), as the GEMM path's alpha.
func tinyScaleGradients(l *dense, inv float32) {
	for k := range l.dw {
		l.dw[k] *= inv
	}
	for o := range l.db {
		l.db[o] *= inv
	}
}

// tinySGDUpdate is plain SGD from the sums tinyBackward left: nw = β·W +
// scale·dW and nb = b + scale·db, scale = −lr/m, as the GEMM path's product
// with alpha = scale and beta = β (the batch's sum formed first, then scaled
// and added once). nw and nb may be l.w and l.b, or l.dw and l.db. It
// returns 0 when every new value is finite (NaN otherwise, or when their
// sum overflows).
func tinySGDUpdate(l *dense, nw, nb []float32, scale, beta float32) float32 {
	w, dw := l.w, l.dw[:len(l.w)]
	nw = nw[:len(w)]
	var c float32
	for k, v := range dw {
		u := beta*w[k] + scale*v
		nw[k] = u
		c += u
	}
	b, db := l.b, l.db[:len(l.b)]
	nb = nb[:len(b)]
	for o, v := range db {
		u := b[o] + scale*v
		nb[o] = u
		c += u
	}
	return c * 0
}
