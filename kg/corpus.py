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
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: expected a mapping of document id to metadata")
    return data


def read_text(path: Path) -> str:
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise CorpusError(f"{path}: {len(raw)} bytes is over the {MAX_BYTES}-byte limit; split the document")
    if b"\x00" in raw:
        raise CorpusError(f"{path}: looks binary (NUL bytes); only UTF-8 text files belong in the seeds folder")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 (byte {exc.start}); re-encode it as UTF-8") from None
    return text.removeprefix("\ufeff")


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
        date = None
        if meta.get("date"):
            try:
                date = DateValue.parse(str(meta["date"]))
            except ValueError as exc:
                raise CorpusError(f"{seeds / CATALOGUE}: {doc_id}: {exc}") from None
        docs.append(
            Document(
                id=doc_id,
                path=path,
                text=read_text(path),
                title=meta.get("title") or doc_id,
                date=date,
                date_note=meta.get("date_note"),
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
    if not docs:
        raise CorpusError(f"{seeds}: no .txt documents found; add seed texts or pass --seeds DIR")
    return docs
