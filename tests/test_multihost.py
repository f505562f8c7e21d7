"""Several hosts on one ledger, with real processes, a real PostgreSQL server and aiosmtpd: a run killed with SIGKILL
in the middle of a batch, two cron lines at the same minute, the database restarted during a run. Every reminder
arrives; none twice, except the documented case (a run that died after the server accepted a letter and before it
recorded it), and then as a copy with the same Message-ID."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT
from pgcluster import Cluster
from smtpserver import Server
from test_scheduler import MOSCOW, Service, _wait

RECIPIENTS = tuple(f"r{n:02d}@example.org" for n in range(40))
AT = "2019-09-16T09:00"  # the example plan's 14-day reminder of 30 September: one letter to each recipient


@pytest.fixture
def server() -> Iterator[Server]:
    with Server() as s:
        s.recorder.behaviour.delay_data = 0.1  # a batch of 40 letters takes seconds: time to kill a run in it
        yield s


def _config(tmp_path: Path, port: int, state: str, plan: Path = EXAMPLE, extra: str = "") -> Path:
    path = tmp_path / "plan-cal.toml"
    listed = ", ".join(f'"{r}"' for r in RECIPIENTS)
    path.write_text(
        f'plans = ["{plan}"]\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
        f'sender = "РМО <rmo@example.org>"\ntimeout = 0.5\n'
        f'[reminders]\nrecipients = [{listed}]\nstate = "{state}"\nlease = 3\nretry = 0.5\n{extra}',
        encoding="utf-8",
    )
    return path


def _remind(config: Path, at: str = AT) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "plan_calendar", "remind", "--config", str(config), "--at", at],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )


def _deliveries(server: Server) -> dict[str, list[str]]:
    """Recipient -> the Message-IDs of the letters they got."""
    out: dict[str, list[str]] = {}
    for message in server.recorder.parsed():
        out.setdefault(str(message["To"]), []).append(str(message["Message-ID"]))
    return out


def _assert_each_arrived_once_or_as_a_copy(server: Server) -> int:
    """Every recipient got their letter; a second one only as a copy with the same Message-ID. Returns the copies."""
    got = _deliveries(server)
    assert sorted(got) == sorted(RECIPIENTS), f"missing: {sorted(set(RECIPIENTS) - set(got))}"
    copies = 0
    for recipient, ids in got.items():
        assert len(ids) <= 2, f"{recipient} got {len(ids)} letters"
        assert len(set(ids)) == 1, f"{recipient} got different letters: {ids}"
        copies += len(ids) - 1
    return copies


def _kill_after(process: subprocess.Popen[str], server: Server, letters: int) -> None:
    assert _wait(lambda: len(server.recorder.messages) >= letters or process.poll() is not None, 60)
    assert process.poll() is None, f"the run ended before it could be killed mid-batch: {process.communicate()}"
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL


def test_two_schedulers_one_killed_in_the_middle_of_a_batch(tmp_path: Path, pg_url: str, server: Server) -> None:
    send = datetime.now(MOSCOW).replace(microsecond=0) + timedelta(seconds=10)
    event = send.date() + timedelta(days=1)
    first = event.year if event.month >= 9 else event.year - 1
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        f'plan: План\nid: p\nacademic_year: "{first}-{first + 1}"\nitems:\n'
        f'  - {{id: zasedanie, title: "Заседание РМО", when: "{event:%d.%m.%Y}"}}\n',
        encoding="utf-8",
    )
    config = _config(
        tmp_path,
        server.port,
        pg_url,
        plan,
        f'before_event = ["1d"]\nworking_days_only = false\nsend_at = "{send:%H:%M:%S}"\n',
    )
    one, two = Service(config), Service(config)
    try:
        assert _wait(lambda: "следующая отправка" in one.log and "следующая отправка" in two.log, 30)
        assert datetime.now(MOSCOW) < send, "both services must be waiting for the send time"
        _kill_after(one.process, server, 10)
        # The survivor finishes the batch, and after the lease takes over the letter the killed one held.
        assert _wait(lambda: set(_deliveries(server)) == set(RECIPIENTS), 60), two.log
        time.sleep(1)
    finally:
        code, log = two.stop()
        if one.process.poll() is None:
            one.process.kill()
    assert code == 0, log
    assert "Traceback" not in log
    _assert_each_arrived_once_or_as_a_copy(server)


@pytest.mark.parametrize("kill", [False, True], ids=["both-live", "one-killed"])
def test_two_cron_runs_at_the_same_minute(state: str, kill: bool, tmp_path: Path, server: Server) -> None:
    config = _config(tmp_path, server.port, state)
    runs = [_remind(config), _remind(config)]
    if kill:
        _kill_after(runs[0], server, 10)
    for run in runs[kill:]:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    if kill:
        time.sleep(3.5)  # the lease of the killed run's claim
        _, err = _remind(config, "2019-09-16T09:15").communicate(timeout=120)  # cron's next line
        assert "Traceback" not in err
    copies = _assert_each_arrived_once_or_as_a_copy(server)
    if not kill:
        assert copies == 0, "two live runs share the batch: nothing twice"


def test_a_run_killed_after_the_server_accepted_resends_the_same_letter_once(
    state: str, tmp_path: Path, server: Server
) -> None:
    """The documented case, made to happen: the server keeps the fifth letter and kills the run before it answers
    250, so the run never records it. The next run after the lease sends it again, as the same letter."""
    config = _config(tmp_path, server.port, state)
    run = _remind(config)

    def kill_the_run() -> None:
        if len(server.recorder.messages) == 5:
            run.send_signal(signal.SIGKILL)

    server.recorder.behaviour.on_accept = kill_the_run
    assert run.wait(timeout=60) == -signal.SIGKILL
    server.recorder.behaviour.on_accept = None
    early = _remind(config, "2019-09-16T09:01")  # within the lease: leaves the killed run's letter alone
    early.communicate(timeout=120)
    assert early.returncode == 0
    assert len(server.recorder.messages) == 40, "the 4 recorded, the one in doubt, and the 35 left"
    time.sleep(3.5)
    late = _remind(config, "2019-09-16T09:15")
    _, err = late.communicate(timeout=120)
    assert late.returncode == 0, err
    assert _assert_each_arrived_once_or_as_a_copy(server) == 1, "the one letter in doubt, once more"


def test_the_database_restarted_in_the_middle_of_a_run(
    pg_cluster: Cluster, pg_url: str, tmp_path: Path, server: Server
) -> None:
    config = _config(tmp_path, server.port, pg_url)
    config.write_text(config.read_text(encoding="utf-8").replace("lease = 3", "lease = 20"), encoding="utf-8")
    run = _remind(config)
    assert _wait(lambda: len(server.recorder.messages) >= 10, 60)
    pg_cluster.restart()  # every connection is cut; the run reconnects within a quarter of its lease
    out, err = run.communicate(timeout=120)
    assert run.returncode == 0, err
    assert "отправлено писем 40" in out, out
    assert _assert_each_arrived_once_or_as_a_copy(server) == 0, "a restart alone repeats nothing"
