"""The overview page in a real browser: headless Chromium (Debian's) opens it from `plan-cal serve`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from conftest import EXAMPLE, ROOT, Result
from smtpserver import free_port

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_the_page_in_chromium(cli: Callable[..., Result], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is needed (.ci/run installs it)"
    plan = tmp_path / "rmo-2019-2020.yaml"
    shutil.copy(EXAMPLE, plan)
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        'plan: Дополнительный план\nid: extra\nacademic_year: "2019-2020"\nitems:\n'
        "  - {id: a, title: Консультации по запросу, when: по мере необходимости}\n",
        encoding="utf-8",
    )
    config = tmp_path / "plan-cal.toml"
    config.write_text('[calendar]\nurl = "https://plan.example.org/"\n', encoding="utf-8")
    out = tmp_path / "public"
    assert cli("build", plan, extra, "--out", out, "--config", config).code == 0
    readings = json.loads(cli("check", "--json", plan).out)["items"]

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "plan_calendar", "serve", "--dir", str(out), "--port", str(port)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        env={**os.environ},
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(url)
            assert page.title().startswith("План работы РМО педагогов-библиотекарей")
            assert page.locator("h1").inner_text() == "Планы работы"
            links = page.locator("a[href^='webcal://']")
            assert links.count() == 2
            assert links.first.get_attribute("href") == "webcal://plan.example.org/rmo-2019-2020.ics"
            assert "https://plan.example.org/rmo-2019-2020.ics" in page.locator("code").first.inner_text()
            for item in readings:
                month = item["reading"]["start"][:7]
                section = page.locator(f'section.month[data-month="{month}"]').first
                assert item["title"] in section.inner_text(), (item["title"], month)
            assert "Консультации по запросу — «по мере необходимости»" in page.inner_text("body")
            assert "«девраль» прочитано как «февраль»" in page.inner_text("body")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
            page.set_viewport_size({"width": 390, "height": 844})  # a phone
            page.screenshot(path=str(ARTIFACTS / "overview-phone.png"))
            assert page.evaluate("document.documentElement.scrollWidth") <= 400, "no sideways scrolling on a phone"
            browser.close()
    finally:
        server.terminate()
        server.communicate(timeout=10)
    assert (ARTIFACTS / "overview.png").stat().st_size > 10_000
