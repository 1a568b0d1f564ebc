"""The ontology: OWL 2 in Turtle, documented, with domains and ranges, loadable by rdflib and owlready2."""
from rdflib import OWL, RDF, RDFS, Graph

from kg.model import KG
from kg.ontology import load_owlready
from kg.rules import ONTOLOGY

REQUIRED = ["Actor", "Person", "State", "Organization", "Agreement", "Event", "Dispute", "Position", "Place", "Document"]


def graph():
    g = Graph()
    g.parse(ONTOLOGY, format="turtle")
    return g


def test_core_classes_and_hierarchy():
    g = graph()
    for c in REQUIRED:
        assert (KG[c], RDF.type, OWL.Class) in g, c
    for c in ("Person", "State", "Organization"):
        assert (KG[c], RDFS.subClassOf, KG.Actor) in g
    for c in ("Treaty", "Declaration", "ActionPlan"):
        assert (KG[c], RDFS.subClassOf, KG.Agreement) in g
    for c in ("Signing", "Ratification", "EntryIntoForce", "Adoption", "Withdrawal", "Extension"):
        assert (KG[c], RDFS.subClassOf, KG.AgreementEvent) in g


def test_every_term_has_label_and_comment():
    g = graph()
    terms = {s for s in g.subjects() if str(s).startswith(str(KG))}
    assert len(terms) > 80
    for t in terms:
        assert g.value(t, RDFS.label) is not None, t
        assert g.value(t, RDFS.comment) is not None, t


def test_object_properties_have_domain_or_range_and_inverses_exist():
    g = graph()
    props = [p for p in g.subjects(RDF.type, OWL.ObjectProperty) if str(p).startswith(str(KG))]
    open_by_design = {KG.partOf}  # parts of organisations, places and events alike
    for p in props:
        if p in open_by_design:
            continue
        assert g.value(p, RDFS.domain) is not None or g.value(p, RDFS.range) is not None, p
    assert (KG.participant, OWL.inverseOf, KG.participatedIn) in g
    assert (KG.agreement, OWL.inverseOf, KG.lifeEvent) in g


def test_reuses_standard_vocabularies():
    text = ONTOLOGY.read_text(encoding="utf-8")
    for ns in ("http://www.w3.org/ns/prov#", "http://purl.org/dc/terms/", "http://www.w3.org/2004/02/skos/core#"):
        assert ns in text


def test_loads_in_owlready2_offline():
    onto = load_owlready()
    names = {c.name for c in onto.classes()}
    assert set(REQUIRED) <= names
    person = onto.search_one(iri=str(KG.Person))
    assert onto.search_one(iri=str(KG.Actor)) in person.is_a
