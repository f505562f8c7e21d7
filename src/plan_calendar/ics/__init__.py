"""iCalendar: what plan-cal writes into .ics files, one concern a module.

- ``folding`` — content lines folded without breaking a character or an escape.
"""
