package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/v1tr0/entrena/core"
)

// epochSnapshot keeps the parameters at the end of the last finished
// epoch, so that a training stopped by Ctrl-C mid-epoch can still save a
// model that went through whole epochs only.
type epochSnapshot struct {
	params []float32
	epoch  int // 0: none taken yet
}

// take copies the network's parameters at the end of epoch (from Fit's
// progress callback, which may call the network).
func (s *epochSnapshot) take(net *core.Network, epoch int) {
	if s.params == nil {
		s.params = make([]float32, net.ParamCount())
	}
	if _, err := net.CopyParams(s.params); err == nil {
		s.epoch = epoch
	}
}

// interruptedName is where the model of a stopped training goes: the --out
// name with the epoch and "interrupted" before its extension, so that it
// never replaces a finished model (model.entrena → model.epoch3-interrupted.entrena).
func interruptedName(out string, epoch int) string {
	ext := filepath.Ext(out)
	return fmt.Sprintf("%s.epoch%d-interrupted%s", strings.TrimSuffix(out, ext), epoch, ext)
}

// saveInterrupted writes what a stopped training finished: the history and
// plot of its whole epochs and, with --out, the model after the last of
// them. It returns what it saved, for the interrupt message.
func (s *session) saveInterrupted(w io.Writer, net *core.Network, h core.History, reg *regressTrack, snap *epochSnapshot) (string, error) {
	done := len(h.Cost)
	if done == 0 {
		return "no epoch finished, nothing saved", nil
	}
	var saved []string
	if snap != nil && snap.epoch == done {
		if err := net.SetParams(snap.params); err != nil {
			return "", err
		}
		path := interruptedName(s.o.out, done)
		if err := saveModel(w, path, net, s.schema()); err != nil {
			return "", err
		}
		saved = append(saved, fmt.Sprintf("the model after epoch %d (%s)", done, path))
	}
	keep := *s.o
	keep.out = "" // saved above under its own name
	o := s.o
	s.o = &keep
	err := s.save(w, net, h, reg)
	s.o = o
	if err != nil {
		return "", err
	}
	if s.o.history != "" || s.o.plot != "" {
		saved = append(saved, fmt.Sprintf("the history of the %d finished epoch%s", done, plural(done)))
	}
	if len(saved) == 0 {
		return fmt.Sprintf("%d epoch%s finished; nothing was asked to be saved", done, plural(done)), nil
	}
	return "saved " + strings.Join(saved, " and "), nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
