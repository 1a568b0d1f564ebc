"""A progress bar on stderr for long builds: shown on a terminal, silent in CI, pipes and tests."""
from __future__ import annotations

import os
import sys
import time


class Progress:
    def __init__(self, label: str, total: int, *, stream=None, enabled: bool | None = None, min_seconds: float = 1.0):
        self.label, self.total = label, max(total, 1)
        self.stream = stream or sys.stderr
        if enabled is None:
            enabled = self.stream.isatty() and os.environ.get("CI", "").lower() not in ("true", "1")
        self.enabled = enabled
        self.start = time.monotonic()
        self.min_seconds = min_seconds  # a bar for work that ends at once is noise
        self._last = 0.0
        self._shown = False

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < self.min_seconds or (now - self._last < 0.1 and done < self.total):
            return
        self._last, self._shown = now, True
        frac = min(done / self.total, 1.0)
        bar = "#" * int(frac * 30)
        rate = done / (now - self.start)
        eta = (self.total - done) / rate if rate > 0 else 0
        self.stream.write(f"\r{self.label:<12} [{bar:<30}] {frac:4.0%} {done}/{self.total}  ETA {eta:4.0f} s\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self._shown:
            self.stream.write(f"\r{self.label:<12} done in {time.monotonic() - self.start:.1f} s\x1b[K\n")  # [K: clear the rest
            self.stream.flush()
