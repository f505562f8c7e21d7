"""Speed of `plan-cal build` on a generated plan of 20,000 items of mixed shapes.

Run: python benchmarks/bench_build.py [--items 20000] [--runs 5]

Reports medians of several runs, measured in the same run:
- baseline: icalendar's own Calendar.to_ical() of the same events (the feed parsed back, then serialised);
- build: the whole `plan-cal build` (a fresh process: start-up, YAML, grammar, display policy, rendering,
  writing) into an empty folder, and its ratio to the baseline (aim: at most 2x);
- rebuild: the same command again with nothing changed (aim: writes nothing; the feed's mtime is checked).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import icalendar
from babel.dates import get_month_names

SHAPES = [
    "{d}.{m:02d}",
    "{d} {gm}",
    "до {d} {gm}",
    "{d}-{d2} {gm}",
    "{nm}",
    "начало {gm}",
    "{d}.{m:02d} {h}:00",
    "по средам",
    "2-я среда каждого месяца",
    "{d}.{m:02d}, {d2}.{m:02d}",
    "{nm}, {nm2}",
    "в течение года",
    "по мере необходимости",
    "I четверть",
]
GENITIVE = [str(get_month_names("wide", context="format", locale="ru")[m]) for m in range(1, 13)]
NOMINATIVE = [str(get_month_names("wide", context="stand-alone", locale="ru")[m]) for m in range(1, 13)]
KINDS = ["meeting", "seminar", "event", "campaign", "deadline", "task", "consultation"]


def generate(path: Path, items: int) -> None:
    lines = [
        "plan: Нагрузочный план",
        "id: bench",
        'academic_year: "2019-2020"',
        "terms:",
        "  - {name: I четверть, start: 2019-09-02, end: 2019-10-27}",
        "items:",
    ]
    for n in range(items):
        m = 1 + n % 12
        when = SHAPES[n % len(SHAPES)].format(
            d=1 + n % 27,
            d2=2 + n % 27,
            m=m,
            gm=GENITIVE[m - 1],
            nm=NOMINATIVE[m - 1],
            nm2=NOMINATIVE[(m + 2) % 12],
            h=9 + n % 8,
        )
        lines.append(
            f'  - id: item-{n}\n    title: "Мероприятие номер {n}: семинар, совещание или срок"\n'
            f'    when: "{when}"\n    kind: {KINDS[n % len(KINDS)]}\n'
            f"    responsible: [Ответственный {n % 40}]\n    tags: [метка-{n % 7}]"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        plan = root / "plan.yaml"
        generate(plan, options.items)
        command = [sys.executable, "-m", "plan_calendar", "build", str(plan), "--quiet", "--out"]
        builds, rebuilds, baselines = [], [], []
        for run in range(options.runs):
            out = root / f"out{run}"
            builds.append(timed([*command, str(out)]))
            feed = out / "bench.ics"
            stat = feed.stat()
            rebuilds.append(timed([*command, str(out)]))
            assert feed.stat().st_mtime_ns == stat.st_mtime_ns, "a no-change rebuild must not rewrite the feed"
            cal = icalendar.Calendar.from_ical(feed.read_bytes())
            start = time.perf_counter()
            cal.to_ical()
            baselines.append(time.perf_counter() - start)
        events = len(list(cal.walk("VEVENT")))
    base, build, rebuild = (statistics.median(x) for x in (baselines, builds, rebuilds))
    print(f"plan of {options.items} items -> {events} events; medians of {options.runs} runs")
    print(f"baseline Calendar.to_ical() of the same events: {base:6.2f} s")
    print(f"plan-cal build (whole process, empty folder):   {build:6.2f} s  = {build / base:.2f}x baseline (aim <= 2x)")
    print(f"plan-cal build again, nothing changed:          {rebuild:6.2f} s  = {rebuild / base:.2f}x; wrote nothing")
    print(f"(cpu count {os.cpu_count()})")


if __name__ == "__main__":
    main()
