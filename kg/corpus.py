"""Stage 1: read the seed documents and their hand-curated catalogue."""
from __future__ import annotations

import re
from pathlib import Path

from kg.errors import CorpusError
from kg.model import DateValue, Document
from kg.yamlfile import load_yaml

CATALOGUE = "catalogue.yaml"
MAX_BYTES = 5_000_000
# A document's id is its file name without .txt, and it is part of IRIs (doc/ID, graph/doc/ID,
# evidence/ID/...), so it is kept to characters that need no escaping anywhere.
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def load_catalogue(seeds: Path) -> dict:
    path = seeds / CATALOGUE
    if not path.exists():
        return {}
    data = load_yaml(path, CorpusError, "fix the catalogue") or {}
    if isinstance(data, dict) and set(data) == {"documents"} and isinstance(data["documents"], list):
        data = data["documents"]  # also written as a list: documents: [{id: ..., date: ...}, ...]
    if isinstance(data, list):
        out = {}
        for i, entry in enumerate(data, start=1):
            if not isinstance(entry, dict) or not entry.get("id"):
                raise CorpusError(f"{path}: entry {i} of the document list has no id; give each entry 'id: <file name without .txt>'")
            doc_id = str(entry["id"])
            if doc_id in out:
                raise CorpusError(f"{path}: document {doc_id} is listed twice; merge the two entries")
            out[doc_id] = {k: v for k, v in entry.items() if k != "id"}
        return out
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: expected a mapping of document id to metadata (or a list under 'documents:')")
    for doc_id, meta in data.items():
        if not isinstance(meta, (dict, type(None))):
            raise CorpusError(f"{path}: {doc_id}: expected its metadata as a mapping (title:, date:, ...)")
    return data


def read_text(path: Path) -> str:
    import stat

    try:
        st = path.stat()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror}); check the file") from None
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise CorpusError(f"{path}: {kind}; only regular UTF-8 .txt files belong in the seeds folder")
    if st.st_size > MAX_BYTES:
        raise CorpusError(f"{path}: {st.st_size} bytes is over the {MAX_BYTES}-byte limit; split the document")
    with path.open("rb") as fh:
        raw = fh.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise CorpusError(f"{path}: {len(raw)} bytes is over the {MAX_BYTES}-byte limit; split the document")
    if b"\x00" in raw:
        raise CorpusError(f"{path}: looks binary (NUL bytes); only UTF-8 text files belong in the seeds folder")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 (byte {exc.start}); re-encode it as UTF-8") from None
    return text.removeprefix("\ufeff")


_MONTH = r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
DATELINE = re.compile(  # "BRUSSELS, Nov. 20, 2010 —", "MOSCOW, 12 December 2007 (RIA Novosti) -", "WASHINGTON, June 3, 1999 /AFPS/"
    r"^\s*[A-Z][A-Z.'\- ]{2,30}(?:,\s*[A-Z][A-Za-z.\- ]{1,30})?,\s*"
    rf"(?:{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+|(?P<day2>\d{{1,2}})\s+{_MONTH.replace('month', 'month2')}\s*,?\s+)"
    r"(?P<year>(?:19|20)\d\d)\b")


def dateline_date(text: str) -> DateValue | None:
    """The day a dateline at the top of a news item gives, if it has a year; otherwise None."""
    import calendar
    import datetime as dt

    for line in [ln for ln in text.splitlines() if ln.strip()][:3]:
        m = DATELINE.match(line)
        if m:
            month = (m.group("month") or m.group("month2"))[:3].lower()
            mon = [a.lower() for a in calendar.month_abbr].index(month)
            try:
                return DateValue(dt.date(int(m.group("year")), mon, int(m.group("day") or m.group("day2"))).isoformat(), "day")
            except ValueError:
                return None
    return None


def safe_name(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._") or "document"


def load_corpus(seeds: Path, warnings: list[str] | None = None) -> list[Document]:
    """Every *.txt file in `seeds`, sorted by name, with its catalogue metadata.

    Problems that make the graph wrong raise CorpusError; an empty file is only worth a warning
    (appended to `warnings`), and the document is kept so the summary lists it as giving no facts.
    """
    seeds = Path(seeds)
    if not seeds.is_dir():
        raise CorpusError(f"{seeds}: seeds folder not found; pass --seeds DIR")
    catalogue = load_catalogue(seeds)
    docs = []
    root = seeds.resolve()
    ids: dict[str, Path] = {}
    for path in sorted(seeds.glob("*.txt")):
        if root not in path.resolve().parents:
            raise CorpusError(f"{path}: points outside the seeds folder; copy the file in instead of linking it")
        doc_id = path.stem
        if not SAFE_ID.match(doc_id):
            raise CorpusError(f"{path}: the file name is the document's id and part of its IRIs, so only letters, digits, "
                              f"'.', '_' and '-' may be used; rename it, e.g. to {safe_name(doc_id)}.txt")
        twin = ids.setdefault(doc_id.casefold(), path)
        if twin != path:
            raise CorpusError(f"{path}: same document id as {twin.name} but for letter case; rename one of them")
        meta = catalogue.get(doc_id) or {}
        date, note = None, meta.get("date_note")
        if meta.get("date"):
            try:
                date = DateValue.parse(str(meta["date"]))
            except ValueError as exc:
                raise CorpusError(f"{seeds / CATALOGUE}: {doc_id}: {exc}") from None
        text = read_text(path)
        if date is None:
            date = dateline_date(text)
            if date is not None:
                note = f"From the dateline of the text ({date.value}); no date in the catalogue."
        docs.append(
            Document(
                id=doc_id,
                path=path,
                text=text,
                title=meta.get("title") or doc_id,
                date=date,
                date_note=note,
                speaker=meta.get("speaker"),
                role=meta.get("role"),
                voice=meta.get("voice"),
                publisher=meta.get("publisher"),
                kind=meta.get("kind"),
                parties=tuple(meta.get("parties") or ()),
            )
        )
    if warnings is not None:
        warnings.extend(f"{d.path}: empty document; it is built but gives no facts" for d in docs if not d.text.strip())
        have = {d.id for d in docs}
        warnings.extend(f"{seeds / CATALOGUE}: entry {doc_id} names no {doc_id}.txt in this folder, so its metadata is unused; "
                        f"check the id against the file names" for doc_id in sorted(catalogue, key=str) if str(doc_id) not in have)
    if not docs:
        raise CorpusError(f"{seeds}: no .txt documents found; add seed texts or pass --seeds DIR")
    return docs
