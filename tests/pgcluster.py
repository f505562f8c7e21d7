"""A throwaway PostgreSQL cluster of the tests' own: initdb in a temporary folder, its own port on 127.0.0.1, run
as an unprivileged user (root cannot run postgres: as root the server runs as the `postgres` system user that
Debian's package creates, or `nobody`). Password authentication over TCP, as on a real deployment: the password
reaches libpq through PGPASSWORD, never a URL. Used by tests/conftest.py and benchmarks/bench_ledger.py."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "plan_cal_test"


def find_bindir() -> Path | None:
    """Where initdb and pg_ctl are: $PG_BINDIR, the newest /usr/lib/postgresql/<ver>/bin (Debian), or PATH."""
    if os.environ.get("PG_BINDIR"):
        given = Path(os.environ["PG_BINDIR"])
        return given if (given / "initdb").exists() else None
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if found:
        newest = max(found, key=lambda p: int(re.sub(r"\D", "", Path(p).parent.parent.name) or 0))
        return Path(newest).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """One PostgreSQL server; ``url(db)`` names a database on it (without the password: see ``password``)."""

    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        """``durable``: fsync as a real server does (for benchmarks); tests go without it, for speed."""
        self.bindir = bindir
        self.durable = durable
        self.password = secrets.token_urlsafe(16)
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="plan-cal-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.run_as: str | None = None
        if os.geteuid() == 0:
            self.run_as = next((u for u in ("postgres", "nobody") if _user_exists(u)), None)
            if self.run_as is None:
                raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL")
            info = pwd.getpwnam(self.run_as)
            os.chown(self.root, info.pw_uid, info.pw_gid)
        self.root.chmod(0o755)  # the log is read by this process
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n", encoding="utf-8")
        if self.run_as:
            info = pwd.getpwnam(self.run_as)
            os.chown(pwfile, info.pw_uid, info.pw_gid)
        pwfile.chmod(0o600)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            f"--pwfile={pwfile}",
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "--no-locale",
            "-E",
            "UTF8",
            "--no-sync",
        )
        pwfile.unlink()

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / tool), *args]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=self.root, timeout=120)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stdout}{done.stderr}\n{log[-3000:]}")
        return done

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c max_connections=100"
        if not self.durable:
            options += " -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log), "-o", options)

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-w", "-t", "60", "-D", str(self.data), "-m", mode)

    def restart(self) -> None:
        self.stop("fast")
        self.start()

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        """Run SQL as the superuser (each statement autocommitted: CREATE DATABASE needs that)."""
        import psycopg

        with psycopg.connect(self.url(database), password=self.password, autocommit=True) as conn:
            conn.execute(statement)

    def create_database(self, name: str) -> str:
        self.sql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        with contextlib.suppress(RuntimeError):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
