"""`plan-cal scheduler`: a long-running service that sends reminders at their time (APScheduler 3.x).

It runs the same code as `plan-cal remind`, so the ledger keeps cron and the service from sending twice:
- at start, one run sends whatever became due while the service was down (within the catch-up window);
- then one job at the next send time computed from the plans; after each run, the next one is scheduled;
- a watch job reloads the plans and the config when their files change, sends what the change made due, and
  reschedules;
- a run that finds reminders claimed by another run (cron's `remind`, the scheduler of another host) looks again
  once their lease has run out, in case that run died before it sent them;
- a run that fails in any way (the server is down or refuses the login, the ledger is locked, the disk is full,
  a template is broken, a bug) is logged and tried again after ``retry`` seconds, doubling up to 15 minutes:
  the service never stops scheduling;
- SIGTERM and SIGINT stop it cleanly after the run in progress.
"""

from __future__ import annotations

import contextlib
import logging
import signal
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_SCHEDULER_STARTED, SchedulerEvent
from apscheduler.schedulers.base import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler

from plan_calendar.config import Config
from plan_calendar.configfile import load_config
from plan_calendar.errors import PlanError
from plan_calendar.identity import IdStore
from plan_calendar.reminders.rules import next_send_time
from plan_calendar.reminders.run import load_schedules, remind
from plan_calendar.watch import FileWatch

__all__ = ["ReminderService", "ZoneFormatter"]

log = logging.getLogger("plan_calendar.scheduler")
SEND_JOB = "send-reminders"
WATCH_JOB = "watch-files"
MAX_RETRY = 15 * 60.0  # seconds: the longest wait between retries of a failing run (unless retry is longer)


class ZoneFormatter(logging.Formatter):
    """Log lines stamped in the reminders' time zone (``[reminders] timezone``), with its UTC offset, whatever
    the machine's own zone: «2019-11-06 09:00:00+03:00 INFO отправлено: …»."""

    def __init__(self, zone: str) -> None:
        super().__init__("%(asctime)s %(levelname)s %(message)s")
        self.zone = ZoneInfo(zone)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, self.zone).isoformat(sep=" ", timespec="seconds")


class ReminderService:
    """The scheduler service; ``run()`` blocks until stopped."""

    def __init__(
        self,
        config_path: Path | None,
        plan_paths: list[Path] | None = None,
        *,
        watch_every: float = 10.0,
        clock: Callable[[ZoneInfo], datetime] = datetime.now,
    ) -> None:
        self.config_path = config_path
        self.plan_override = plan_paths
        self.watch_every = watch_every
        self.clock = clock
        self.config = self._load_config()
        self.tz = ZoneInfo(self.config.reminders.timezone)
        self.scheduler = BlockingScheduler(timezone=self.tz)
        self._stop_requested = False
        self._failures = 0  # failed runs in a row: the retry delay doubles with each
        self._files = FileWatch(self._watched_files)

    # ------------------------------------------------------------------ files
    def _load_config(self) -> Config:
        return load_config(self.config_path)

    @property
    def plans(self) -> list[Path]:
        return list(self.plan_override or self.config.plans)

    def _watched_files(self) -> list[Path]:
        return [*self.plans, *([self.config.source] if self.config.source else [])]

    # ------------------------------------------------------------------ jobs
    def run_once(self) -> None:
        """One `remind` run at the current time; errors are logged, never fatal to the service: a failed run is
        tried again soon (see :meth:`_retry`), whatever the error."""
        now = self.clock(self.tz)
        try:
            report = remind(self.config, self.plans, now)
        except PlanError as exc:
            log.error("напоминания не отправлены: %s", exc)
            self._retry(now)
            return
        except Exception as exc:  # the service must outlive any error, a bug included
            log.error("напоминания не отправлены: внутренняя ошибка plan-cal (%s: %s)", type(exc).__name__, exc)
            log.debug("трассировка", exc_info=True)
            self._retry(now)
            return
        else:
            for message in report.sent:
                log.info("отправлено: %s — %s", message.recipient, message.subject)
            for message, detail in report.failed:
                log.error("отклонено: %s — %s", message.recipient, detail)
            for message, detail in report.deferred:
                log.warning("отложено до следующего запуска: %s — %s", message.recipient, detail)
            for error in report.errors:
                log.error("напоминания пункта не отправлены: %s", error)
            for reminder in report.missed:
                log.warning("пропущено (старше окна catch_up): %s/%s", reminder.target.item.id, reminder.recipient)
            if report.stopped is not None:
                log.error("напоминания не отправлены: %s", report.stopped)
            if report.deferred or report.stopped:
                # The server is down, busy or refuses the set-up: try again soon, not at the next send time.
                self._retry(now)
                return
        self._failures = 0
        try:
            self.schedule_next(recheck=report.elsewhere > 0)
        except Exception as exc:  # without a next run the service would send nothing ever again
            log.error("следующая отправка не запланирована: %s: %s", type(exc).__name__, exc)
            log.debug("трассировка", exc_info=True)
            self._retry(now)

    def _retry(self, now: datetime) -> None:
        """Run again ``retry`` seconds after the failed run that started at ``now`` ended, doubled for each failure
        in a row up to MAX_RETRY (a wrong password is not tried every minute all night), or at the next send time
        if that comes first."""
        self._failures += 1
        base = self.config.reminders.retry
        delay = min(base * 2 ** min(self._failures - 1, 30), max(base, MAX_RETRY))
        ended = max(now, self.clock(self.tz))  # waiting for a locked ledger alone takes 30 seconds
        at = ended + timedelta(seconds=delay)
        try:
            schedules, _ = load_schedules(self.plans, self.config.reminders.country)
            upcoming = next_send_time(schedules, self.config, now)
        except Exception:  # the retry is scheduled whatever the plans say
            upcoming = None
        if upcoming is not None and upcoming < at:
            at = upcoming
        log.warning("повтор через %d с", max(1, round((at - ended).total_seconds())))
        self._schedule(at)

    def schedule_next(self, *, recheck: bool = False) -> None:
        """Schedule the next send time; with ``recheck``, no later than when the claims of another run expire
        (if that run died, its reminders are then this service's to send)."""
        now = self.clock(self.tz)
        schedules, errors = load_schedules(self.plans, self.config.reminders.country, IdStore.load(self.config.out))
        for error in errors:
            log.error("план не прочитан, следующая проверка при изменении файлов: %s", error)
        at = next_send_time(schedules, self.config, now)
        if recheck:
            expiry = now + timedelta(seconds=self.config.reminders.lease + 1)
            log.info("часть напоминаний отправляет другой запуск: проверка после окончания его аренды")
            at = expiry if at is None else min(at, expiry)
        if at is None:
            log.info("больше напоминаний нет")
            if self.scheduler.get_job(SEND_JOB):
                self.scheduler.remove_job(SEND_JOB)
            return
        self._schedule(at)

    def _schedule(self, at: datetime) -> None:
        self.scheduler.add_job(
            self.run_once,
            "date",
            run_date=at,
            id=SEND_JOB,
            replace_existing=True,
            # After a pause (a suspended machine, a busy host) a late run still goes out within catch_up.
            misfire_grace_time=int(self.config.reminders.catch_up.total_seconds()),
            coalesce=True,
            # The run that schedules this one is still an instance of the job until it returns: with one
            # instance allowed, a retry due sooner than that would be skipped, and a skipped date job is gone.
            # Runs may overlap safely: each message is claimed in the ledger before it is sent.
            max_instances=2,
        )
        log.info("следующая отправка: %s", at.isoformat(timespec="seconds"))

    def watch(self) -> None:
        """Reload plans and config when their files change."""
        try:
            changed = self._files.changed()
        except OSError as exc:
            log.error("не удалось проверить файлы планов и настроек: %s", exc)
            return
        if not changed:
            return
        try:
            self.config = self._load_config()
        except PlanError as exc:
            log.error("настройки не перечитаны: %s", exc)
            return
        log.info("планы или настройки изменились: перечитаны")
        # A run, not only a new schedule: an edit may have made a reminder due already (inside the catch-up
        # window), and the next send time would never come back for it. The ledger keeps this from resending.
        self.run_once()

    # ------------------------------------------------------------------ lifecycle
    def request_stop(self) -> None:
        """Stop after the run in progress; safe at any moment, before, during or after ``scheduler.start()``.

        A signal may arrive while the start-up run is still sending (the scheduler is not running yet):
        the request is remembered and honoured as soon as the scheduler has started.
        """
        self._stop_requested = True
        self._shutdown()

    def _shutdown(self) -> None:
        if not self.scheduler.running:
            return
        # wait=False: APScheduler's shutdown(wait=True) holds its job-store lock while it waits for running jobs,
        # and a running job ends by scheduling the next one (add_job takes that lock): a deadlock. The job in
        # progress still finishes: the interpreter waits for the executor's threads before the process exits.
        with contextlib.suppress(SchedulerNotRunningError):  # stopped between the check and the call
            self.scheduler.shutdown(wait=False)

    def _on_started(self, _event: SchedulerEvent) -> None:
        if self._stop_requested:
            self._shutdown()

    def run(self) -> None:
        def stop(signum: int, _frame: FrameType | None) -> None:
            log.info("получен сигнал %s: завершение", signal.Signals(signum).name)
            self.request_stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.scheduler.add_listener(self._on_started, EVENT_SCHEDULER_STARTED)
        self.scheduler.add_job(self.watch, "interval", seconds=self.watch_every, id=WATCH_JOB, coalesce=True)
        log.info("планировщик запущен: %s", ", ".join(map(str, self.plans)))
        self.run_once()  # whatever became due while the service was down
        if not self._stop_requested:
            self.scheduler.start()
        log.info("планировщик остановлен")
