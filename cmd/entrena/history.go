package main

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/v1tr0/entrena/core"
)

// historyCSV formats a training history: one row per epoch with the loss
// and, when there was test data, the test loss and accuracy, or for
// regression (reg, one per epoch) the test RMSE, MAE and R².
func historyCSV(h core.History, reg []scores) []byte {
	var b bytes.Buffer
	test := len(h.ValLoss) == len(h.Cost) && len(h.Cost) > 0
	regression := test && len(reg) == len(h.Cost)
	b.WriteString("epoch,loss")
	switch {
	case regression:
		b.WriteString(",test_loss,test_rmse,test_mae,test_r2")
	case test:
		b.WriteString(",test_loss,test_accuracy")
	}
	b.WriteByte('\n')
	for i, c := range h.Cost {
		fmt.Fprintf(&b, "%d,%s", i+1, num(c))
		switch {
		case regression:
			fmt.Fprintf(&b, ",%s,%s,%s,%s", num(h.ValLoss[i]), num64(reg[i].rmse), num64(reg[i].mae), num64(reg[i].r2))
		case test:
			fmt.Fprintf(&b, ",%s,%s", num(h.ValLoss[i]), num(h.ValAcc[i]))
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func num64(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

// sweepCSV formats the loss histories of a sweep side by side: one column
// per learning rate, empty cells after a run ended (diverged).
func sweepCSV(runs []sweepRun) []byte {
	var b bytes.Buffer
	b.WriteString("epoch")
	rows := 0
	for _, r := range runs {
		fmt.Fprintf(&b, ",loss_lr_%s", num(r.lr))
		rows = max(rows, len(r.hist.Cost))
	}
	b.WriteByte('\n')
	for i := range rows {
		cells := []string{strconv.Itoa(i + 1)}
		for _, r := range runs {
			c := ""
			if i < len(r.hist.Cost) {
				c = num(r.hist.Cost[i])
			}
			cells = append(cells, c)
		}
		b.WriteString(strings.Join(cells, ","))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func num(v float32) string { return strconv.FormatFloat(float64(v), 'g', -1, 32) }
