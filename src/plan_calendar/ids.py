"""Item ids proposed from titles: «Сдача плана работы» → ``sdacha-plana-raboty``, then ``-2``, ``-3``… when taken.

The plan reader proposes one for an item written without an id, the document reader and ``import`` for every
row; what an id may contain is :func:`plan_calendar.validation.is_id`.
"""

from __future__ import annotations

from slugify import slugify

__all__ = ["IdPool", "propose_id"]


def propose_id(title: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A readable id for an item: the title transliterated («Сдача плана…» → ``sdacha-plana-raboty``).

    For many ids at once use :class:`IdPool`: this looks for a free suffix from ``-2`` each time."""
    base = _id_base(title)
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


_ID_LENGTH = 40
# Transliterated Russian prepositions and conjunctions: an id never ends in one («…-knigi-v»).
_ID_TAIL_WORDS = frozenset(
    {"a", "i", "v", "vo", "k", "ko", "s", "so", "o", "ob", "u", "na", "po", "za", "iz", "ot", "do", "dlia", "pri"}
)


def _id_base(title: str) -> str:
    """The title transliterated and cut after the last whole word that fits in 40 characters.

    (slugify's own ``word_boundary`` cut drops and repeats words: «…книги в МОУ. Проведение в школах…» gave
    ``…-knigi-v-v``.)"""
    words = slugify(title).split("-")
    kept: list[str] = []
    for word in words:
        if not word:
            continue
        if sum(len(w) + 1 for w in kept) + len(word) > _ID_LENGTH:
            break
        kept.append(word)
    if not kept and words and words[0]:
        return words[0][:_ID_LENGTH]  # one word longer than an id: cut it
    while len(kept) > 1 and kept[-1] in _ID_TAIL_WORDS:
        kept.pop()
    return "-".join(kept) or "item"


class IdPool:
    """Ids in use, and new ones proposed for titles: ``base``, then ``base-2``, ``base-3``…

    Each base remembers the next suffix to try, so proposing n ids costs O(n) set lookups in all, however often
    a title repeats (a table with 50,000 rows named «Консультация» took 438 s when every proposal started again
    from ``-2``). ``taken`` is used, and extended, in place."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.taken = taken if taken is not None else set()
        self._next: dict[str, int] = {}
        self._bases: dict[str, str] = {}  # title → its slug: repeated titles are transliterated once

    def propose(self, title: str) -> str:
        """A free id for ``title``, now taken."""
        base = self._bases.get(title)
        if base is None:
            base = self._bases[title] = _id_base(title)
        candidate = base
        if candidate in self.taken:
            # Every suffix below the remembered one is taken (ids are never released), so start there.
            n = self._next.get(base, 2)
            candidate = f"{base}-{n}"
            while candidate in self.taken:
                n += 1
                candidate = f"{base}-{n}"
            self._next[base] = n + 1
        self.taken.add(candidate)
        return candidate
