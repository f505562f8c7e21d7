"""``python -m plan_calendar`` runs the CLI."""

from plan_calendar.cli import main

main()
