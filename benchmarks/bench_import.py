"""Speed of `plan-cal import` on a table whose titles repeat (every row «Консультация», «Заседание РМО», …).

Run: python benchmarks/bench_import.py [--rows 50000] [--runs 3]

Imports a CSV of ROWS rows and one of ROWS/4 rows and reports both, and the time per row of the larger over the
smaller: about 1 when proposing ids is linear (a proposal that searched for a free suffix from «-2» every time
made 50,000 rows take 438 s).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TITLES = ["Консультация", "Заседание РМО", "Книжная выставка", "Мониторинг фонда"]


def generate(path: Path, rows: int) -> None:
    lines = ["Мероприятие;Сроки"]
    lines += [f"{TITLES[n % len(TITLES)]};{1 + n % 28}.{1 + n % 12:02d}" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(source: Path, out: Path) -> float:
    command = [sys.executable, "-m", "plan_calendar", "import", str(source), "--year", "2019-2020", "--force"]
    start = time.perf_counter()
    subprocess.run([*command, "-o", str(out)], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        results = {}
        for rows in (options.rows // 4, options.rows):
            source = root / f"plan-{rows}.csv"
            generate(source, rows)
            results[rows] = statistics.median(timed(source, root / "plan.yaml") for _ in range(options.runs))
    small, large = options.rows // 4, options.rows
    for rows, seconds in results.items():
        print(f"import of {rows:6d} rows with repeated titles: {seconds:6.2f} s")
    ratio = (results[large] / large) / (results[small] / small)
    print(f"time per row, {large} rows over {small} rows: {ratio:.2f} (about 1 when linear; start-up counts)")


if __name__ == "__main__":
    main()
