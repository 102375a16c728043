"""Keep the solver's native prints off standard output.

HiGHS (inside scipy) sometimes writes debug lines such as "HighsMipSolverData::transformNewIntegerFeasibleSolution
tmpSolver.run();" straight to file descriptor 1, whatever its output options say. Under `--json` that would put
text before the one JSON object, so every solve runs with descriptor 1 pointed at standard error.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_lock = threading.Lock()
_depth = 0
_saved = -1


@functools.cache
def _libc() -> ctypes.CDLL | None:
    with contextlib.suppress(OSError, TypeError):  # no C library to load (not POSIX)
        return ctypes.CDLL(None)
    return None


def _flush_native() -> None:
    """Flush C stdio buffers (printf, and std::cout synced with it) to the descriptors they name now."""
    libc = _libc()
    if libc is not None:
        with contextlib.suppress(AttributeError):
            libc.fflush(None)


@contextlib.contextmanager
def native_stdout_to_stderr() -> Iterator[None]:
    """Within the block, anything written to descriptor 1 goes to standard error. The redirection is process-wide
    (other threads' stdout goes to stderr meanwhile); nested and concurrent blocks restore stdout once, at the
    end of the last."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            sys.stdout.flush()
            _flush_native()
            saved = os.dup(1)
            try:
                os.dup2(2, 1)
            except OSError:
                os.close(saved)
                raise
            _saved = saved
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _flush_native()
                os.dup2(_saved, 1)
                os.close(_saved)


def quietly(fn: Callable[P, R]) -> Callable[P, R]:
    """FN with `native_stdout_to_stderr` around every call (for functions that run the solver)."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with native_stdout_to_stderr():
            return fn(*args, **kwargs)

    return run
