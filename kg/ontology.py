"""The OWL ontology (ontology/nato-russia.ttl) for other tools.

owlready2 reads RDF/XML, OWL/XML and N-Triples but not Turtle, so `load_owlready` hands it
the ontology as N-Triples converted by rdflib, in a fresh World, with no network access.
"""
from __future__ import annotations

import io
from pathlib import Path

from rdflib import Graph

from kg.rules import ONTOLOGY

ONTOLOGY_IRI = "https://w3id.org/nato-russia-kg/ontology"


def load_owlready(world=None, path: Path = ONTOLOGY):
    import owlready2

    world = world or owlready2.World()
    g = Graph()
    g.parse(path, format="turtle")
    data = io.BytesIO(g.serialize(format="nt", encoding="utf-8"))
    return world.get_ontology(ONTOLOGY_IRI).load(fileobj=data, format="ntriples", only_local=True)
