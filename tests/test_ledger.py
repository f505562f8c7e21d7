"""The ledger's contract, the same for SQLite and a real PostgreSQL server: claims, leases, who may overwrite what,
schema versions and upgrades, `ledger migrate` and `ledger status`; and PostgreSQL's own: the password only from
libpq's environment, a role with the least rights, an unreachable database."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import EXAMPLE, Result
from pgcluster import Cluster
from plan_calendar.config import ReminderSettings
from plan_calendar.configfile import parse_config
from plan_calendar.errors import ConfigError, PlanError, ServiceError
from plan_calendar.reminders.ledger import SCHEMA_VERSION, Key, Ledger, Record, open_ledger
from smtpserver import Server

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2019, 9, 16, 9, 0, tzinfo=MOSCOW)
K1: Key = ("p", "a", "2019-09-30", "14d", "one@example.org")
K2: Key = ("p", "b", "2019-09-30", "14d", "one@example.org")
K3: Key = ("p", "c", "2019-09-30", "14d", "two@example.org")


def _where(state: str, tmp_path: Path) -> Path | str:
    return state if "://" in state else tmp_path / state


@pytest.fixture
def ledgers(state: str, tmp_path: Path) -> Iterator[Callable[..., Ledger]]:
    """Opens runs' ledgers on one store (each a run of its own: its own claims)."""
    opened: list[Ledger] = []

    def make(lease: float = 300.0) -> Ledger:
        ledger = open_ledger(ReminderSettings(lease=lease), _where(state, tmp_path))
        opened.append(ledger)
        return ledger

    yield make
    for ledger in opened:
        ledger.close()


def test_a_claim_is_one_runs_until_sent(ledgers: Callable[..., Ledger]) -> None:
    one, two = ledgers(), ledgers()
    assert one.claim([K1, K2], "<m1@x>", NOW, NOW) == set()
    assert two.claim([K2, K1], "<m1@x>", NOW, NOW) == {K1, K2}, "another run never gets a live claim"
    assert one.claim([K1, K2], "<m1@x>", NOW, NOW) == set(), "the same run may claim again (a retry)"
    assert one.lookup([K1, K3]) == {K1: ("pending", "<m1@x>")}
    one.sent([K1, K2], NOW, "250 ok")
    assert two.claim([K1], "<m1@x>", NOW, NOW) == {K1}, "sent is settled"
    assert one.claim([K1], "<m1@x>", NOW, NOW) == {K1}
    assert two.statuses([K1, K2, K3]) == {K1: "sent", K2: "sent"}


def test_a_claim_is_all_or_nothing(ledgers: Callable[..., Ledger]) -> None:
    one, two, three = ledgers(), ledgers(), ledgers()
    assert one.claim([K1], "<m1@x>", NOW, NOW) == set()
    assert two.claim([K1, K2], "<m2@x>", NOW, NOW) == {K1}
    assert three.statuses([K2]) == {}, "nothing of a refused claim is kept"
    assert three.claim([K2], "<m3@x>", NOW, NOW) == set()


def test_an_expired_claim_passes_to_another_run_with_its_message_id(ledgers: Callable[..., Ledger]) -> None:
    dead, alive = ledgers(lease=1.0), ledgers(lease=1.0)
    assert dead.claim([K1], "<m1@x>", NOW, NOW) == set()
    assert alive.claim([K1], "<m1@x>", NOW, NOW) == {K1}
    time.sleep(1.3)
    assert alive.lookup([K1]) == {K1: ("pending", "<m1@x>")}, "the Message-ID stays for the resend"
    assert alive.claim([K1], "<m1@x>", NOW, NOW) == set(), "after the lease the claim is free"
    # The first run was only slow: its late outcomes never overwrite the new claim; an acceptance is the truth.
    dead.deferred([K1], NOW, "451 later")
    dead.failed([K1], NOW, "550 no")
    assert alive.statuses([K1]) == {K1: "pending"}
    dead.sent([K1], NOW, "250 ok")
    assert alive.statuses([K1]) == {K1: "sent"}
    assert [r.attempts for r in alive.rows()] == [2]


def test_deferred_and_missed_never_overwrite_a_settled_or_live_row(ledgers: Callable[..., Ledger]) -> None:
    one, two = ledgers(lease=1.0), ledgers(lease=1.0)
    one.sent([K1], NOW)
    assert one.claim([K2], "<m2@x>", NOW, NOW) == set()
    two.deferred([K1, K2, K3], NOW, "421 down")  # a run that lost its server marks what it did not send
    two.missed([K1, K2], NOW)
    assert two.statuses([K1, K2, K3]) == {K1: "sent", K2: "pending", K3: "deferred"}
    time.sleep(1.3)
    two.missed([K2, K3], NOW)  # the claim ran out: that run died, and the window has closed since
    assert two.statuses([K2, K3]) == {K2: "missed", K3: "missed"}
    assert two.claim([K3], "<m3@x>", NOW, NOW) == {K3}, "missed is settled"


def test_a_deferred_reminder_can_be_claimed_and_its_run_can_fail_it(ledgers: Callable[..., Ledger]) -> None:
    one = ledgers()
    one.deferred([K1], NOW, "451 later")
    assert one.claim([K1], "<m1@x>", NOW, NOW) == set()
    one.failed([K1], NOW, "550 no such user")
    [record] = one.rows()
    assert (record.status, record.detail, record.attempts) == ("failed", "550 no such user", 1)


def test_the_latest_run_is_kept(ledgers: Callable[..., Ledger]) -> None:
    one = ledgers()
    assert one.last_run() is None
    one.record_run(NOW)
    one.record_run(NOW - timedelta(hours=1))  # a slower run that started earlier
    assert one.last_run() == NOW


def test_merge_keeps_the_more_settled_status(ledgers: Callable[..., Ledger]) -> None:
    one = ledgers()
    one.deferred([K1], NOW, "451")
    one.sent([K2], NOW)
    records = [
        Record(K1, "sent", "<m1@x>", NOW, 1, "250", NOW),
        Record(K2, "deferred", "<m2@x>", NOW, 1, "451", NOW),
        Record(K3, "pending", "<m3@x>", NOW, 1, None, NOW),
    ]
    assert one.merge(records, NOW) == 2
    assert one.statuses([K1, K2, K3]) == {K1: "sent", K2: "sent", K3: "pending"}
    assert one.last_run() == NOW
    assert ledgers().claim([K3], "<m3@x>", NOW, NOW) == set(), "a pending record's claim did not travel"


def test_summary(ledgers: Callable[..., Ledger]) -> None:
    one = ledgers()
    one.sent([K1], NOW)
    one.deferred([K2], NOW, "451 later")
    one.missed([K3], NOW)
    summary = one.summary()
    assert summary.counts == {"pending": 0, "sent": 1, "failed": 0, "deferred": 1, "missed": 1}
    assert [r.key for r in summary.recent["deferred"]] == [K2] and "sent" not in summary.recent


def test_a_newer_schema_is_refused(state: str, tmp_path: Path, ledgers: Callable[..., Ledger]) -> None:
    ledgers().close()
    if "://" in state:
        import psycopg

        with psycopg.connect(state, autocommit=True) as conn:
            conn.execute("UPDATE schema_version SET version = 99")
    else:
        with sqlite3.connect(tmp_path / state) as db:
            db.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(ConfigError, match="более новой версией plan-cal"):
        ledgers()


# ----------------------------------------------------------------------------- SQLite files of earlier versions
OLD_SCHEMA = """
CREATE TABLE reminders (
    plan TEXT NOT NULL, item TEXT NOT NULL, occurrence TEXT NOT NULL, lead TEXT NOT NULL, recipient TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'deferred', 'missed')),
    message_id TEXT, send_at TEXT, attempts INTEGER NOT NULL DEFAULT 0, detail TEXT, updated TEXT NOT NULL,
    PRIMARY KEY (plan, item, occurrence, lead, recipient)
) WITHOUT ROWID;
CREATE TABLE runs (id INTEGER PRIMARY KEY CHECK (id = 1), last TEXT NOT NULL);
"""


def test_a_version_1_state_file_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_SCHEMA)
        db.execute(
            "INSERT INTO reminders VALUES ('p', 'a', '2019-09-30', '14d', 'one@example.org', 'sent', '<m1@x>', "
            "'2019-09-16T09:00:00+03:00', 1, '250 ok', '2019-09-16T09:00:01+03:00')"
        )
        db.execute(
            "INSERT INTO reminders VALUES ('p', 'b', '2019-09-30', '14d', 'one@example.org', 'pending', '<m2@x>', "
            "'2019-09-16T09:00:00+03:00', 1, NULL, '2019-09-16T09:00:01+03:00')"
        )
        db.execute("INSERT INTO runs VALUES (1, '2019-09-16T09:00:00+03:00')")
    db.close()
    with open_ledger(ReminderSettings(), path) as ledger:
        assert ledger.statuses([K1, K2]) == {K1: "sent", K2: "pending"}
        assert ledger.last_run() == NOW
        # A pending row of version 1 is a run that died mid-send: it is taken over at once, with its Message-ID.
        assert ledger.lookup([K2]) == {K2: ("pending", "<m2@x>")}
        assert ledger.claim([K2], "<m2@x>", NOW, NOW) == set()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    db.close()


def test_remind_on_an_old_state_file_resends_nothing(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_SCHEMA)
        db.execute(
            "INSERT INTO reminders VALUES ('rmo-2019-2020', 'sdacha-plana', '2019-09-30', '14d', 'lib@example.org', "
            "'sent', '<m1@x>', '2019-09-16T09:00:00+03:00', 1, '250 ok', '2019-09-16T09:00:01+03:00')"
        )
    db.close()
    with Server() as server:
        config = _config(tmp_path, server.port, "state.sqlite3")
        result = cli("remind", "--config", config, "--at", "2019-09-16T09:30")
        assert result.code == 0, result.err
        assert "уже были отправлены раньше: 1" in result.out and not server.recorder.messages


# ----------------------------------------------------------------------------- ledger migrate and ledger status
def _config(tmp_path: Path, port: int, state: str, extra: str = "") -> Path:
    path = tmp_path / "plan-cal.toml"
    path.write_text(
        f'plans = ["{EXAMPLE}"]\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
        f'sender = "РМО <rmo@example.org>"\ntimeout = 2\n[reminders]\nrecipients = ["lib@example.org"]\n'
        f'state = "{state}"\n{extra}',
        encoding="utf-8",
    )
    return path


def test_migrate_to_postgresql_resends_nothing(cli: Callable[..., Result], tmp_path: Path, pg_url: str) -> None:
    with Server() as server:
        config = _config(tmp_path, server.port, "state.sqlite3")
        assert cli("remind", "--config", config, "--at", "2019-09-16T09:00").code == 0
        assert len(server.recorder.messages) == 1
        moved = cli("ledger", "migrate", "--from", tmp_path / "state.sqlite3", "--to", pg_url, "--config", config)
        assert moved.code == 0, moved.err
        assert "отправлено 1" in moved.out and pg_url in moved.out
        config = _config(tmp_path, server.port, pg_url)
        again = cli("remind", "--config", config, "--at", "2019-09-16T09:30")
        assert again.code == 0, again.err
        assert "уже были отправлены раньше: 1" in again.out
        assert len(server.recorder.messages) == 1, "nothing resent after switching"
        status = cli("ledger", "status", "--config", config)
        assert status.code == 0, status.err
        assert "отправлено: 1" in status.out and "пропущено (старше catch_up): " in status.out
        assert "Последний запуск отправки: 2019-09-16 09:30" in status.out
        twice = cli("ledger", "migrate", "--from", tmp_path / "state.sqlite3", "--to", pg_url)
        assert twice.code == 0 and "записано в журнал назначения 0" in twice.out, "migrating again changes nothing"


def test_migrate_without_from_creates_the_schema(cli: Callable[..., Result], pg_url: str) -> None:
    result = cli("ledger", "migrate", "--to", pg_url)
    assert result.code == 0, result.err
    assert f"схема версии {SCHEMA_VERSION}" in result.out


def test_status_lists_what_waits_and_why(state: str, cli: Callable[..., Result], tmp_path: Path) -> None:
    from smtpserver import free_port

    config = _config(tmp_path, free_port(), state)  # the server is down: deferred
    assert cli("remind", "--config", config, "--at", "2019-09-16T09:00").code == 3
    status = cli("ledger", "status", "--config", config)
    assert status.code == 0, status.err
    assert "отложено: 1" in status.out
    assert "Отложены — уйдут при следующем запуске:" in status.out
    assert "rmo-2019-2020/sdacha-plana 2019-09-30 (14d) → lib@example.org" in status.out


def test_status_without_a_ledger(cli: Callable[..., Result], tmp_path: Path) -> None:
    result = cli("ledger", "status", "--state", tmp_path / "none.sqlite3")
    assert result.code == 1 and "напоминания ещё не отправлялись" in result.err


# ----------------------------------------------------------------------------- PostgreSQL: secrets and rights
def test_a_password_in_the_url_is_refused_and_never_repeated(tmp_path: Path) -> None:
    for state in (
        "postgresql://plan_cal:Secret-123@db.example.org/plan_cal",
        "postgresql://plan_cal@db.example.org/plan_cal?password=Secret-123",
    ):
        path = tmp_path / "plan-cal.toml"
        text = f'[reminders]\nrecipients = ["a@example.org"]\nstate = "{state}"\n'
        with pytest.raises(ConfigError) as caught:
            parse_config(text, path)
        assert "Secret-123" not in str(caught.value)
        assert "пароль" in str(caught.value) and f"{path}:3" in str(caught.value)


def test_the_url_is_kept_as_written(tmp_path: Path) -> None:
    config = parse_config('[reminders]\nstate = "postgresql://plan_cal@db1:5432/plan_cal"\n', tmp_path / "c.toml")
    assert config.reminders.state == "postgresql://plan_cal@db1:5432/plan_cal" and config.reminders.shared
    sqlite = parse_config('[reminders]\nstate = "state.sqlite3"\n', tmp_path / "c.toml")
    assert sqlite.reminders.state == tmp_path / "state.sqlite3" and not sqlite.reminders.shared


def test_a_lease_shorter_than_a_send_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="lease"):
        parse_config("[smtp]\ntimeout = 30\n[reminders]\nlease = 60\n", tmp_path / "c.toml")


def test_the_password_comes_from_pgpass_or_a_service_file(
    pg_cluster: Cluster, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGPASSWORD")
    with pytest.raises(ConfigError, match="PGPASSWORD") as caught:
        open_ledger(ReminderSettings(), pg_url)
    assert pg_cluster.password not in str(caught.value)
    database = pg_url.rsplit("/", 1)[1]
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{pg_cluster.port}:{database}:plan_cal_test:{pg_cluster.password}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    with open_ledger(ReminderSettings(), pg_url) as ledger:
        assert ledger.statuses([K1]) == {}
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[plancal]\nhost=127.0.0.1\nport={pg_cluster.port}\ndbname={database}\nuser=plan_cal_test\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    with open_ledger(ReminderSettings(), "postgresql:///?service=plancal") as ledger:
        assert ledger.statuses([K1]) == {}


def test_a_wrong_password_is_a_set_up_error_that_does_not_show_it(
    cli: Callable[..., Result], pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", "Wrong-Secret-987")
    result = cli("remind", "--config", _config(tmp_path, 25, pg_url), "--at", "2019-09-16T09:00")
    assert result.code == 1, result.err
    assert "не приняла вход" in result.err and "Wrong-Secret-987" not in result.err + result.out


def test_an_unreachable_database_is_exit_3_and_nothing_is_sent(cli: Callable[..., Result], tmp_path: Path) -> None:
    from smtpserver import free_port

    with Server() as server:
        config = _config(tmp_path, server.port, f"postgresql://plan_cal@127.0.0.1:{free_port()}/plan_cal")
        started = time.monotonic()
        result = cli("remind", "--config", config, "--at", "2019-09-16T09:00")
        assert result.code == 3, result.err
        assert "недоступна" in result.err and "ничего не отправлено" in result.err
        assert not server.recorder.messages
        assert time.monotonic() - started < 30


def test_a_role_with_only_the_rights_it_needs(
    cli: Callable[..., Result], pg_cluster: Cluster, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The roles of docs/deploy-two-hosts.md: the owner upgrades the schema, the services' role reads and writes
    rows and nothing else (no DDL, no DELETE, no other schema)."""
    database = pg_url.rsplit("/", 1)[1]
    owner, service = f"{database}_owner", f"{database}_svc"
    for statement in (
        f"CREATE ROLE {owner} LOGIN PASSWORD 'owner-pw'",
        f"CREATE ROLE {service} LOGIN PASSWORD 'service-pw'",
        f"ALTER ROLE {owner} SET search_path = plan_cal",
        f"ALTER ROLE {service} SET search_path = plan_cal",
        f"REVOKE ALL ON DATABASE {database} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {database} TO {owner}, {service}",
    ):
        pg_cluster.sql(statement)
    for statement in (
        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
        f"CREATE SCHEMA plan_cal AUTHORIZATION {owner}",
        f"GRANT USAGE ON SCHEMA plan_cal TO {service}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA plan_cal GRANT SELECT, INSERT, UPDATE ON TABLES "
        f"TO {service}",
    ):
        pg_cluster.sql(statement, database)
    service_url = pg_cluster.url(database, service)
    monkeypatch.setenv("PGPASSWORD", "service-pw")
    with pytest.raises(ConfigError, match="нет нужных прав") as caught:
        open_ledger(ReminderSettings(), service_url)  # no schema yet, and no right to create it
    assert "ledger migrate" in str(caught.value)
    monkeypatch.setenv("PGPASSWORD", "owner-pw")
    assert cli("ledger", "migrate", "--to", pg_cluster.url(database, owner)).code == 0
    monkeypatch.setenv("PGPASSWORD", "service-pw")
    with Server() as server:
        config = _config(tmp_path, server.port, service_url, extra='catch_up = "3d"\n')
        result = cli("remind", "--config", config, "--at", "2019-09-18T09:00")  # one to send, some missed
        assert result.code == 0, result.err
        assert len(server.recorder.messages) == 1
        assert cli("ledger", "status", "--config", config).code == 0


def test_hosts_creating_the_schema_at_once(pg_url: str) -> None:
    errors: list[BaseException] = []

    def start() -> None:
        try:
            open_ledger(ReminderSettings(), pg_url).close()
        except PlanError as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors


def test_a_claim_waits_for_nothing_when_the_database_is_gone(pg_cluster: Cluster, pg_url: str) -> None:
    """Within a quarter of the lease a lost server is waited for (a restart); longer, it is a ServiceError."""
    ledger = open_ledger(ReminderSettings(lease=4.0), pg_url)
    try:
        pg_cluster.stop()
        started = time.monotonic()
        with pytest.raises(ServiceError, match="недоступна"):
            ledger.claim([K1], "<m1@x>", NOW, NOW)
        assert time.monotonic() - started < 5
    finally:
        pg_cluster.start()
        ledger.close()
    with open_ledger(ReminderSettings(), pg_url) as again:
        assert again.statuses([K1]) == {}, "nothing claimed"


def test_ci_installs_the_postgresql_server_the_tests_need() -> None:
    from conftest import ROOT

    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "/usr/lib/postgresql/*/bin/initdb" in ci and "need+=(postgresql)" in ci


@pytest.mark.parametrize(("ci", "outcome"), [("", "1 skipped"), ("true", "1 error")])
def test_without_postgresql_the_tests_skip_saying_why_but_fail_in_ci(ci: str, outcome: str, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from conftest import ROOT

    env = {**os.environ, "PG_BINDIR": str(tmp_path / "none"), "CI": ci}  # a server that is not installed
    test = "tests/test_ledger.py::test_migrate_without_from_creates_the_schema"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", test],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert outcome in done.stdout, done.stdout
    assert "PostgreSQL is not installed" in done.stdout and "install Debian's postgresql" in done.stdout
    if ci:
        assert "in CI they must run" in done.stdout
