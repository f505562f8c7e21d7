"""iCalendar: what plan-cal writes into .ics files, one concern a module.

- ``render`` — a feed's entries → the bytes of its .ics file: the calendar's own lines, then its events (feeds
  and the events attached to reminders alike).
- ``feed`` — a feed to render (:class:`~plan_calendar.ics.feed.Feed`), ``uid_of``, the feed's ORGANIZER.
- ``event`` — one entry → one VEVENT, and the digest of what it says.
- ``serialise`` — the events' bytes, each with its version; a large feed in two processes.
- ``versions`` — an event's next version, the feed's digest, and what the previous feed says (its digest, each
  event's version, its events' bytes).
- ``folding`` — content lines folded without breaking a character or an escape.
"""
