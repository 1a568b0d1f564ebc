"""Stage 1: read the seed documents and their hand-curated catalogue."""
from __future__ import annotations

from pathlib import Path

import yaml

from kg.errors import CorpusError
from kg.model import DateValue, Document

CATALOGUE = "catalogue.yaml"
MAX_BYTES = 5_000_000


def load_catalogue(seeds: Path) -> dict:
    path = seeds / CATALOGUE
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise CorpusError(f"{path}{where}: invalid YAML ({getattr(exc, 'problem', exc)}); fix the catalogue") from None
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


def load_corpus(seeds: Path) -> list[Document]:
    """Every *.txt file in `seeds`, sorted by name, with its catalogue metadata."""
    seeds = Path(seeds)
    if not seeds.is_dir():
        raise CorpusError(f"{seeds}: seeds folder not found; pass --seeds DIR")
    catalogue = load_catalogue(seeds)
    docs = []
    root = seeds.resolve()
    for path in sorted(seeds.glob("*.txt")):
        if root not in path.resolve().parents:
            raise CorpusError(f"{path}: points outside the seeds folder; copy the file in instead of linking it")
        doc_id = path.stem
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
    if not docs:
        raise CorpusError(f"{seeds}: no .txt documents found; add seed texts or pass --seeds DIR")
    return docs
