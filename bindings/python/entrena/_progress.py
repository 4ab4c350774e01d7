"""The one-line-per-epoch progress bar of verbose fits."""

import sys
import time


def _fmt_time(s):
    if s < 60:
        return "%.1fs" % s
    if s < 3600:
        return "%dm%02ds" % (s // 60, s % 60)
    return "%dh%02dm" % (s // 3600, s % 3600 // 60)


class ProgressBar:
    """verbose=1: a bar redrawn in place (at most ~10 times a second) while an
    epoch runs, with the running loss and the epoch's ETA, then a final line
    per finished epoch with its loss, time, metrics and validation metrics
    (no ETA: the epoch is done). On a stream that is not a terminal only the final lines
    are written. verbose=2: the final lines only."""

    WIDTH = 30

    def __init__(self, epochs, verbose=1, stream=None):
        self.stream = stream or sys.stdout
        self.epochs = epochs
        try:
            tty = self.stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        self.live = verbose == 1 and tty
        self.last_draw = 0.0

    def _bar(self, batch, batches):
        filled = self.WIDTH * batch // max(batches, 1)
        if filled >= self.WIDTH:
            return "=" * self.WIDTH
        return "=" * filled + ">" + "." * (self.WIDTH - filled - 1)

    def batch(self, epoch, batch, batches, cost, elapsed):
        if not self.live:
            return
        now = time.monotonic()
        if now - self.last_draw < 0.1 and batch != batches:
            return
        self.last_draw = now
        eta = elapsed / batch * (batches - batch) if batch else 0.0
        w = len(str(self.epochs))
        line = "Epoch %*d/%d [%s] %d/%d - loss %.6f - ETA %s" % (
            w, epoch, self.epochs, self._bar(batch, batches), batch, batches, cost, _fmt_time(eta))
        self.stream.write("\r" + line + "\x1b[K")
        self.stream.flush()

    def epoch_end(self, epoch, batches, cost, elapsed, val=None):
        w = len(str(self.epochs))
        line = "Epoch %*d/%d [%s] %d/%d - %s - loss %.6f" % (
            w, epoch, self.epochs, "=" * self.WIDTH, batches, batches, _fmt_time(elapsed), cost)
        if val is not None:
            line += "".join(" - %s %.4f" % kv if kv[0] != "val_loss" else " - val_loss %.6f" % kv[1]
                            for kv in val)
        self.stream.write(("\r" + line + "\x1b[K\n") if self.live else line + "\n")
        self.stream.flush()
