package phase

import (
	"strings"
	"testing"
)

// TestTable: per-step microseconds and shares of the summed phases; pool
// wait, inside the others, is listed but not summed; phases without marks
// are left out.
func TestTable(t *testing.T) {
	var tot Totals
	tot.Phase[ForwardProduct] = Total{Nanos: 3_000_000, Marks: 300}
	tot.Layer[ForwardProduct][0] = Total{Nanos: 2_100_000, Marks: 100}
	tot.Layer[ForwardProduct][1] = Total{Nanos: 900_000, Marks: 200}
	tot.Phase[WeightProduct] = Total{Nanos: 1_000_000, Marks: 300}
	tot.Phase[PoolWait] = Total{Nanos: 500_000, Marks: 10}
	var s strings.Builder
	tot.Phase[Loss] = Total{Nanos: 100_000, Marks: 100}
	table(&s, tot, 100, 1000) // the loss's marks cost all its time
	out := s.String()
	for _, want := range []string{"forward product             27.00   79.4%", "weight product               7.00   20.6%", "pool wait (within)           4.90   14.4%", "sum                         34.00", "  layer 1                   20.00   58.8%", "  layer 2                    7.00   20.6%"} {
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
	for range 10 {
		t0 = SinceLayer(Loss, 7, t0)
	}
	got := Read().Phase[Loss]
	if !Enabled {
		if got != (Total{}) {
			t.Fatalf("counted %+v without the build tag", got)
		}
		return
	}
	if got.Marks != 1010 || got.Nanos <= 0 {
		t.Fatalf("Loss = %+v, want 1010 marks and some time", got)
	}
	if deep := Read().Layer[Loss][Layers-1]; deep.Marks != 10 || deep.Nanos <= 0 || deep.Nanos > got.Nanos {
		t.Fatalf("Loss of layer 8 = %+v, want 10 marks in the last row, within the phase's time", deep)
	}
	Reset()
	if Read() != (Totals{}) {
		t.Fatal("Reset left a total")
	}
}

// TestSubAdd: the totals between two reads, added up, give the whole.
func TestSubAdd(t *testing.T) {
	var a, b Totals
	a.Phase[Gather] = Total{5, 1}
	a.Layer[Gather][2] = Total{5, 1}
	b.Phase[Gather] = Total{12, 3}
	b.Layer[Gather][2] = Total{9, 2}
	d := b.Sub(a)
	if d.Phase[Gather] != (Total{7, 2}) || d.Layer[Gather][2] != (Total{4, 1}) {
		t.Fatalf("Sub = %+v", d)
	}
	if d.Add(a) != b {
		t.Fatalf("Add(Sub) = %+v, want %+v", d.Add(a), b)
	}
}
