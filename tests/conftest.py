"""Shared fixtures: run the CLI in-process through its public entry point."""

from __future__ import annotations

import errno
import itertools
import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pgcluster import Cluster, find_bindir
from plan_calendar.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLE = ROOT / "examples" / "rmo-2019-2020.yaml"


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run ``plan-cal ARGS`` as a user would and return its exit code, stdout and stderr."""
    monkeypatch.setenv("COLUMNS", "120")

    def run(*args: str | Path) -> Result:
        capsys.readouterr()
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def write_plan(tmp_path: Path) -> Callable[[str], Path]:
    """Write a plan file from YAML text and return its path."""

    def write(text: str, name: str = "plan.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """Mount a tiny tmpfs: a disk that really fills up (ENOSPC), or a read-only one (EROFS). Root is needed to
    mount; elsewhere the tests that need it are skipped (a root owns every folder, so chmod cannot stand in)."""
    mounted: list[Path] = []

    def mount(name: str, size: str = "64k", *, read_only: bool = False) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        options = f"size={size},mode=0755" + (",ro" if read_only else "")
        command = ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)]
        try:
            done = subprocess.run(command, check=False, capture_output=True)
        except FileNotFoundError:
            pytest.skip("no mount command here")
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
        mounted.append(folder)
        return folder

    yield mount
    for folder in mounted:
        subprocess.run(["umount", str(folder)], check=True)


def fill(folder: Path) -> Path:
    """Fill the disk under ``folder`` to the last byte; the filler file, to delete to free the space."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"x" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC, exc
    try:  # the last partial page
        while os.write(fd, b"x"):
            pass
    except OSError as exc:
        assert exc.errno == errno.ENOSPC, exc
    finally:
        os.close(fd)
    return filler


# ----------------------------------------------------------------------------- the ledgers: SQLite and PostgreSQL
STATES: dict[Path, str] = {}  # a test's folder -> its `state` (set by the `state` fixture; SQLite by default)
_databases = itertools.count(1)


def state_for(folder: Path) -> str:
    """The `state` value a test's config in ``folder`` uses: its PostgreSQL database, or a SQLite file there."""
    return STATES.get(folder, "state.sqlite3")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A PostgreSQL server of the tests' own (tests/pgcluster.py). Without PostgreSQL installed the tests that use
    it are skipped, saying why; in CI (CI=true) they fail instead, since there they must run."""
    bindir = find_bindir()
    if bindir is None:
        reason = (
            "PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin, $PG_BINDIR or PATH): the tests "
            "of the PostgreSQL ledger need a real server; install Debian's postgresql package to run them"
        )
        if in_ci():
            pytest.fail(f"{reason}. CI=true: in CI they must run, not be skipped.", pytrace=False)
        pytest.skip(reason)
    cluster = Cluster(bindir)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def pg_url(pg_cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new, empty database on the test cluster; its password in PGPASSWORD, as libpq reads it."""
    monkeypatch.setenv("PGPASSWORD", pg_cluster.password)
    return pg_cluster.create_database(f"test_{os.getpid()}_{next(_databases)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def state(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Runs a test once with each ledger: the `state` of its config (see :func:`state_for`)."""
    value = request.getfixturevalue("pg_url") if request.param == "postgresql" else "state.sqlite3"
    STATES[tmp_path] = value
    yield value
    del STATES[tmp_path]
