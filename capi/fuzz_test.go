//go:build cgo

package main

import (
	"math"
	"testing"
	"unsafe"
)

// Program bytes from hugeClaims on make a call with impossible lengths or
// counts; smaller ones pick an operation by their value modulo 13, as the
// committed corpus was written for.
const hugeClaims = 247

// FuzzEntryPoints drives the exported C entry points from Go with fuzzed
// call sequences: each step picks a function, a handle (live, destroyed,
// NULL or made up) and sizes that may be negative, zero, larger than the
// network wants or inconsistent with each other — but never larger than the
// buffers really are (a C caller that lies about a length is out of reach of
// any library), except for lengths and counts no buffer can have (near
// INT64_MAX), which must be refused before any slice is made. Every call
// must return a status of the enum other than ENTRENA_ERR_INTERNAL, and the
// live handle must keep working afterwards.
func FuzzEntryPoints(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	f.Add([]byte{9, 200, 0, 0, 3, 255, 255, 1, 7, 7, 7, 7})
	f.Add([]byte{12, 12, 12, 0, 0, 0, 1, 1, 1, 2, 2, 2})
	// Impossible lengths and counts through each of the four calls on the
	// live handle: lengths of INT64_MAX with INT64_MAX/4 samples (then
	// INT64_MAX/3), so that samples × values fits an int64 but not memory.
	f.Add([]byte{
		hugeClaims, 3, 0, 0, 0, 1, 3, 0, 0, 0,
		hugeClaims, 3, 1, 0, 0, 0, 0, 1, 3, 0,
		hugeClaims, 3, 2, 0, 0, 0, 0, 1, 3, 0,
		hugeClaims, 3, 3, 0, 0, 0, 0, 1, 3, 0,
	})
	f.Add([]byte{
		hugeClaims, 3, 0, 0, 0, 1, 2, 0, 0, 0,
		hugeClaims, 3, 1, 3, 0, 0, 0, 1, 2, 0,
		hugeClaims, 3, 2, 0, 0, 0, 0, 1, 2, 0,
		hugeClaims, 3, 3, 1, 0, 2, 5, 4, 0, 0,
	})
	f.Fuzz(func(t *testing.T, prog []byte) {
		if len(prog) > 300 {
			prog = prog[:300]
		}
		live := smallNet(t) // 4 inputs, 3 outputs, max batch 8
		dead := smallNet(t)
		destroy(dead)
		const bufLen = 512
		x, y := data(bufLen / 4)
		out := make([]float32, bufLen)
		params := make([]float32, bufLen)
		raw := make([]byte, 4096)
		var cost, loss, acc float32
		var count int64
		var size uintptr

		next := func() int { // next program byte, 0 past the end
			if len(prog) == 0 {
				return 0
			}
			b := int(prog[0])
			prog = prog[1:]
			return b
		}
		handle := func() uintptr {
			switch next() % 5 {
			case 0:
				return dead
			case 1:
				return 0
			case 2:
				return uintptr(1 << 40)
			}
			return live
		}
		length := func(max int) int64 { return int64(next()*max/255) - int64(next()%3) }
		// A length no buffer can have, or a real one (whose count then
		// decides whether the call is refused).
		hugeLength := func(real int) int64 {
			switch next() % 4 {
			case 0:
				return math.MaxInt64 - int64(next())
			case 1:
				return maxFloats + int64(next())
			case 2:
				return math.MaxInt64/int64(1+next()%16) + 1
			}
			return int64(real)
		}
		// A count whose buffers no address space holds, or one the real
		// buffers do (x holds 128 samples).
		hugeCount := func() int64 {
			switch next() % 5 {
			case 0:
				return math.MaxInt64 - int64(next())
			case 1:
				return math.MaxInt64/int64(1+next()%16) + int64(next()%3)
			case 2:
				return maxFloats/int64(1+next()%4) + 1
			case 3:
				return 1<<61 + int64(next())<<40
			}
			return int64(next() % 129)
		}
		for len(prog) > 0 {
			var st int32
			op := next()
			if op >= hugeClaims {
				h := handle()
				switch next() % 4 {
				case 0:
					st = entrena_predict(h, ptr(x), hugeLength(len(x)), hugeCount(), ptr(out), hugeLength(len(out)))
				case 1:
					st = entrena_evaluate(h, ptr(x), hugeLength(len(x)), ptr(y), hugeLength(len(y)), hugeCount(), unsafe.Pointer(&loss), unsafe.Pointer(&acc))
				case 2:
					st = entrena_fit(h, ptr(x), hugeLength(len(x)), ptr(y), hugeLength(len(y)), hugeCount(), nil, unsafe.Pointer(&cost))
				case 3:
					st = entrena_train_step(h, ptr(x), hugeLength(len(x)), ptr(y), hugeLength(len(y)), hugeCount(), unsafe.Pointer(&cost))
				}
				op = -1 // no other operation
			}
			switch op % 13 {
			case 0:
				st = entrena_train_step(handle(), ptr(x), length(len(x)), ptr(y), length(len(y)), length(12), unsafe.Pointer(&cost))
			case 1:
				st = entrena_predict(handle(), ptr(x), length(len(x)), length(130), ptr(out), length(len(out)))
			case 2:
				st = entrena_evaluate(handle(), ptr(x), length(len(x)), ptr(y), length(len(y)), length(130), unsafe.Pointer(&loss), unsafe.Pointer(&acc))
			case 3:
				st = entrena_fit(handle(), ptr(x), length(len(x)), ptr(y), length(len(y)), length(130), nil, unsafe.Pointer(&cost))
			case 4:
				st = entrena_set_learning_rate(handle(), float32(next()-128)/16)
			case 5:
				// Reads the threads back on the same handle without taking
				// program bytes, so the committed corpus keeps its meaning.
				h := handle()
				st = entrena_set_threads(h, int32(next()-8))
				var threads, inUse int32
				var reason unsafe.Pointer
				st2 := entrena_thread_stats(h, unsafe.Pointer(&threads), nil, unsafe.Pointer(&inUse), unsafe.Pointer(&reason))
				if h == live && (st2 != statusOK || inUse < 1 || inUse > threads || (inUse < threads) != (CPtr2Go(reason) != "")) {
					t.Fatalf("thread_stats on the live handle: status %d, %d of %d threads, reason %q", st2, inUse, threads, CPtr2Go(reason))
				}
				if h != live && st2 != statusHandle {
					t.Fatalf("thread_stats on a bad handle: status %d", st2)
				}
			case 6:
				st = entrena_get_params(handle(), ptr(params), length(len(params)))
			case 7:
				st = entrena_set_params(handle(), ptr(params), length(len(params)))
			case 8:
				st = entrena_history(handle(), ptr(out), length(len(out)), unsafe.Pointer(&count))
			case 9:
				st = entrena_model_size(handle(), unsafe.Pointer(&size))
				if st == statusOK && size <= uintptr(len(raw)) {
					st = entrena_save_buffer(handle(), unsafe.Pointer(&raw[0]), uintptr(length(len(raw))), nil)
				}
			case 10:
				// Load whatever the buffer holds, possibly mutated, with a
				// fuzzed length or (odd mode byte) the last model size, which
				// length() cannot always hit exactly.
				raw[next()%len(raw)] ^= byte(next())
				n := uintptr(max(0, length(len(raw))))
				if next()%2 == 1 {
					n = min(size, uintptr(len(raw)))
				}
				var h uintptr
				if st = entrena_load_buffer(unsafe.Pointer(&raw[0]), n, unsafe.Pointer(&h)); st == statusOK {
					destroy(h)
				}
			case 11:
				st = entrena_set_seed(handle(), uint64(next()))
			case 12:
				st = entrena_param_count(handle(), unsafe.Pointer(&count))
			}
			if st < statusOK || st > statusInternal {
				t.Fatalf("status %d outside the enum", st)
			}
			if st == statusInternal {
				t.Fatalf("internal error (a recovered panic) in operation at byte %d: %s", len(prog), lastError())
			}
		}
		// The live handle still works.
		if st := entrena_predict(live, ptr(x), 4, 1, ptr(out), 3); st != statusOK {
			t.Fatalf("live handle broken after the sequence: %s", C2Go(entrena_errmsg(live)))
		}
	})
}
