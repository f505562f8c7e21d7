"""A feed to render: its entries and names, the UIDs of its events, and who publishes it.

What every part of rendering shares: :class:`Feed`, :func:`uid_of` (the one place a UID is made), the feed's
ORGANIZER and the cleaning of text that comes from the settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import vCalAddress

from plan_calendar.cleantext import clean_text
from plan_calendar.config import CalendarSettings
from plan_calendar.display import Entry

__all__ = ["PRODID", "Feed", "clean", "organizer_of", "uid_of"]

PRODID = "-//plan-cal//plan-cal//RU"


@dataclass(frozen=True, slots=True)
class Feed:
    """One .ics file to write: its name, what it is called in calendars, and its entries."""

    name: str
    title: str
    description: str
    timezone: str
    entries: tuple[Entry, ...]
    first_year: int  # bounds of the VTIMEZONE block
    last_year: int
    uid_prefix: str = ""  # extra feeds prefix their UIDs so that an event has one UID per calendar
    stamp: datetime = datetime(1970, 1, 1, tzinfo=UTC)  # the sources' modification time
    # Events of items that cannot be read this time, as the previous build wrote them (docs/dates.md): a typo
    # in a plan never deletes an event from subscribers' calendars.
    kept: tuple[bytes, ...] = ()

    @property
    def filename(self) -> str:
        return f"{self.name}.ics"

    @property
    def events(self) -> int:
        """How many events the feed holds: its entries and the events kept from the previous build."""
        return len(self.entries) + len(self.kept)


def uid_of(feed: Feed, entry: Entry, domain: str | None = None) -> str:
    """The UID of ``entry``'s event in ``feed``: the feed's prefix, the entry's stem, then ``@domain``.

    Without ``domain``, the part that names the event whatever the domain setting (what the feed is ordered by,
    and what the previous build's events are matched by)."""
    stem = f"{feed.uid_prefix}{entry.uid_stem}"
    return stem if domain is None else f"{stem}@{domain}"


def organizer_of(feed: Feed, settings: CalendarSettings) -> vCalAddress | None:
    """The feed's ORGANIZER: the settings' one, else the one organizer (with an email) of every plan its entries
    come from; None when there is none (the feed then leaves METHOD out)."""
    email = settings.organizer_email
    name = settings.organizer_name
    if email is None:
        organizers = {e.organizer for e in feed.entries if e.organizer is not None and e.organizer.email}
        if len(organizers) == 1:
            only = organizers.pop()
            email, name = only.email, name or only.name
    if email is None:
        return None
    address = vCalAddress(clean(f"mailto:{email}"))
    if name:
        address.params["CN"] = clean(name)
    return address


def clean(text: str) -> str:
    """Text for a feed: plan text is cleaned when read, but names from the settings (TOML escapes) are not."""
    return clean_text(text)[0]
