"""Run by the system's /usr/bin/python3 (Debian python3-gi + gir1.2-ical-3.0): libical's restriction check.

Usage: /usr/bin/python3 tests/libical_check.py FILE.ics...
Prints one JSON object {file: [error, ...]} and exits 0 when libical parsed every file.
"""

import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402

result = {}
for name in sys.argv[1:]:
    with open(name, encoding="utf-8") as handle:
        comp = ICalGLib.Component.new_from_string(handle.read())
    errors = []
    if comp is None:
        errors.append("libical could not parse the file")
    else:
        ICalGLib.restriction_check(comp)
        stack = [comp]
        while stack:
            c = stack.pop()
            p = c.get_first_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
            while p is not None:
                errors.append(p.as_ical_string().strip())
                p = c.get_next_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
            sub = c.get_first_component(ICalGLib.ComponentKind.ANY_COMPONENT)
            while sub is not None:
                stack.append(sub)
                sub = c.get_next_component(ICalGLib.ComponentKind.ANY_COMPONENT)
    result[name] = errors
print(json.dumps(result, ensure_ascii=False))
