"""Speed of reading dates, and of `plan-cal check` on the example plan.

Run: python benchmarks/bench_grammar.py [--runs 5]

1. Reads 100,000 distinct expressions of every shape (explicit years make them distinct) and reports
   expressions per second: the median of several runs.
2. Times whole processes, median of several runs each, in the same run:
   `python -c pass` (the interpreter), `python -c "import plan_calendar"`, and
   `plan-cal check examples/rmo-2019-2020.yaml`; reports check minus interpreter and check / import.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import subprocess
import sys
import time
from pathlib import Path

from babel.dates import get_month_names

from plan_calendar import AcademicYear, read_when

ROOT = Path(__file__).resolve().parent.parent
GENITIVE = [str(get_month_names("wide", context="format", locale="ru")[m]) for m in range(1, 13)]
NOMINATIVE = [str(get_month_names("wide", context="stand-alone", locale="ru")[m]) for m in range(1, 13)]
TEMPLATES = [
    "{d}.{m:02d}.{y}",
    "{d} {gm} {y}",
    "{d} {gm} {y} г.",
    "до {d} {gm} {y}",
    "не позднее {d}.{m:02d}.{y}",
    "{nm} {y}",
    "в {nm} {y}",
    "с {d} {gm} {y} по {d2} {gm} {y}",
    "{d}-{d2} {gm} {y}",
    "{d}.{m:02d}.{y} {h}:00",
    "начало {gm} {y}",
    "{d} {gm} {y}, {d2} {gm} {y}",
]
UNDATED = [
    "по плану",
    "по мере необходимости",
    "по графику",
    "в течение года",
    "по средам",
    "ежемесячно",
    "1 раз в четверть",
    "I четверть",
    "девраль",
]


def expressions(n: int) -> list[str]:
    """n distinct expressions; a tenth are the fixed shapes (recurrences, terms, typos) repeated."""
    out: list[str] = []
    seen: set[str] = set()
    for y, m, d, template in itertools.product(range(1950, 2150), range(1, 13), range(1, 28), TEMPLATES):
        text = template.format(d=d, d2=d + 1, m=m, y=y, gm=GENITIVE[m - 1], nm=NOMINATIVE[m - 1], h=8 + d % 10)
        if text not in seen:
            seen.add(text)
            out.append(text)
        if len(out) >= n * 9 // 10:
            break
    out.extend(UNDATED[i % len(UNDATED)] for i in range(n - len(out)))
    return out


def bench_grammar(runs: int, n: int) -> float:
    texts = expressions(n)
    year = AcademicYear(2019)
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        for text in texts:
            read_when(text, year)
        rates.append(len(texts) / (time.perf_counter() - start))
    return statistics.median(rates)


def bench_process(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--expressions", type=int, default=100_000)
    options = parser.parse_args()
    rate = bench_grammar(options.runs, options.expressions)
    print(f"grammar: {options.expressions} distinct expressions, median {rate:,.0f} expressions/s (aim: >= 20,000)")
    py = sys.executable
    bare = bench_process([py, "-c", "pass"], options.runs * 2)
    imported = bench_process([py, "-c", "import plan_calendar"], options.runs * 2)
    check = bench_process([py, "-m", "plan_calendar", "check", "examples/rmo-2019-2020.yaml"], options.runs * 2)
    print(f"interpreter start:          {bare * 1000:7.1f} ms")
    print(f"import plan_calendar:       {imported * 1000:7.1f} ms")
    print(
        f"plan-cal check example:     {check * 1000:7.1f} ms  ({(check - bare) * 1000:.1f} ms on top of the "
        f"interpreter, aim < 500 ms; {check / imported:.2f}x the bare import)"
    )


if __name__ == "__main__":
    main()
