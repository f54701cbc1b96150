"""A one-line progress display on stderr for long imports, and nothing when stderr is not
a terminal (logs and CI get the summary only)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``ctgov [#######.............]  1234/4000  path/of/current/file``"""

    def __init__(
        self,
        label: str,
        total: int,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        interval: float = 0.1,
    ) -> None:
        self.label = label
        self.total = max(total, 1)
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.interval = interval
        self.done = 0
        self._last = 0.0
        self._width = 0

    def __call__(self, name: str) -> None:
        self.done += 1
        now = time.monotonic()
        if not self.enabled or (now - self._last < self.interval and self.done < self.total):
            return
        self._last = now
        filled = 20 * min(self.done, self.total) // self.total
        bar = "#" * filled + "." * (20 - filled)
        line = f"{self.label} [{bar}] {self.done:>6}/{self.total}  {name[-50:]}"
        self.stream.write("\r" + line.ljust(self._width))
        self._width = len(line)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
