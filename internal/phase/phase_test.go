package phase

import (
	"strings"
	"testing"
)

// TestTable: per-step microseconds and shares of the summed phases; pool
// wait, inside the others, is listed but not summed; phases without marks
// are left out.
func TestTable(t *testing.T) {
	var tot [Count]Total
	tot[ForwardProduct] = Total{Nanos: 3_000_000, Marks: 300}
	tot[WeightProduct] = Total{Nanos: 1_000_000, Marks: 300}
	tot[PoolWait] = Total{Nanos: 500_000, Marks: 10}
	var s strings.Builder
	tot[Loss] = Total{Nanos: 100_000, Marks: 100}
	table(&s, tot, 100, 1000) // the loss's marks cost all its time
	out := s.String()
	for _, want := range []string{"forward product             27.00   79.4%", "weight product               7.00   20.6%", "pool wait (within)           4.90   14.4%", "sum                         34.00"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "loss                         0.00    0.0%") {
		t.Errorf("the marks' cost is not taken off:\n%s", out)
	}
	if strings.Contains(out, "gather") {
		t.Errorf("a phase without marks is listed:\n%s", out)
	}
}

// TestMarks: with the counters built in, Since adds the time since the
// mark to its phase; without them it adds nothing.
func TestMarks(t *testing.T) {
	Reset()
	t0 := Now()
	for range 1000 {
		t0 = Since(Loss, t0)
	}
	got := Read()[Loss]
	if !Enabled {
		if got != (Total{}) {
			t.Fatalf("counted %+v without the build tag", got)
		}
		return
	}
	if got.Marks != 1000 || got.Nanos <= 0 {
		t.Fatalf("Loss = %+v, want 1000 marks and some time", got)
	}
	Reset()
	if Read()[Loss] != (Total{}) {
		t.Fatal("Reset left a total")
	}
}
