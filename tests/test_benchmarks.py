"""The benchmarks still run (tiny sizes; no timing is asserted: speed is measured by running them, see README)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.parametrize(
    ("script", "args", "expected"),
    [
        ("bench_grammar.py", ["--expressions", "300", "--runs", "1"], "plan-cal check example:"),
        ("bench_reminders.py", ["--items", "60", "--runs", "1", "--ledger-sizes", "0,500"], "ledger       500 rows"),
        ("bench_build.py", ["--items", "120", "--runs", "1"], "plan-cal build again, nothing changed"),
        ("bench_import.py", ["--rows", "400", "--runs", "1"], "time per row, 400 rows over 100 rows"),
        (
            "bench_ledger.py",
            [
                "--plans",
                "3",
                "--items",
                "20",
                "--recipients",
                "2",
                "--runs",
                "1",
                "--ledger-sizes",
                "0,300",
                "--no-postgresql",
            ],
            "sqlite     ledger       300 rows",
        ),
    ],
)
def test_benchmark_runs(script: str, args: list[str], expected: str) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout, result.stdout


def test_the_ledger_benchmark_runs_on_postgresql(pg_url: str) -> None:
    args = ["--plans", "3", "--items", "20", "--recipients", "2", "--runs", "1", "--ledger-sizes", "0,300"]
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_ledger.py"), *args, "--postgresql", pg_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "postgresql ledger       300 rows" in result.stdout, result.stdout
