"""Portability: no POSIX-only module at import time; the build and state locks are the OS's own locks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from conftest import EXAMPLE, ROOT, Result

POSIX_ONLY = ("fcntl", "termios", "pwd", "grp", "resource", "tty", "pty", "syslog", "crypt")

# Import every module of the package with the POSIX-only modules missing, as on Windows.
IMPORT_ALL = f"""
import importlib, pkgutil, sys
for name in {POSIX_ONLY!r}:
    sys.modules[name] = None  # "import fcntl" now raises ImportError, as it does on Windows
import plan_calendar
failed = []
for module in pkgutil.walk_packages(plan_calendar.__path__, "plan_calendar."):
    if module.name.endswith("__main__"):
        continue  # runs the CLI
    try:
        importlib.import_module(module.name)
    except ImportError as exc:
        failed.append(f"{{module.name}}: {{exc}}")
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def test_no_module_needs_a_posix_only_module() -> None:
    done = subprocess.run([sys.executable, "-c", IMPORT_ALL], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


HOLD = """
import sys, time
from pathlib import Path
from plan_calendar.locking import exclusive
with exclusive(Path(sys.argv[1]), 5, "занято"):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_killed_holder_never_blocks_the_next_build(cli: Callable[..., Result], tmp_path: Path) -> None:
    """The lock is the OS's (released when its process dies), not a marker file a killed run would leave."""
    out = tmp_path / "public"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(out / ".plan-cal.lock")], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        os.kill(holder.pid, signal.SIGKILL)
    finally:
        holder.wait(timeout=30)
    assert (out / ".plan-cal.lock").exists(), "the lock file stays (waiters share it)"
    started = time.monotonic()
    result = cli("build", EXAMPLE, "--out", out, "--quiet")
    assert result.code == 0, result.err
    assert time.monotonic() - started < 30


def test_a_held_lock_is_waited_for_then_a_service_error(tmp_path: Path) -> None:
    from plan_calendar.errors import ServiceError
    from plan_calendar.locking import exclusive

    path = tmp_path / "state.sqlite3.lock"
    with exclusive(path, 1, "занято"):
        started = time.monotonic()
        try:
            with exclusive(path, 0.3, "другой запуск напоминаний не закончился"):
                raise AssertionError("a second holder got the lock")
        except ServiceError as exc:
            assert exc.exit_code == 3 and "не закончился" in exc.message
        assert time.monotonic() - started >= 0.3
