"""A terminal progress bar (tqdm) fed by the ``progress(fraction, message)`` callbacks of
indexing; used by the CLI and by ``app.py`` at start-up."""

from __future__ import annotations

import sys
from types import TracebackType


class ProgressBar:
    """``with ProgressBar("indexing") as bar: assistant.index(paths, bar)``."""

    def __init__(self, description: str = "", enabled: bool = True) -> None:
        from tqdm import tqdm

        self._bar = tqdm(total=100, unit="%", desc=description or None, disable=not enabled, file=sys.stderr,
                         bar_format="{l_bar}{bar}| {n:.0f}% [{elapsed}<{remaining}] {postfix}")

    def __call__(self, fraction: float, message: str) -> None:
        self._bar.n = round(fraction * 100)
        self._bar.set_postfix_str(message[:60])
        self._bar.refresh()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._bar.close()
