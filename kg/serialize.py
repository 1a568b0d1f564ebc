"""Stage 6: deterministic serialisations, written atomically.

rdflib's plain Turtle and TriG writers do not promise a stable order, so:
- Turtle and TriG are written here from sorted triples (subjects, predicates, objects, graphs
  all in a fixed order, terms written by rdflib), checked byte-stable and lossless by tests;
- N-Triples lines are sorted;
- JSON-LD uses an inline context (no remote context is ever fetched) and sorted output.
Every file is written to a temporary file beside the target and moved into place with
os.replace once all of a command's outputs are written, so a failed or interrupted write never
leaves a half-written output, nor a mix of old and new ones.
"""
from __future__ import annotations

import heapq
import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rdflib import RDF, BNode, Dataset, Graph, URIRef

from kg.errors import KGError
from kg.graph import PREFIXES

FORMATS = ("ttl", "trig", "nt", "jsonld")


TEMP_SUFFIX = ".nrkg-tmp"


def check_folder(folder: Path, target: Path | None = None) -> bool:
    """Whether `folder` must be created for an output (`target`, named in errors); a one-line
    error if it cannot be.

    nrkg creates at most the last folder of an output path, as `mkdir` without -p does: `-o
    out/g.ttl` creates `out/` in an existing folder, but `-o /nonexistent/dir/g.ttl` is an error
    and creates nothing (a typo in a path should not leave a tree of folders behind).
    """
    folder = Path(folder)
    name = f"{target}: " if target is not None else ""
    if folder.is_dir():
        return False
    if folder.exists():
        raise KGError(f"{name}{folder} is not a folder, so nothing can be written inside it; choose another output path")
    parent = folder.parent
    if not parent.is_dir():
        raise KGError(f"{name}no folder {folder}, nor {parent} to create it in; create it first (mkdir -p {folder}) "
                      "or choose another output path")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise KGError(f"{name}no folder {folder}, and {parent} is not writable to create it in; choose another "
                      "output path")
    return True


def make_folder(folder: Path) -> bool:
    """Create `folder` if `check_folder` allows it; True if it was created here (the caller removes it on failure)."""
    if not check_folder(folder):
        return False
    try:
        Path(folder).mkdir()
    except FileExistsError:
        return False  # made meanwhile by someone else: theirs, not ours to remove
    except OSError as exc:
        raise KGError(f"{folder}: cannot create this folder ({exc.strerror}); choose another output path") from None
    return True


def remove_if_empty(folder: Path) -> None:
    """Undo `make_folder` after a failure: remove the folder if nothing is in it."""
    try:
        os.rmdir(folder)
    except OSError:
        pass


def atomic_write(path: Path, data: str | bytes) -> None:
    atomic_write_all({Path(path): data})


def atomic_write_all(files: dict[Path, str | bytes | Iterable[str]]) -> None:
    """Write every file to a temporary beside it, and only when all are written move them into place.

    The slow part (writing, fsync) happens before any output changes, so a failure or an
    interruption leaves every previous output as it was; the moves are renames. Temporaries are
    removed on any error or interruption here, and `remove_stale_temps` clears those of a
    process that was killed outright.
    """
    staged: list[tuple[str, Path]] = []
    created: list[Path] = []  # folders made here, removed again if the write fails
    for path in files:
        check_folder(path.parent, path)  # before anything is written: a bad path leaves nothing behind
    path = next(iter(files))  # the file being written or moved, for the error message
    try:
        umask = os.umask(0)
        os.umask(umask)
        for path, data in files.items():
            if make_folder(path.parent):
                created.append(path.parent)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
            staged.append((tmp, path))
            os.fchmod(fd, 0o666 & ~umask)
            with os.fdopen(fd, "wb") as fh:
                if isinstance(data, (str, bytes)):
                    fh.write(data.encode("utf-8") if isinstance(data, str) else data)
                else:  # chunks of text, for outputs too large to hold as one string
                    for chunk in data:
                        fh.write(chunk.encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException as exc:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
        for folder in reversed(created):
            remove_if_empty(folder)
        if isinstance(exc, OSError):
            raise KGError(f"{path}: cannot write ({exc.strerror or exc}); check the folder's permissions and free disk "
                          "space; the previous outputs are unchanged") from None
        raise


def remove_stale_temps(folder: Path) -> list[Path]:
    """Delete the temporaries a killed nrkg left in `folder` (call it while holding the folder's lock)."""
    stale = sorted(Path(folder).glob(f".*{TEMP_SUFFIX}"))
    for p in stale:
        p.unlink(missing_ok=True)
    return stale


@contextmanager
def output_lock(folder: Path):
    """Only one build writes to `folder` at a time; a second one fails at once instead of waiting.

    The lock is on the folder itself (flock on its descriptor), so it leaves no file behind and
    is released by the system if the process dies.
    """
    import fcntl

    folder = Path(folder)
    created = make_folder(folder)  # only the last folder of the path, and removed again if the build fails
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        if created:
            remove_if_empty(folder)
        raise KGError(f"{folder}: cannot use this output folder ({exc.strerror}); choose another --out") from None
    done = False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KGError(f"{folder}: another nrkg build is writing here; wait for it to finish, or pass another "
                          "--out") from None
        yield
        done = True
    finally:
        os.close(fd)
        if created and not done:
            remove_if_empty(folder)  # a failed build leaves no new folder behind


def _bound(g: Graph) -> Graph:
    for p, ns in PREFIXES.items():
        g.bind(p, ns, override=True, replace=True)
    return g


def union_graph(ds: Dataset) -> Graph:
    g = _bound(Graph())
    for t in ds.triples((None, None, None)):
        g.add(t)
    return g


def _header() -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(PREFIXES.items()))


def _key(term) -> tuple:
    return (0 if isinstance(term, URIRef) else 1 if isinstance(term, BNode) else 2, str(term),
            str(getattr(term, "datatype", "") or ""), str(getattr(term, "language", "") or ""))


def _blocks(triples, nm, indent: str = "") -> str:
    """Turtle statements, one block per subject, everything sorted: stable bytes for stable input.

    (rdflib's longturtle is also stable but about five times slower on large graphs.)
    """
    by_subject: dict = defaultdict(lambda: defaultdict(list))
    for s, p, o in triples:
        by_subject[s][p].append(o)
    out = []
    for s in sorted(by_subject, key=_key):
        preds = by_subject[s]
        order = sorted(preds, key=lambda p: (p != RDF.type, _key(p)))
        lines = []
        for p in order:
            objs = " , ".join(o.n3(nm) for o in sorted(preds[p], key=_key))
            lines.append(f"{indent}    {'a' if p == RDF.type else p.n3(nm)} {objs}")
        out.append(f"{indent}{s.n3(nm)}\n" + " ;\n".join(lines) + " .\n")
    return "\n".join(out)


def to_turtle(ds: Dataset) -> str:
    g = union_graph(ds)
    return _header() + "\n" + _blocks(g, g.namespace_manager)


def graph_turtle(g: Graph) -> str:
    """One graph as Turtle, sorted like the rest."""
    return _header() + "\n" + _blocks(g, _bound(Graph()).namespace_manager)


def to_trig(ds: Dataset) -> str:
    nm = _bound(Graph()).namespace_manager
    parts = [_header()]
    for ctx in sorted(ds.graphs(), key=lambda c: str(c.identifier)):
        if len(ctx) == 0:
            continue
        parts.append(f"\n<{ctx.identifier}> {{\n{_blocks(ctx, nm, '    ')}}}\n")
    return "".join(parts)


# Characters that Python's splitlines and many line-oriented tools take for a line end, though
# N-Triples allows them raw inside a literal; written as \u escapes, one triple stays one line.
LINE_BREAKS = str.maketrans({c: f"\\u{ord(c):04X}" for c in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"})


def to_ntriples(ds: Dataset) -> str:
    lines = union_graph(ds).serialize(format="nt").translate(LINE_BREAKS).split("\n")
    return "\n".join(sorted(set(line for line in lines if line.strip()))) + "\n"


def to_jsonld(ds: Dataset) -> str:
    context = {p: str(ns) for p, ns in sorted(PREFIXES.items())}
    data = json.loads(union_graph(ds).serialize(format="json-ld", context=context, auto_compact=True))
    graph = data.get("@graph", [])
    for node in graph:
        for k, v in node.items():
            if isinstance(v, list):
                node[k] = sorted(v, key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
    graph.sort(key=lambda n: n.get("@id", ""))
    return json.dumps({"@context": context, "@graph": graph}, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


WRITERS = {"ttl": to_turtle, "trig": to_trig, "nt": to_ntriples, "jsonld": to_jsonld}


def serialize(ds: Dataset, fmt: str) -> str:
    if fmt not in WRITERS:
        raise KGError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")
    return WRITERS[fmt](ds)


# --- large graphs: N-Triples lines instead of an rdflib graph ---------------------------------

LINES_HEADER = ("# NATO-Russia knowledge graph, written line by line for a large corpus (nrkg build --store oxigraph):\n"
                "# {what}, one triple a line in N-Triples syntax, sorted, so the file is also valid {fmt}.\n")


def quad_lines(quads) -> dict[str, list[str]]:
    """N-Triples lines (without the newline) per graph IRI, each graph's lines distinct and sorted.

    Deterministic by construction (sorted), whatever the order of `quads`, and about a tenth of
    the memory of an rdflib graph of the same triples.
    """
    from rdflib.plugins.serializers.nt import _nt_row

    by_graph: dict[str, set[str]] = {}
    for s, p, o, g in quads:
        by_graph.setdefault(str(g), set()).add(_nt_row((s, p, o)).translate(LINE_BREAKS)[:-1])
    return {g: sorted(lines) for g, lines in sorted(by_graph.items())}


def union_lines(by_graph: dict[str, list[str]]) -> Iterator[str]:
    """The distinct lines of all graphs, sorted (a merge: no second copy of the graph in memory)."""
    last = None
    for line in heapq.merge(*by_graph.values()):
        if line != last:
            yield line
            last = line


def _chunked(lines: Iterable[str], size: int = 20_000) -> Iterator[str]:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield "\n".join(batch) + "\n"
            batch.clear()
    if batch:
        yield "\n".join(batch) + "\n"


def trig_chunks(by_graph: dict[str, list[str]]) -> Iterator[str]:
    yield LINES_HEADER.format(what="every named graph", fmt="TriG")
    for g, lines in by_graph.items():
        yield f"<{g}> {{\n"
        yield from _chunked(lines)
        yield "}\n"


def turtle_chunks(by_graph: dict[str, list[str]]) -> Iterator[str]:
    yield LINES_HEADER.format(what="the union of the named graphs", fmt="Turtle")
    yield from _chunked(union_lines(by_graph))


def serialize_lines(by_graph: dict[str, list[str]], fmt: str) -> Iterator[str]:
    if fmt == "trig":
        return trig_chunks(by_graph)
    if fmt in ("ttl", "nt"):
        return turtle_chunks(by_graph)
    raise KGError(f"--format {fmt} is not written for a graph built with --store oxigraph; use ttl, nt or trig")
