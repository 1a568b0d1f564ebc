"""A synthetic corpus made from the seeds, for scale tests and benchmarks.

`factor` copies of every seed document; copy 0 is the seed itself, and copy k >= 1 is a
different document that the same rules still read:
- its years (1950-2039, in the text and the catalogue date) are shifted by one of -5 ... +5,
  so relative dates resolve to other dates and events get other date-bearing IRIs;
- people's full names are exchanged along a rotation of the gazetteer's people (the speaker's
  catalogue id with them), and so are five interchangeable cities (Moscow stays: the rules read
  "Moscow" as Russia when it acts);
- its id is `<seed id>-x<k>` and its title says which copy it is.
The output is deterministic: the same seeds and factor give the same bytes.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from kg.corpus import CATALOGUE, load_catalogue, read_text
from kg.errors import KGError
from kg.rules import Rulebook, load_rulebook

CITIES = ("brussels", "rome", "bucharest", "lisbon", "st-petersburg")
YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-3]\d)(?!\d)")


def _rotation(ids: list[str], k: int) -> dict[str, str]:
    return {a: ids[(i + k) % len(ids)] for i, a in enumerate(ids)}


def _names(book: Rulebook, ids: dict[str, str]) -> tuple[re.Pattern | None, dict[str, str]]:
    """One regex over the labels of `ids` and what each label becomes (no chained replacements)."""
    swap = {book.entities[a].label: book.entities[b].label for a, b in ids.items() if a != b}
    if not swap:
        return None, {}
    alternation = "|".join(re.escape(label) for label in sorted(swap, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])"), swap


def vary(text: str, k: int, book: Rulebook) -> str:
    """Copy k of a text: years shifted, people and cities exchanged (k = 0: the text itself)."""
    if k == 0:
        return text
    shift = k % 11 - 5
    text = YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)
    people = sorted(i for i, e in book.entities.items() if e.cls == "Person")
    for ids in (_rotation(people, k), _rotation([c for c in CITIES if c in book.entities], k)):
        pattern, swap = _names(book, ids)
        if pattern:
            text = pattern.sub(lambda m: swap[m.group(0)], text)
    return text


def make_corpus(seeds: Path, dest: Path, factor: int, book: Rulebook | None = None) -> Path:
    """Write `factor` copies of the corpus in `seeds` to `dest` (which must not exist yet)."""
    if factor < 1:
        raise KGError("the scale factor must be 1 or more")
    if dest.exists():
        raise KGError(f"{dest}: already exists; give a new folder for the synthetic corpus")
    book = book or load_rulebook()
    catalogue = load_catalogue(seeds)
    people = sorted(i for i, e in book.entities.items() if e.cls == "Person")
    sources = sorted(seeds.glob("*.txt"))
    if not sources:
        raise KGError(f"{seeds}: no .txt documents to copy")
    dest.mkdir(parents=True)
    out_cat = {}
    for k in range(factor):
        for path in sources:
            doc_id = path.stem if k == 0 else f"{path.stem}-x{k:04d}"
            (dest / f"{doc_id}.txt").write_text(vary(read_text(path), k, book), encoding="utf-8")
            meta = dict(catalogue.get(path.stem) or {})
            if k:
                if meta.get("date"):
                    meta["date"] = YEAR.sub(lambda m: str(int(m.group(1)) + k % 11 - 5), str(meta["date"]))
                if meta.get("title"):
                    meta["title"] = f"{vary(meta['title'], k, book)} (synthetic copy {k})"
                if meta.get("speaker") in people:
                    meta["speaker"] = _rotation(people, k)[meta["speaker"]]
            out_cat[doc_id] = meta
    (dest / CATALOGUE).write_text(yaml.safe_dump(out_cat, sort_keys=True, allow_unicode=True), encoding="utf-8")
    return dest
