"""`plan-cal scheduler` as a service (a real subprocess): sends once at the time, survives restarts and downtime."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import ROOT, state_for
from smtpserver import Server

MOSCOW = ZoneInfo("Europe/Moscow")


def _write(tmp_path: Path, port: int, send: datetime, title: str = "Заседание РМО", extra: str = "") -> Path:
    """A plan with one event the day after ``send``, reminded one day before at ``send``'s time of day;
    ``extra`` goes at the end of [reminders]."""
    event = send.date() + timedelta(days=1)
    first = event.year if event.month >= 9 else event.year - 1
    (tmp_path / "plan.yaml").write_text(
        f'plan: План\nid: p\nacademic_year: "{first}-{first + 1}"\nitems:\n'
        f'  - {{id: zasedanie, title: "{title}", when: "{event:%d.%m.%Y}"}}\n',
        encoding="utf-8",
    )
    config = tmp_path / "plan-cal.toml"
    config.write_text(
        'plans = ["plan.yaml"]\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nsender = "РМО <rmo@example.org>"\ntimeout = 5\n'
        '[reminders]\nrecipients = ["lib@example.org"]\nbefore_event = ["1d"]\nworking_days_only = false\n'
        f'send_at = "{send:%H:%M:%S}"\ncatch_up = "3d"\nstate = "{state_for(tmp_path)}"\n{extra}',
        encoding="utf-8",
    )
    return config


@pytest.fixture
def server() -> Iterator[Server]:
    with Server() as s:
        yield s


class Service:
    """The scheduler in a subprocess; its log is collected as it comes."""

    def __init__(self, config: Path, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "plan_calendar", "scheduler", "--config", str(config), "--watch-every", "0.5"],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    @property
    def log(self) -> str:
        return "".join(self.lines)

    def stop(self) -> tuple[int, str]:
        # Its signal handlers are in place once it logs its start: a SIGTERM before that would just kill it.
        assert _wait(lambda: "планировщик запущен" in self.log or self.process.poll() is not None, 60), self.log
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()  # never leave a hung service behind the test
            self.process.wait()
            raise AssertionError(f"the service did not stop within 30 s of SIGTERM:\n{self.log}") from None
        self.reader.join(timeout=10)
        return self.process.returncode, self.log


def _wait(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_sends_once_at_the_time_and_not_again_after_a_restart(state: str, tmp_path: Path, server: Server) -> None:
    send = datetime.now(MOSCOW).replace(microsecond=0) + timedelta(seconds=4)
    config = _write(tmp_path, server.port, send)
    service = Service(config)
    try:
        assert _wait(lambda: len(server.recorder.messages) == 1, 30)
        assert server.recorder.received_at[0] >= send.timestamp(), "not before its time"
        time.sleep(1.5)
        assert len(server.recorder.messages) == 1
    finally:
        code, log = service.stop()
    assert code == 0, log
    assert "отправлено: lib@example.org" in log and "планировщик остановлен" in log
    restarted = Service(config)
    try:
        time.sleep(3)
    finally:
        code, log = restarted.stop()
    assert code == 0, log
    assert len(server.recorder.messages) == 1, "a restart does not resend"


def test_after_downtime_the_late_reminder_goes_out(state: str, tmp_path: Path, server: Server) -> None:
    send = datetime.now(MOSCOW).replace(microsecond=0) - timedelta(hours=2)  # due while the service was down
    config = _write(tmp_path, server.port, send)
    service = Service(config)
    try:
        assert _wait(lambda: len(server.recorder.messages) == 1, 20)
    finally:
        code, log = service.stop()
    assert code == 0, log
    text = server.recorder.parsed()[0].get_body(("plain",)).get_content()
    assert "Это напоминание запоздало" in text


def test_a_stop_during_the_start_up_run_ends_cleanly_after_it(tmp_path: Path, server: Server) -> None:
    # The signal lands while the catch-up run is still talking to the server, before the scheduler started.
    server.recorder.behaviour.stall_data = 3.0  # then 451: the reminder is deferred, not lost
    send = datetime.now(MOSCOW).replace(microsecond=0) - timedelta(hours=2)
    config = _write(tmp_path, server.port, send)
    service = Service(config)
    try:
        assert _wait(lambda: server.recorder.data_started == 1, 20), service.log
    finally:
        code, log = service.stop()
    assert code == 0, log
    assert "отложено до следующего запуска" in log and "планировщик остановлен" in log
    assert "внутренняя ошибка" not in log
    assert server.recorder.messages == []
    # Nothing was lost: the next start sends it.
    server.recorder.behaviour.stall_data = 0.0
    restarted = Service(config)
    try:
        assert _wait(lambda: len(server.recorder.messages) == 1, 20)
    finally:
        code, log = restarted.stop()
    assert code == 0, log


def test_a_stop_while_a_job_is_sending_ends_cleanly_after_it(tmp_path: Path, server: Server) -> None:
    # The signal lands while a scheduled job (not the start-up run) talks to the server. The job ends by
    # scheduling the next run; APScheduler's shutdown(wait=True) held the lock that needs: the service hung.
    server.recorder.behaviour.stall_data = 3.0  # then 451: deferred, and a retry is scheduled
    send = datetime.now(MOSCOW).replace(microsecond=0) + timedelta(seconds=8)  # well after the service's start
    config = _write(tmp_path, server.port, send)
    service = Service(config)
    try:
        assert _wait(lambda: server.recorder.data_started == 1, 30), service.log
        assert "следующая отправка" in service.log, "the send is a scheduled job, not the start-up run"
    finally:
        code, log = service.stop()
    assert code == 0, log
    assert "отложено до следующего запуска" in log and "планировщик остановлен" in log


def test_reloads_a_changed_plan(tmp_path: Path, server: Server) -> None:
    later = datetime.now(MOSCOW).replace(microsecond=0) + timedelta(days=30)
    config = _write(tmp_path, server.port, later)
    service = Service(config)
    try:
        time.sleep(2)
        soon = datetime.now(MOSCOW).replace(microsecond=0) + timedelta(seconds=3)
        _write(tmp_path, server.port, soon, title="Перенесённое заседание")
        assert _wait(lambda: len(server.recorder.messages) == 1, 20)
    finally:
        code, log = service.stop()
    assert code == 0, log
    assert "перечитаны" in log
    assert "Перенесённое заседание" in server.recorder.parsed()[0]["Subject"]


def test_an_edit_that_makes_a_reminder_already_due_sends_it(state: str, tmp_path: Path, server: Server) -> None:
    later = datetime.now(MOSCOW).replace(microsecond=0) + timedelta(days=30)
    config = _write(tmp_path, server.port, later)
    service = Service(config)
    try:
        assert _wait(lambda: "следующая отправка" in service.log, 30), service.log
        # The edit moves the event so that its reminder was due ten minutes ago: no send time will come for it.
        past = datetime.now(MOSCOW).replace(microsecond=0) - timedelta(minutes=10)
        _write(tmp_path, server.port, past, title="Срочное заседание")
        assert _wait(lambda: len(server.recorder.messages) == 1, 20), service.log
    finally:
        code, log = service.stop()
    assert code == 0, log
    assert "Срочное заседание" in server.recorder.parsed()[0]["Subject"]


# ----------------------------------------------------------------------------- faults (issue 10)
def test_a_locked_ledger_at_send_time_is_retried(tmp_path: Path, server: Server) -> None:
    # Another program holds the ledger's write lock across the send time, longer than SQLite waits for it.
    send = datetime.now(MOSCOW).replace(microsecond=0) + timedelta(seconds=15)
    config = _write(tmp_path, server.port, send, extra="retry = 0.5\n")
    service = Service(config)
    other = sqlite3.connect(tmp_path / "state.sqlite3", isolation_level=None)
    try:
        assert _wait(lambda: "следующая отправка" in service.log, 30), service.log  # the ledger exists
        other.execute("BEGIN IMMEDIATE")
        assert datetime.now(MOSCOW) < send, "the lock must be taken before the send time"
        assert _wait(lambda: "занят другой программой" in service.log, 90), service.log
        assert not server.recorder.messages
        other.execute("ROLLBACK")  # the other program is done: no restart, no file touched
        assert _wait(lambda: len(server.recorder.messages) == 1, 30), service.log
    finally:
        other.close()
        code, log = service.stop()
    assert code == 0, log
    assert "Traceback" not in log and "raised an exception" not in log


def test_a_broken_template_at_send_time_is_retried(tmp_path: Path, server: Server) -> None:
    folder = tmp_path / "templates" / "email"
    folder.mkdir(parents=True)
    (folder / "subject.txt").write_text("Напоминание: {{ reminders[0].title", encoding="utf-8")
    send = datetime.now(MOSCOW).replace(microsecond=0) + timedelta(seconds=5)
    config = _write(tmp_path, server.port, send, extra="retry = 0.5\n")
    config.write_text('templates = "templates"\n' + config.read_text(encoding="utf-8"), encoding="utf-8")
    service = Service(config)
    try:
        assert _wait(lambda: "subject.txt" in service.log, 60), service.log
        assert not server.recorder.messages
        (folder / "subject.txt").write_text("Напоминание: {{ reminders[0].title }}", encoding="utf-8")
        assert _wait(lambda: len(server.recorder.messages) == 1, 30), service.log
    finally:
        code, log = service.stop()
    assert code == 0, log
    assert server.recorder.parsed()[0]["Subject"] == "Напоминание: Заседание РМО"


def test_a_server_down_at_send_time_is_retried_soon(state: str, tmp_path: Path) -> None:
    from smtpserver import free_port

    port = free_port()
    send = datetime.now(MOSCOW).replace(microsecond=0) + timedelta(seconds=5)
    config = _write(tmp_path, port, send, extra="retry = 0.5\n")
    service = Service(config)
    try:
        assert _wait(lambda: "отложено до следующего запуска" in service.log, 60), service.log
        with Server(port=port) as server:  # back within seconds: the letter must not wait for the next send time
            assert _wait(lambda: len(server.recorder.messages) == 1, 30), service.log
    finally:
        code, log = service.stop()
    assert code == 0, log


def test_reloads_a_changed_word_plan(tmp_path: Path, server: Server) -> None:
    """A document plan's file is watched like a YAML plan's: the librarian saves in Word, the service rereads."""
    import docx

    def write(send: datetime, title: str) -> None:
        event = send.date() + timedelta(days=1)
        first = event.year if event.month >= 9 else event.year - 1
        document = docx.Document()
        document.add_paragraph(f"План работы РМО на {first}-{first + 1} учебный год")
        table = document.add_table(rows=2, cols=2)
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Мероприятие", "Дата"
        table.rows[1].cells[0].text, table.rows[1].cells[1].text = title, f"{event:%d.%m.%Y}"
        document.save(str(tmp_path / "plan.docx"))

    later = datetime.now(MOSCOW).replace(microsecond=0) + timedelta(days=30)
    config = _write(tmp_path, server.port, later)
    config.write_text(config.read_text(encoding="utf-8").replace("plan.yaml", "plan.docx"), encoding="utf-8")
    write(later, "Заседание РМО")
    service = Service(config)
    try:
        assert _wait(lambda: "следующая отправка" in service.log, 30), service.log
        soon = datetime.now(MOSCOW).replace(microsecond=0) + timedelta(seconds=3)
        write(soon, "Перенесённое заседание")
        assert _wait(lambda: len(server.recorder.messages) == 1, 20), service.log
    finally:
        code, log = service.stop()
    assert code == 0, log
    assert "перечитаны" in log
    assert "Перенесённое заседание" in server.recorder.parsed()[0]["Subject"]


def test_the_log_is_in_the_configured_time_zone(tmp_path: Path, server: Server) -> None:
    """The machine runs in UTC; the school is in Moscow: the log's times are Moscow's, with the offset."""
    send = datetime.now(MOSCOW).replace(microsecond=0) + timedelta(seconds=3)
    config = _write(tmp_path, server.port, send)
    service = Service(config, env={"TZ": "UTC"})
    try:
        assert _wait(lambda: "отправлено: lib@example.org" in service.log, 30), service.log
    finally:
        code, log = service.stop()
    assert code == 0, log
    [line] = [x for x in log.splitlines() if "отправлено: lib@example.org" in x]
    stamp = datetime.fromisoformat(line[: len("2019-11-06 09:00:00+03:00")])
    assert stamp.utcoffset() == MOSCOW.utcoffset(send), line
    assert abs((stamp - send).total_seconds()) < 30, line


@pytest.mark.parametrize("plans", ["", "plans = []\n"])
def test_without_plans_the_service_does_not_start(tmp_path: Path, plans: str) -> None:
    config = tmp_path / "plan-cal.toml"
    config.write_text(
        plans + '[smtp]\nhost = "127.0.0.1"\nsecurity = "none"\nsender = "rmo@example.org"\n'
        '[reminders]\nrecipients = ["lib@example.org"]\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "plan_calendar", "scheduler", "--config", str(config)]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        raise AssertionError("the scheduler started with no plans and idled") from None
    assert done.returncode == 2, done.stderr
    assert "укажите файлы планов или plans в файле настроек" in done.stderr and "Traceback" not in done.stderr


def test_without_smtp_the_service_does_not_start(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text(
        'plan: План\nid: p\nacademic_year: "2019-2020"\nitems:\n  - {id: a, title: А, when: 5 ноября}\n',
        encoding="utf-8",
    )
    config = tmp_path / "plan-cal.toml"
    config.write_text('plans = ["plan.yaml"]\n[reminders]\nrecipients = ["lib@example.org"]\n', encoding="utf-8")
    command = [sys.executable, "-m", "plan_calendar", "scheduler", "--config", str(config)]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        raise AssertionError("the scheduler started without [smtp]") from None
    assert done.returncode == 1, done.stderr
    assert "нет раздела [smtp]" in done.stderr and "Traceback" not in done.stderr
