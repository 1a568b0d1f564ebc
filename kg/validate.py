"""Reasoning and validation: OWL 2 DL consistency with HermiT (owlready2) and SHACL shapes (pyshacl).

- HermiT runs in a child process with a time limit (owlready2's call has none), on a fresh
  owlready2 World, with the ontology and the asserted facts about entities (types and object
  properties; literals and provenance records are left out, so HermiT never sees xsd:date values).
- What HermiT infers (types from subclasses, domains and ranges, inverse and transitive
  properties) goes into its own named graph <id/graph/inferred>, never mixed with extracted facts.
- SHACL shapes (ontology/shapes.ttl) check evidence records, offsets, dates, labels, people and
  positions; each result names the focus node and the shape's label. That every extracted triple
  has an evidence record is checked alongside, in Python (see evidence_gaps).
"""
from __future__ import annotations

import io
import multiprocessing
import queue
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Dataset, Graph, Literal, URIRef

from kg.errors import KGError
from kg.model import ID, KG
from kg.rules import ONTOLOGY

SHAPES = ONTOLOGY.parent / "shapes.ttl"
G_INFERRED = ID["graph/inferred"]
REASONER_TIMEOUT = 120.0
PROVENANCE_TYPES = {KG.Evidence, KG.Claim}


class ReasonerError(KGError):
    """The reasoner could not run (Java missing, time limit, crash): exit code 2."""


@dataclass
class Violation:
    focus: str
    shape: str
    message: str
    severity: str = "Violation"  # Violation (the graph is wrong) | Warning (incomplete: reported, exit 0)


@dataclass
class Report:
    consistent: bool | None = None
    inconsistency: str = ""
    inferred: list[tuple] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return self.consistent is not False and not self.errors

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "Violation"]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if v.severity != "Violation"]


# ------------------------------------------------------------------------------------ OWL

def _provenance_records(ds: Dataset) -> set:
    return {s for t in PROVENANCE_TYPES for s in ds.subjects(RDF.type, t)}


def reasoner_input(ds: Dataset, skip: set | None = None) -> bytes:
    """N-Triples for HermiT: ontology + types and object-property facts between resources.

    skip: the evidence and claim records to leave out (found here when not given)."""
    g = Graph()
    skip = _provenance_records(ds) if skip is None else skip
    for s, p, o in ds.triples((None, None, None)):
        if s in skip or isinstance(o, Literal) or p in (RDF.subject, RDF.predicate, RDF.object):
            continue
        if str(p).startswith(("http://www.w3.org/ns/prov#", "http://persistence.uni-leipzig")):
            continue
        g.add((s, p, o))
    return g.serialize(format="nt", encoding="utf-8")


def _reason_child(data: bytes, entities: list[str], properties: list[str], out: multiprocessing.Queue) -> None:
    """Runs in a child process: HermiT on a fresh World; puts (status, payload) on the queue.

    The payload is every (entity, property, value) and (entity, rdf:type, class) that holds after
    reasoning, read back through owlready2's API; the parent keeps those not already asserted.
    """
    try:
        import owlready2

        world = owlready2.World()
        world.get_ontology("https://w3id.org/nato-russia-kg/all").load(fileobj=io.BytesIO(data), format="ntriples",
                                                                       only_local=True)
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            out.put(("inconsistent", _explain_inconsistency(world, str(exc)), time.time()))
            return
        props = [(iri, world[iri]) for iri in properties if world[iri] is not None]
        triples = []
        for iri in entities:
            ind = world[iri]
            if ind is None or not hasattr(ind, "is_a"):
                continue
            for cls in ind.is_a:
                for anc in getattr(cls, "ancestors", lambda: [])():
                    if getattr(anc, "iri", "").startswith(str(KG)):
                        triples.append((iri, str(RDF.type), anc.iri))
            for piri, prop in props:
                try:
                    values = prop[ind]
                except Exception:  # noqa: BLE001 - property not applicable to this individual
                    continue
                for v in values:
                    if hasattr(v, "iri"):
                        triples.append((iri, piri, v.iri))
        out.put(("ok", triples, time.time()))
    except Exception as exc:  # noqa: BLE001 - reported to the parent as one line
        out.put(("error", f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}",
                 time.time()))


def _explain_inconsistency(world, message: str) -> str:
    """Name the individuals HermiT puts in owl:Nothing, where it tells us."""
    try:
        bad = [str(x.iri) for x in world.inconsistent_classes()]
    except Exception:  # noqa: BLE001
        bad = []
    return "; ".join(bad) if bad else message.strip().splitlines()[0] if message.strip() else "inconsistent"


class ReasonerJob:
    """HermiT running in a child process, started now and collected later, so that a build can
    do other work (SHACL, the page) while the JVM reasons."""

    def __init__(self, ds: Dataset, timeout: float = REASONER_TIMEOUT):
        if shutil.which("java") is None:
            raise ReasonerError("Java is not installed, so HermiT cannot run; install a JRE (apt-get install default-jre-headless)")
        self.timeout = timeout
        skip = _provenance_records(ds)
        data = reasoner_input(ds, skip)
        entities = sorted({str(s) for s in ds.subjects(RDF.type, None) if s not in skip and str(s).startswith(str(ID))})
        properties = sorted(str(p) for p in ds.subjects(RDF.type, OWL.ObjectProperty) if str(p).startswith(str(KG)))
        ctx = multiprocessing.get_context("spawn")
        self.queue: multiprocessing.Queue = ctx.Queue()
        self.proc = ctx.Process(target=_reason_child, args=(data, entities, properties, self.queue), daemon=True)
        self.started = time.time()
        self.proc.start()

    def result(self) -> tuple[bool, list[tuple], str]:
        """(consistent, inferred triples, explanation) or ReasonerError."""
        remaining = max(0.0, self.timeout - (time.time() - self.started))
        try:
            status, payload, finished = self.queue.get(timeout=remaining)
            if finished - self.started > self.timeout:  # done, but only after the limit
                raise queue.Empty
        except queue.Empty:
            raise ReasonerError(f"HermiT did not finish within {self.timeout:g} s; raise --timeout or simplify the data; "
                                "no inferred graph was written") from None
        finally:
            if self.proc.is_alive():
                self.proc.kill()
            self.proc.join(5)
            _kill_java_children()
        if status == "error":
            raise ReasonerError(f"HermiT failed ({payload}); no inferred graph was written")
        if status == "inconsistent":
            return False, [], payload
        return True, sorted({(URIRef(s), URIRef(p), URIRef(o)) for s, p, o in payload}), ""


def reason(ds: Dataset, timeout: float = REASONER_TIMEOUT) -> tuple[bool, list[tuple], str]:
    """(consistent, inferred triples, explanation) or ReasonerError."""
    return ReasonerJob(ds, timeout).result()


def _kill_java_children() -> None:
    """The HermiT JVM is a grandchild; a killed child process can leave it running."""
    import psutil

    for child in psutil.Process().children(recursive=True):
        if "java" in child.name():
            child.kill()


def add_inferred(ds: Dataset, triples: list[tuple]) -> int:
    """Inferred triples that are not already asserted go to <id/graph/inferred>; returns how many."""
    g = ds.graph(G_INFERRED)
    n = 0
    for t in triples:
        if t not in ds and t[1] != OWL.sameAs and not (t[1] == RDF.type and t[2] in (OWL.Thing, OWL.NamedIndividual)):
            g.add(t)
            n += 1
    return n


# ------------------------------------------------------------------------------------ SHACL

def shacl(ds: Dataset, shapes: Path = SHAPES) -> list[Violation]:
    from pyshacl import validate as pyshacl_validate

    data = Graph()
    for t in ds.triples((None, None, None)):
        data.add(t)
    sg = Graph()
    try:
        sg.parse(shapes, format="turtle")
    except Exception as exc:  # noqa: BLE001
        raise KGError(f"{shapes}: cannot parse the shapes ({exc}); fix the Turtle") from None
    _, results, _ = pyshacl_validate(data, shacl_graph=sg, inference="none", allow_warnings=True)
    SH = "http://www.w3.org/ns/shacl#"
    out = []
    for r in results.subjects(RDF.type, URIRef(SH + "ValidationResult")):
        focus = results.value(r, URIRef(SH + "focusNode"))
        source = results.value(r, URIRef(SH + "sourceShape"))
        label = _shape_label(sg, source)
        msg = results.value(r, URIRef(SH + "resultMessage"))
        path = results.value(r, URIRef(SH + "resultPath"))
        severity = str(results.value(r, URIRef(SH + "resultSeverity")) or SH + "Violation")[len(SH):]
        shape_msg = sg.value(source, URIRef(SH + "message"))
        text = str(msg) if msg else "violation"
        if "must conform to one or more shapes" in text:
            text = str(shape_msg).replace("{$this}", _short(focus)) if shape_msg else "has none of the alternatives the shape requires"
        text = text.replace("{$this}", _short(focus))
        if path is not None and not isinstance(path, Literal):
            text = f"{_short(path)}: {text}"
        out.append(Violation(_short(focus), label, text, severity))
    return sorted(out, key=lambda v: (v.shape, v.focus, v.message))


def _shape_label(sg: Graph, shape) -> str:
    """The label of the node shape a (possibly blank) property shape belongs to."""
    SH = "http://www.w3.org/ns/shacl#"
    label = sg.value(shape, RDFS.label)
    if label is None:
        for parent in sg.subjects(URIRef(SH + "property"), shape):
            label = sg.value(parent, RDFS.label)
        for parent in sg.subjects(None, shape):
            label = label or sg.value(parent, RDFS.label)
    return str(label) if label is not None else str(shape)


def _short(term) -> str:
    from kg.query import short

    return short(term)


def disjointness_clashes(ds: Dataset) -> str:
    """Name the individuals typed with two disjoint classes (the usual cause of an inconsistency)."""
    from kg.rules import load_ontology

    onto = load_ontology()
    pairs = [(a, b) for a, b in ds.subject_objects(OWL.disjointWith)]
    found = []
    types: dict = {}
    for s_, o in ds.subject_objects(RDF.type):
        if str(o).startswith(str(KG)):
            types.setdefault(s_, set()).add(str(o)[len(str(KG)):])
    for ind, ts in sorted(types.items(), key=lambda kv: str(kv[0])):
        for a, b in pairs:
            la, lb = str(a)[len(str(KG)):], str(b)[len(str(KG)):]
            if la in onto.classes and lb in onto.classes and ts & onto.expand(la) and ts & onto.expand(lb):
                found.append(f"{_short(ind)} is both {_short(a)} and {_short(b)}, which are disjoint")
    return "; ".join(sorted(set(found)))


def evidence_gaps(ds: Dataset) -> list[Violation]:
    """Every extracted triple of a document graph has an evidence record in that graph.

    (The same check as a SHACL-SPARQL constraint needs a NOT EXISTS per triple, which takes over
    a minute in rdflib's SPARQL engine; here it is a set difference.)
    """
    out = []
    for g in ds.graphs():
        if not str(g.identifier).startswith(str(ID["graph/doc/"])):
            continue
        provenance = {s for t in (KG.Evidence, KG.Claim, KG.Document) for s in g.subjects(RDF.type, t)}
        supported = {(g.value(e, RDF.subject), g.value(e, RDF.predicate), g.value(e, RDF.object))
                     for e in g.subjects(RDF.type, KG.Evidence)}
        for t in sorted(g, key=str):
            if t[0] not in provenance and t not in supported:
                out.append(Violation(_short(t[0]), "fact-has-evidence",
                                     f"{_short(t[1])} {_short(t[2])}: no evidence record in {_short(g.identifier)}"))
    return out


# ------------------------------------------------------------------------------------ both

def validate(ds: Dataset, timeout: float = REASONER_TIMEOUT, materialise: bool = True, during=None,
             reasoner: bool = True) -> Report:
    """HermiT and SHACL; `during()` (if given) runs in this process while HermiT reasons.

    reasoner=False checks the shapes only (report.consistent stays None).
    """
    report = Report()
    job = ReasonerJob(ds, timeout) if reasoner else None
    report.violations = evidence_gaps(ds) + shacl(ds)  # extracted facts only, never the inferred graph
    if during is not None:
        during()
    if job is None:
        return report
    consistent, inferred, why = job.result()
    if not consistent:
        why = disjointness_clashes(ds) or f"HermiT found the ontology and data inconsistent ({why})"
    report.consistent = consistent
    report.inconsistency = why
    if consistent and materialise:
        add_inferred(ds, inferred)
        report.inferred = sorted(ds.graph(G_INFERRED))
    return report
