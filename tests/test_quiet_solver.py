"""Native prints during a solve (HiGHS writes debug lines to descriptor 1) land on stderr, never on stdout."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import ctypes, os, sys
from flexloop.decide.quiet import native_stdout_to_stderr, quietly
print("before", flush=True)
with native_stdout_to_stderr():
    os.write(1, b"raw-write\\n")
    ctypes.CDLL(None).printf(b"c-printf\\n")  # buffered by C stdio: must be flushed before stdout comes back
    with native_stdout_to_stderr():
        os.write(1, b"nested\\n")
    os.write(1, b"after-nested\\n")
quietly(lambda: os.write(1, b"decorated\\n"))()
print("after")
"""


def test_native_output_inside_the_block_goes_to_stderr_and_stdout_comes_back() -> None:
    r = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    assert r.stdout.split() == ["before", "after"]
    assert r.stderr.split() == ["raw-write", "c-printf", "nested", "after-nested", "decorated"]
