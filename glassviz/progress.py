"""Progress bars with ETA (tqdm) and the library's logging: one helper for every long loop.

Bars
----
:func:`progress` wraps an iterable (or counts to a total) in a tqdm bar on stderr with the
elapsed time and the ETA; batch jobs, ``evaluate``, ``classify``, the training epochs and
``simulate`` all use it, so they look alike and ``--quiet`` turns every one off::

    for path in progress(files, "evaluate", unit="file"):
        ...
    with progress(total=n, desc="simulate", unit="config") as bar:
        bar.update(1)

On a terminal the bar redraws in place (at most every 0.5 s); when stderr is a file or a pipe
(batch schedulers, CI logs) it writes a whole line at most every 30 s instead of carriage
returns.  ``enabled=None`` follows the process-wide switch :func:`set_progress` (on by default;
the CLI turns it off with ``--quiet``).

Logging
-------
The library reports through the standard :mod:`logging` module, under the logger ``glassviz``
and its children (``glassviz.simulate``, ``glassviz.train``, ...), and never prints; a program
embedding glassviz configures those loggers like any others.  The ``glassviz`` command calls
:func:`configure_logging` once: one line per message on stderr, ``glassviz: MESSAGE`` (or
``PREFIX: MESSAGE`` for a record logged with ``extra={"prefix": PREFIX}``), level INFO, WARNING
with ``--quiet``; messages are written above any running bar instead of through it.
"""

from __future__ import annotations

import logging
import sys

LOGGER = "glassviz"
TTY_INTERVAL = 0.5  # s between redraws on a terminal
LOG_INTERVAL = 30.0  # s between lines when stderr is a file or a pipe

_enabled = True


def get_logger(name: str | None = None) -> logging.Logger:
    """The ``glassviz`` logger, or its child ``glassviz.NAME``."""
    return logging.getLogger(LOGGER if not name else f"{LOGGER}.{name}")


def set_progress(enabled: bool) -> None:
    """Turn progress bars on or off for this process (``enabled=None`` bars follow it)."""
    global _enabled
    _enabled = bool(enabled)


def progress_enabled() -> bool:
    return _enabled


class _LineStream:
    """A file-like stream for tqdm when stderr is not a terminal: each refresh becomes one whole
    line (no carriage returns piling up in a log file)."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> None:
        line = text.replace("\r", "").strip()
        if line:
            self.stream.write(line + "\n")

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return False


def _is_tty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def progress(iterable=None, desc: str = "", enabled: bool | None = None, *, total: float | None = None,
             unit: str = "it", stream=None, **options):
    """A tqdm progress bar with ETA on stderr.

    Parameters
    ----------
    iterable : an iterable to wrap, or an int used as ``total`` (then update the bar by hand).
    desc : the label in front of the bar.
    enabled : True/False, or None to follow :func:`set_progress` (``--quiet`` turns it off).
    total : the number of steps (default ``len(iterable)`` when it has one).
    unit : what one step is (``file``, ``snapshot``, ``epoch``, ``config``).
    stream : where to draw (default: ``sys.stderr`` at call time).
    options : passed on to ``tqdm`` (``initial``, ``leave``, ``bar_format``, ``smoothing``, ...).

    Returns
    -------
    tqdm.tqdm : iterate over it, or call ``update(n)`` / ``set_postfix_str`` and ``close()``
    (also a context manager).  Disabled, it is tqdm's no-op bar: iterating it costs nothing extra.
    """
    from tqdm import tqdm

    if isinstance(iterable, (int, float)) and not isinstance(iterable, bool):
        iterable, total = None, iterable
    if enabled is None:
        enabled = _enabled
    stream = stream if stream is not None else sys.stderr
    tty = _is_tty(stream)
    options.setdefault("mininterval", TTY_INTERVAL if tty else LOG_INTERVAL)
    options.setdefault("dynamic_ncols", tty)
    if not tty:
        options.setdefault("ncols", 100)
    return tqdm(iterable, desc=desc or None, total=total, unit=unit, disable=not enabled,
                file=stream if tty else _LineStream(stream), **options)


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        prefix = getattr(record, "prefix", None) or LOGGER
        text = f"{prefix}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            text += f" ({exc.__class__.__name__}: {exc})"
        return " ".join(text.splitlines())  # one line per message


class _BarAwareHandler(logging.Handler):
    """Writes each record as one line on stderr (looked up at write time), above running bars."""

    def __init__(self, stream=None):
        super().__init__()
        self.stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        try:
            from tqdm import tqdm

            stream = self.stream if self.stream is not None else sys.stderr
            tqdm.write(self.format(record), file=stream)
            stream.flush()
        except Exception:  # noqa: BLE001 - logging must never raise
            self.handleError(record)


def configure_logging(quiet: bool = False, stream=None) -> logging.Logger:
    """The command line's logging set-up (called once per command; calling it again replaces
    the earlier set-up): ``glassviz`` records as one line each on stderr, level INFO (WARNING
    when ``quiet``); progress bars off when ``quiet``."""
    log = get_logger()
    for handler in [h for h in log.handlers if getattr(h, "_glassviz_cli", False)]:
        log.removeHandler(handler)
    handler = _BarAwareHandler(stream)
    handler._glassviz_cli = True
    handler.setFormatter(_Formatter())
    log.addHandler(handler)
    log.setLevel(logging.WARNING if quiet else logging.INFO)
    set_progress(not quiet)
    return log
