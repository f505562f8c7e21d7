"""The ``plan-cal`` command line: a thin layer over the package API.

This package is the only part of plan-cal that knows about Typer and the terminal. Every :class:`PlanError`
becomes one Russian line on stderr and the exit code of docs/DESIGN.md; a traceback is shown only with ``--debug``.

- ``root.py``: the Typer app, its root options and the parameters several commands share;
- the commands: ``reading.py`` (check, explain), ``publishing.py`` (build, import, serve), ``reminding.py``
  (remind, scheduler), ``ledger.py`` (the ``ledger`` group);
- ``output.py``: what the commands print — safe text, counts, JSON, the check table;
- ``localisation.py``: Typer's own help and usage errors in Russian (the one module that touches Typer's internals);
- here: the commands registered in the order of ``--help``, and :func:`main`, which maps errors to exit codes.
"""

from __future__ import annotations

import sys
import traceback

import typer

from plan_calendar.cli.ledger import ledger_app
from plan_calendar.cli.localisation import (
    ClickException,
    Command,
    NoArgsIsHelpError,
    UsageError,
    russian_usage_error,
)
from plan_calendar.cli.output import safe
from plan_calendar.cli.publishing import build, import_, serve
from plan_calendar.cli.reading import check, explain
from plan_calendar.cli.reminding import remind, scheduler
from plan_calendar.cli.root import app
from plan_calendar.errors import ExitCode, PlanError, PlanErrors

# ----------------------------------------------------------------------------- the commands
# In the order `plan-cal --help` lists them (Typer lists commands as registered, then groups).
app.command("check", cls=Command)(check)
app.command("build", cls=Command)(build)
app.command("remind", cls=Command)(remind)
app.command("scheduler", cls=Command)(scheduler)
app.command("import", cls=Command)(import_)
app.command("serve", cls=Command)(serve)
app.command("explain", cls=Command)(explain)
app.add_typer(ledger_app, name="ledger")


# ----------------------------------------------------------------------------- entry point
def main(argv: list[str] | None = None) -> None:
    """Run the CLI; map errors to Russian messages and exit codes."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        # Without standalone mode Typer returns the exit code of typer.Exit instead of raising it.
        code = app(args=args, prog_name="plan-cal", standalone_mode=False)
    except PlanError as exc:
        if debug:
            traceback.print_exc()
        for error in exc.errors if isinstance(exc, PlanErrors) else [exc]:
            typer.echo(safe(f"ошибка: {error}"), err=True)
        sys.exit(exc.exit_code)
    except NoArgsIsHelpError:
        sys.exit(ExitCode.USAGE)  # the help has been printed
    except UsageError as exc:
        if exc.ctx is not None:
            typer.echo(exc.ctx.get_usage(), err=True)
        typer.echo(safe(f"ошибка: {russian_usage_error(exc.format_message())}"), err=True)
        typer.echo("Справка: plan-cal --help", err=True)
        sys.exit(ExitCode.USAGE)
    except ClickException as exc:
        typer.echo(safe(f"ошибка: {russian_usage_error(exc.format_message())}"), err=True)
        sys.exit(ExitCode.USAGE)
    except typer.Abort:
        typer.echo("Прервано.", err=True)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except KeyboardInterrupt:
        typer.echo("Прервано.", err=True)
        sys.exit(130)
    except Exception:
        if debug:
            traceback.print_exc()
        else:
            exc_type = sys.exc_info()[0]
            name = exc_type.__name__ if exc_type else "ошибка"
            typer.echo(
                f"внутренняя ошибка plan-cal ({name}). Запустите ту же команду с --debug и сообщите разработчикам.",
                err=True,
            )
        sys.exit(ExitCode.PLAN_ERROR)
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["app", "main"]
