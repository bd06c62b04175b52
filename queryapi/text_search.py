"""The cookbook's text search (queries/text-search.rq) answered from the full-text index.

The .rq finds goals and measures whose text contains a word with a CONTAINS scan over every
item, which grows with the corpus (seconds at 3,000 plans). The search index of the store's
generation (queryapi/search.py, trigram FTS5) holds what the .rq reads (the plan's title, the
item's label, text and source line, for every goal and measure of a plan with areas), so here
the index alone answers: a trigram MATCH narrows to the candidates, the .rq's own test
(CONTAINS, i.e. instr) keeps the exact ones, and the rows come in the .rq's order (plan title,
then line). Words of one or two characters, too short for trigrams, scan the index's table.
"""

from __future__ import annotations

import re
from pathlib import Path

from queryapi.search import SearchUnavailable, index_rows

COLUMNS = ("title", "label", "line")


def text_search(index: Path, word: str) -> list[dict[str, str]]:
    """The rows of queries/text-search.rq for `word` (plan, label, line), from the index."""
    if not word:
        raise ValueError("text search: expected a non-empty word")
    if not index.is_file():
        raise SearchUnavailable(f"{index.parent}: the store has no search index; rebuild it")
    if len(word) >= 3:
        where, arg = "items MATCH ?", 'text : "' + word.replace('"', '""') + '"'
    else:  # the trigram index cannot match one or two characters: LIKE over its table
        where, arg = "text LIKE ? ESCAPE '\\'", "%" + re.sub(r"([%_\\])", r"\\\1", word) + "%"
    rows = index_rows(
        index,
        f"SELECT plan_title, label, line FROM items WHERE {where}"
        " AND instr(text, ?) > 0 AND kind IN ('goal', 'measure') AND label != ''"
        " AND line != ''",
        [arg, word],
    )
    rows.sort(key=lambda r: (r[0], int(r[2])))
    return [
        dict(zip(COLUMNS, (title, label, str(line)), strict=True)) for title, label, line in rows
    ]
