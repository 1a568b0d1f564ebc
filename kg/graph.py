"""Stage 5: facts + evidence -> an rdflib Dataset.

Named graphs:
  <id/graph/ontology>     the OWL ontology (ontology/nato-russia.ttl)
  <id/graph/vocabulary>   labels, aliases and comments of the entities the texts mention, and
                          the extraction rules that produced evidence (curated, not extracted)
  <id/graph/doc/DOC>      one per document: its catalogue metadata, every fact extracted from
                          it, one kg:Evidence record per fact, and kg:Claim records for what the
                          document says but does not assert (negated, proposed, expected, ...)
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import RDF, RDFS, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS, XSD

from kg.extract import entity_iri
from kg.model import ID, KG, NIF, Document, Fact
from kg.rules import ONTOLOGY, Rulebook

G_ONTOLOGY = ID["graph/ontology"]
G_VOCAB = ID["graph/vocabulary"]
PREFIXES = {"kg": KG, "prov": PROV, "dcterms": DCTERMS, "skos": SKOS, "nif": NIF,
            "owl": OWL, "rdf": RDF, "rdfs": RDFS, "xsd": XSD}
# One prefix per IRI folder, so that IRIs read as state:russia, agreement:cfe-treaty, ...
FOLDERS = ("person", "state", "org", "agreement", "event", "place", "vessel", "dispute", "proposal",
           "area", "policy", "position", "relationship", "doc", "evidence", "claim", "rule", "graph")
PREFIXES.update({f: Namespace(str(ID) + f + "/") for f in FOLDERS})


def doc_graph(doc_id: str) -> URIRef:
    return ID[f"graph/doc/{doc_id}"]


def _hash(*parts) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:12]


def new_dataset() -> Dataset:
    ds = Dataset(default_union=True)
    for p, ns in PREFIXES.items():
        ds.bind(p, ns, override=True, replace=True)
    return ds


def build_dataset(docs: list[Document], facts: list[Fact], book: Rulebook, ontology: Path = ONTOLOGY) -> Dataset:
    ds = new_dataset()
    onto = ds.graph(G_ONTOLOGY)
    onto.parse(ontology, format="turtle")
    vocab = ds.graph(G_VOCAB)

    facts = _one_label_per_node(facts)
    facts = facts + _unknown_dates(facts, ontology)
    rules_used: set[str] = set()
    entities_used: set[URIRef] = set()
    by_doc: dict[str, list[Fact]] = {}
    for f in facts:
        by_doc.setdefault(f.evidence.doc, []).append(f)

    for doc in docs:
        g = ds.graph(doc_graph(doc.id))
        _document(g, doc, book)
        for f in by_doc.get(doc.id, []):
            ev = f.evidence
            rules_used.add(ev.rule)
            entities_used.update(x for x in (f.s, f.o) if isinstance(x, URIRef))
            if f.mode == "asserted":
                g.add((f.s, f.p, f.o))
                rec = ID[f"evidence/{doc.id}/{_hash(f.s, f.p, f.o, ev.sent, ev.rule)}"]
                g.add((rec, RDF.type, KG.Evidence))
            else:
                rec = ID[f"claim/{doc.id}/{_hash(f.s, f.p, f.o, f.mode, ev.sent, ev.rule)}"]
                g.add((rec, RDF.type, KG.Claim))
                g.add((rec, KG.mode, KG[f.mode]))
                g.add((rec, KG.inDocument, doc.iri))
                g.add((rec, KG.rule, ID[f"rule/{ev.rule}"]))
            g.add((rec, RDF.subject, f.s))
            g.add((rec, RDF.predicate, f.p))
            g.add((rec, RDF.object, f.o))
            g.add((rec, PROV.wasDerivedFrom, doc.iri))
            g.add((rec, PROV.wasGeneratedBy, ID[f"rule/{ev.rule}"]))
            g.add((rec, NIF.anchorOf, Literal(ev.quote)))
            g.add((rec, NIF.beginIndex, Literal(ev.start)))
            g.add((rec, NIF.endIndex, Literal(ev.end)))
            g.add((rec, KG.sentenceIndex, Literal(ev.sent)))

    for eid, ent in book.entities.items():
        iri = entity_iri(book, eid)
        if iri not in entities_used:
            continue
        vocab.add((iri, RDFS.label, Literal(ent.label, lang="en")))
        for alias in sorted({*ent.aliases, *ent.aliases_ci} - {ent.label}):
            vocab.add((iri, SKOS.altLabel, Literal(alias, lang="en")))
        if ent.comment:
            vocab.add((iri, RDFS.comment, Literal(ent.comment, lang="en")))
    for rid in sorted(rules_used):
        r = ID[f"rule/{rid}"]
        vocab.add((r, RDF.type, KG.ExtractionRule))
        vocab.add((r, DCTERMS.identifier, Literal(rid)))
        vocab.add((r, RDFS.label, Literal(rid)))
        vocab.add((r, RDFS.comment, Literal(book.description(rid), lang="en")))
        vocab.add((r, DCTERMS.source, Literal("kg/rules/" + book.files.get(rid, "gazetteer.yaml"))))
    return ds


def _document(g: Graph, doc: Document, book: Rulebook) -> None:
    d = doc.iri
    g.add((d, RDF.type, KG.Document))
    g.add((d, RDFS.label, Literal(doc.title, lang="en")))
    g.add((d, DCTERMS.title, Literal(doc.title, lang="en")))
    g.add((d, DCTERMS.identifier, Literal(doc.id)))
    g.add((d, DCTERMS.source, Literal(f"seeds/{doc.path.name}")))
    g.add((d, KG.characterCount, Literal(len(doc.text))))
    if doc.date:
        g.add((d, DCTERMS.date, doc.date.literal()))
        g.add((d, KG.datePrecision, Literal(doc.date.precision)))
    if doc.date_note:
        g.add((d, RDFS.comment, Literal(doc.date_note, lang="en")))
    if doc.kind:
        g.add((d, DCTERMS.type, Literal(doc.kind)))
    if doc.publisher:
        g.add((d, DCTERMS.publisher, Literal(doc.publisher)))
    if doc.speaker in book.entities:
        g.add((d, DCTERMS.creator, entity_iri(book, doc.speaker)))
    if doc.voice in book.entities:
        g.add((d, KG.voice, entity_iri(book, doc.voice)))


def _unknown_dates(facts: list[Fact], ontology: Path) -> list[Fact]:
    """Events no text dates say so (kg:dateUnknown true), with the evidence that introduced them."""
    from kg.rules import load_ontology

    events = {KG[c] for c in load_ontology(ontology).expand("Event")}
    dated = {f.s for f in facts if f.p == KG.date and f.mode == "asserted"}
    out, seen = [], set()
    for f in facts:
        if f.p == RDF.type and f.o in events and f.mode == "asserted" and f.s not in dated and f.s not in seen:
            seen.add(f.s)
            out.append(Fact(f.s, KG.dateUnknown, Literal(True), f.evidence))
    return out


def _one_label_per_node(facts: list[Fact]) -> list[Fact]:
    """A node made by rules gets exactly one rdfs:label: the first one produced, in corpus order."""
    first: dict[URIRef, Literal] = {}
    out = []
    for f in facts:
        if f.p == RDFS.label and f.mode == "asserted":
            if f.s in first and first[f.s] != f.o:
                continue
            first.setdefault(f.s, f.o)
        out.append(f)
    return out
