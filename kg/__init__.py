"""nato-russia-kg: a knowledge graph of NATO-Russia relations built from diplomatic texts.

Stages (one module each, one direction of flow):

    corpus   documents + catalogue          -> list[Document]
    rules    YAML rules, validated          -> Rulebook
    nlp      sentences + mentions (spaCy)   -> list[AnalysedDoc]
    extract  relation rules                 -> list[Fact]
    graph    facts + evidence -> rdflib Dataset (one named graph per document)
    serialize deterministic files, written atomically
"""

__version__ = "0.1.0"
