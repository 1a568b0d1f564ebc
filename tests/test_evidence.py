"""Every fact is traceable: document, quoted sentence, exact offsets, rule id."""
from rdflib import RDF
from rdflib.namespace import PROV

from conftest import SEEDS
from kg.graph import G_ONTOLOGY, G_VOCAB, doc_graph
from kg.model import KG, NIF


def seed_texts():
    return {p.stem: p.read_text(encoding="utf-8").removeprefix("\ufeff") for p in SEEDS.glob("*.txt")}


def test_every_evidence_and_claim_offset_slices_exactly_its_quote(ds):
    texts = seed_texts()
    checked = 0
    for rec_type in (KG.Evidence, KG.Claim):
        for rec in ds.subjects(RDF.type, rec_type):
            doc = ds.value(rec, PROV.wasDerivedFrom)
            doc_id = str(doc).rsplit("/", 1)[-1]
            start, end = int(ds.value(rec, NIF.beginIndex)), int(ds.value(rec, NIF.endIndex))
            assert texts[doc_id][start:end] == str(ds.value(rec, NIF.anchorOf)), rec
            assert ds.value(rec, PROV.wasGeneratedBy) is not None, rec
            checked += 1
    assert checked > 500


def test_every_extracted_triple_has_an_evidence_record_in_its_document_graph(built, ds):
    for doc in built.docs:
        g = ds.graph(doc_graph(doc.id))
        provenance = set()
        for t in (KG.Evidence, KG.Claim, KG.Document):
            provenance |= set(g.subjects(RDF.type, t))
        supported = {(g.value(e, RDF.subject), g.value(e, RDF.predicate), g.value(e, RDF.object))
                     for e in g.subjects(RDF.type, KG.Evidence)}
        bare = [t for t in g if t[0] not in provenance and t not in supported]
        assert bare == [], f"{doc.id}: facts without evidence: {bare[:5]}"


def test_evidence_names_an_existing_rule_with_its_description(built, ds):
    vocab = ds.graph(G_VOCAB)
    rules = {str(r) for r in vocab.subjects(RDF.type, KG.ExtractionRule)}
    for rec in ds.subjects(RDF.type, KG.Evidence):
        rule = ds.value(rec, PROV.wasGeneratedBy)
        assert str(rule) in rules, rule
    from rdflib import RDFS
    from rdflib.namespace import DCTERMS

    for r in vocab.subjects(RDF.type, KG.ExtractionRule):
        assert str(vocab.value(r, RDFS.comment) or "").strip(), f"{r}: rule without description"
        rule_id = str(vocab.value(r, DCTERMS.identifier))
        assert rule_id in built.book.files, f"{rule_id}: not a rule of kg/rules"


def test_one_named_graph_per_document_plus_ontology_and_vocabulary(built, ds):
    names = {g.identifier for g in ds.graphs() if len(g)}
    assert names == {G_ONTOLOGY, G_VOCAB} | {doc_graph(d.id) for d in built.docs}


def test_every_entity_has_exactly_one_label(ds):
    from rdflib import RDFS

    for s in set(ds.subjects(RDF.type, None)):
        if (s, RDF.type, KG.Evidence) in ds or (s, RDF.type, KG.Claim) in ds:
            continue
        labels = set(ds.objects(s, RDFS.label))
        assert len(labels) == 1, (s, labels)
