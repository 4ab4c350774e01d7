package pool

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSitesRemembered: each kind of call keeps its slot (and its inline
// cost) while up to siteSlots kinds recur; a new kind takes the least
// recently used slot.
func TestSitesRemembered(t *testing.T) {
	var q policy
	tasks := make([]workerTask, siteSlots+1)
	slot := map[int]*site{}
	for round := 0; round < 3; round++ {
		for i := 0; i < siteSlots; i++ {
			s := q.site(&tasks[i], 100+i, 1)
			if round == 0 {
				require.True(t, s.sampleDue(), "a new kind is sampled first")
				s.sampled(time.Duration(i+1) * time.Microsecond)
				slot[i] = s
			}
			require.Same(t, slot[i], s, "kind %d moved in round %d", i, round)
			require.Equal(t, time.Duration(i+1)*time.Microsecond, s.inline)
		}
	}
	// The same task with another length or unit is another kind.
	require.NotSame(t, slot[3], q.site(&tasks[3], 103, 2))
	// That evicted kind 0, the least recently used; kind 1 is still there.
	require.Same(t, slot[1], q.site(&tasks[1], 101, 1))
	s := q.site(&tasks[0], 100, 1)
	require.Zero(t, s.inline, "an evicted kind is measured again")
}

// TestSampling: a kind is sampled inline every sampleEvery parallel calls,
// every sampleSettled once it has settledSamples samples; the inline cost
// is a moving average.
func TestSampling(t *testing.T) {
	var s site
	require.True(t, s.sampleDue())
	s.sampled(100 * time.Microsecond)
	require.Equal(t, 100*time.Microsecond, s.inline)
	s.sampled(200 * time.Microsecond)
	require.Equal(t, 125*time.Microsecond, s.inline)
	for i := 0; i < sampleEvery-1; i++ {
		s.since++
		require.False(t, s.sampleDue())
	}
	s.since++
	require.True(t, s.sampleDue())
	s.sampled(time.Microsecond)
	s.sampled(time.Microsecond)
	for i := 0; i < sampleSettled-1; i++ {
		s.since++
		require.False(t, s.sampleDue(), "settled kind sampled after %d calls", i+1)
	}
	s.since++
	require.True(t, s.sampleDue())
}
