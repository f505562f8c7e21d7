"""Typer's help screens and usage errors in Russian: the one module that touches Typer's internals.

Typer 0.29 writes its help and its usage errors in English and has no public setting for most of these texts;
where a hook Click documents for command classes (``cls=``) exists, it is used, and the rest is patched here, in
the open. Exactly these private names are touched, and why:

- ``typer.rich_utils``: the module constants ARGUMENTS_PANEL_TITLE, OPTIONS_PANEL_TITLE, COMMANDS_PANEL_TITLE,
  ERRORS_PANEL_TITLE, DEFAULT_STRING, REQUIRED_LONG_STRING, ENVVAR_STRING, ABORTED_TEXT and RICH_HELP are replaced
  (``setattr``) just before a help screen is rendered; Typer reads them at render time. They are the help's panel
  headings and its «[default: …]», «[required]» marks (the error-panel texts belong to Typer's own error output,
  which ``main()`` replaces, and are Russian in case Typer prints it). Typer's public ``rich_help_panel`` could
  name the panels only if set on every parameter, every command and the ``--help`` option, and the marks have no
  setting at all, so the patch would stay anyway. The constants are wrapped in gettext at import, but a catalog
  would need a Russian locale in the user's environment and a compiled catalog in the process-wide default domain.
- ``typer._click.exceptions``: ClickException, UsageError and NoArgsIsHelpError. Typer vendors Click as a private
  package and exports only BadParameter; ``main()`` runs the app with ``standalone_mode=False`` and must tell a
  usage error from the help shown for no arguments to print its own Russian lines and exit with code 2. The
  vendored Click has no gettext at all, so its messages are translated from their English text by pattern
  (:func:`russian_usage_error`).

The public hooks used: ``get_help_option`` (the ``--help`` option's text), ``collect_usage_pieces`` and
``format_usage`` (the «Использование:» line), ``format_help`` (to apply the patch above only when help is shown).
"""

from __future__ import annotations

import re
from typing import Any

from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from typer.core import TyperCommand, TyperGroup

__all__ = ["ClickException", "Command", "Group", "NoArgsIsHelpError", "UsageError", "russian_usage_error"]

# The help screen's headings and marks, by their names in typer.rich_utils (see above).
_RICH_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": "Аргументы",
    "OPTIONS_PANEL_TITLE": "Параметры",
    "COMMANDS_PANEL_TITLE": "Команды",
    "ERRORS_PANEL_TITLE": "Ошибка",
    "DEFAULT_STRING": "[по умолчанию: {}]",
    "REQUIRED_LONG_STRING": "[обязательно]",
    "ENVVAR_STRING": "[переменная окружения: {}]",
    "ABORTED_TEXT": "Прервано.",
    "RICH_HELP": "Справка: [blue]{command_path} {help_option}[/]",
}


def _russian_rich_utils() -> None:
    """Put the Russian texts into Typer's help renderer; imported only when help is shown (it costs about
    a quarter of a second: rich's markdown), so that `check` and cron runs do not pay for it."""
    from typer import rich_utils  # noqa: PLC0415

    for name, text in _RICH_TEXTS.items():
        setattr(rich_utils, name, text)


_HELP_TEXT = "Показать эту справку и выйти."
_USAGE_PREFIX = "Использование: "
_USAGE_WORDS = {
    "[OPTIONS]": "[ПАРАМЕТРЫ]",
    "COMMAND [ARGS]...": "КОМАНДА [АРГУМЕНТЫ]...",
}

_USAGE_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"No such option: (.+)"), "нет такого параметра: {0}"),
    (re.compile(r"No such command '(.+?)'\. Did you mean '(.+?)'\?"), "нет такой команды: {0}. Может быть, {1}?"),
    (re.compile(r"No such command '?(.+?)'?\.?$"), "нет такой команды: {0}"),
    (re.compile(r"Missing argument '(.+)'\.?"), "не указан аргумент {0}"),
    (re.compile(r"Missing option '(.+)'\.?"), "не указан параметр {0}"),
    (re.compile(r"Missing command\.?"), "не указана команда"),
    (re.compile(r"Got unexpected extra arguments? \((.+)\)"), "лишние аргументы: {0}"),
    (re.compile(r"Option '(.+)' requires an argument\.?"), "параметру {0} нужно значение"),
    (re.compile(r"Invalid value for '?(.+?)'?: (.+)"), "неверное значение {0}: {1}"),
)


# What Typer's value checks (pydantic) say about a bad option value.
_VALUE_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Input should be a valid integer"), "нужно целое число"),
    (re.compile(r"Input should be a valid number"), "нужно число"),
    (re.compile(r"Input should be a valid boolean"), "нужно да или нет (true/false)"),
    (re.compile(r"Input should be greater than or equal to (\S+)"), "нужно не меньше {0}"),
    (re.compile(r"Input should be less than or equal to (\S+)"), "нужно не больше {0}"),
)


def russian_usage_error(message: str) -> str:
    """A usage error of Typer's vendored Click in Russian; a message no pattern knows is kept as it is."""
    for pattern, russian in _USAGE_ERRORS:
        m = pattern.search(message)
        if m:
            return russian.format(*(_russian_value_error(g) for g in m.groups()))
    return message


def _russian_value_error(detail: str) -> str:
    for pattern, russian in _VALUE_ERRORS:
        m = pattern.search(detail)
        if m:
            return russian.format(*m.groups())
    return detail


class _RussianHelp:
    """Mixed into Typer's command classes: Russian help option text and usage prefix."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _russian_rich_utils()
        super().format_help(ctx, formatter)  # type: ignore[misc]

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _HELP_TEXT
        return option

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)  # type: ignore[misc]
        return [_USAGE_WORDS.get(p, p) for p in pieces]

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        # Click's get_usage(), which the help screen and usage errors print, renders through this method.
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_USAGE_PREFIX)


class Group(_RussianHelp, TyperGroup):
    """A Typer group (the app, ``ledger``) with Russian help."""


class Command(_RussianHelp, TyperCommand):
    """A Typer command with Russian help."""
