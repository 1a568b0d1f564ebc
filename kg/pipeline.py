"""Wires the stages together: documents -> sentences/mentions -> facts -> RDF dataset."""
from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Dataset

from kg.corpus import load_corpus
from kg.extract import Extractor
from kg.graph import build_dataset, graph_quads
from kg.model import KG, AnalysedDoc, Document, Fact
from kg.nlp import Analyser
from kg.progress import Progress
from kg.rules import RULES_DIR, Rulebook, load_rulebook
from kg.store import OxigraphStore, RdflibStore, check_store


@dataclass
class BuildResult:
    """What a build made. With the rdflib store the graph is `dataset`; with the Oxigraph store,
    for corpora too large for rdflib, it is `lines` (N-Triples lines per named graph, see
    kg.serialize.quad_lines) and the store is made from them when something queries it."""
    docs: list[Document]
    analysed: list[AnalysedDoc]
    facts: list[Fact]
    dataset: Dataset | None
    book: Rulebook
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # one line each, naming the file
    lines: dict[str, list[str]] | None = None
    _store: object = None

    def store(self):
        """The graph as a kg.store store (the same interface for both)."""
        if self._store is None:
            self._store = RdflibStore(self.dataset) if self.dataset is not None else OxigraphStore.from_lines(self.lines)
        return self._store

    def serialized(self, fmt: str):
        """The graph in `fmt`: a string, or (built as lines) an iterator of text chunks."""
        from kg.serialize import serialize, serialize_lines

        return serialize(self.dataset, fmt) if self.dataset is not None else serialize_lines(self.lines, fmt)

    def _evidence_and_triples(self) -> tuple[int, int]:
        if self.dataset is not None:
            return sum(1 for _ in self.dataset.subjects(RDF.type, KG.Evidence)), len(self.dataset)
        from kg.serialize import union_lines

        evidence = f" <{RDF.type}> <{KG.Evidence}> ."
        return (sum(line.endswith(evidence) for lines in self.lines.values() for line in lines),
                sum(1 for _ in union_lines(self.lines)))

    def summary(self) -> dict:
        per_class = Counter()
        top = ["Person", "State", "Organization", "Agreement", "Event", "Place", "Dispute", "Proposal",
               "CooperationArea", "Vessel", "Policy", "Relationship", "Position", "Issue"]
        tops: dict = {}
        for f in self.facts:  # extracted types only: inferred supertypes would count entities twice
            if f.p == RDF.type and f.mode == "asserted":
                tops.setdefault(f.s, set()).add(self.book.top_class.get(str(f.o).split("#")[-1]))
        for found in tops.values():
            per_class[next(c for c in top if c in found)] += 1
        asserted = [f for f in self.facts if f.mode == "asserted"]
        evidence, triples = self._evidence_and_triples()
        with_facts = {f.evidence.doc for f in self.facts if not f.evidence.rule.startswith("gaz.")}  # one pass
        return {
            "documents": len(self.docs),
            "sentences": sum(len(a.sentences) for a in self.analysed),
            "words": sum(len(d.text.split()) for d in self.docs),
            "entities": {c: per_class[c] for c in top if per_class[c]},
            "facts": len({(f.s, f.p, f.o) for f in asserted}),
            "claims (not asserted)": len({(f.s, f.p, f.o, f.mode) for f in self.facts if f.mode != "asserted"}),
            "evidence records": evidence,
            "documents without facts": [a.doc.id for a in self.analysed if a.doc.id not in with_facts],
            "triples": triples,
        }


PARALLEL_MIN_CHARS = 2_000_000  # below this, starting worker processes costs more than it saves

_worker: tuple | None = None


def _init_worker(rules_dir: str) -> None:
    global _worker
    book = load_rulebook(Path(rules_dir))
    _worker = (Analyser(book), Extractor(book))


def _run(analyser: Analyser, extractor: Extractor, doc: Document) -> tuple[AnalysedDoc, list[Fact]]:
    ad = analyser.analyse(doc)
    return ad, extractor.extract(ad)


def _process(doc: Document) -> tuple[AnalysedDoc, list[Fact]]:
    return _run(*_worker, doc)


def extract_corpus(docs: list[Document], book: Rulebook, rules_dir: Path, jobs: int | None = None):
    """Sentences, mentions and facts for every document, in document order.

    Documents are independent, so a large corpus is spread over worker processes (one per
    core by default); results come back in the same order, so output stays deterministic.
    A long extraction shows a progress bar on a terminal.
    """
    jobs = jobs or os.cpu_count() or 1
    progress = Progress("extracting", len(docs))
    if jobs > 1 and len(docs) > 1 and sum(len(d.text) for d in docs) >= PARALLEL_MIN_CHARS:
        fork = sys.platform.startswith("linux")
        ctx = multiprocessing.get_context("fork" if fork else "spawn")
        init: dict = {"initializer": _init_worker, "initargs": (str(rules_dir),)}
        if fork:  # the workers inherit the pipeline built here, instead of each loading the rules again
            global _worker
            _worker, init = (Analyser(book), Extractor(book)), {}
        with ProcessPoolExecutor(jobs, mp_context=ctx, **init) as pool:
            pairs = []
            for pair in pool.map(_process, docs, chunksize=max(1, min(64, len(docs) // (jobs * 8)))):
                pairs.append(pair)
                progress.update(len(pairs))
    else:
        analyser, extractor = Analyser(book), Extractor(book)
        pairs = []
        for d in docs:
            pairs.append(_run(analyser, extractor, d))
            progress.update(len(pairs))
    progress.close()
    return [a for a, _ in pairs], [f for _, fs in pairs for f in fs]


def build(seeds: Path, rules_dir: Path = RULES_DIR, jobs: int | None = None, store: str = "rdflib") -> BuildResult:
    """The graph of the corpus in `seeds`. `store` "oxigraph" never builds an rdflib graph: the
    quads become sorted N-Triples lines (deterministic outputs) and Oxigraph answers queries."""
    check_store(store)
    times = {}
    t = time.perf_counter()
    book = load_rulebook(rules_dir)
    warnings: list[str] = []
    docs = load_corpus(seeds, warnings)
    times["load"] = time.perf_counter() - t
    t = time.perf_counter()
    analysed, facts = extract_corpus(docs, book, rules_dir, jobs)
    times["extract"] = time.perf_counter() - t
    t = time.perf_counter()
    if store == "rdflib":
        result = BuildResult(docs, analysed, facts, build_dataset(docs, facts, book), book, times, warnings)
    else:
        from kg.serialize import quad_lines

        bar = Progress("graph", len(docs))
        lines = quad_lines(graph_quads(docs, facts, book, progress=bar.update))
        bar.close()
        result = BuildResult(docs, analysed, facts, None, book, times, warnings, lines=lines)
    times["graph"] = time.perf_counter() - t
    return result
