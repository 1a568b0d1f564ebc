"""Hostile inputs for `nrkg serve`, shared by the tests and bench/reliability.py (issue 13).

SSRF: query texts that try to make a store call `{url}` (a listener that must see no connection).
HOSTILE: queries that try to take the server's memory; HUGE_OUTPUT(n): a small query whose answer
doubles in size with n.
"""

# {url} is the listener. The first two are the payloads; the rest vary them.
SSRF = {
    "comment-lone-cr": "SELECT ?s WHERE { # \r SERVICE <{url}> { ?s ?p ?o }\n }",
    "quote-escapes": 'SELECT ?s WHERE { BIND(CONCAT("\\u0022, ") AS ?a) SERVICE <{url}> { ?s ?p ?o } '
                     'BIND(CONCAT(", \\u0022") AS ?b) }',
    "comment-crlf": "SELECT ?s WHERE { # note\r\nSERVICE <{url}> { ?s ?p ?o } }",
    "comment-escaped-cr": "SELECT ?s WHERE { # \\u000d SERVICE <{url}> { ?s ?p ?o }\n }",
    "comment-escaped-lf": "SELECT ?s WHERE { # \\u000A SERVICE <{url}> { ?s ?p ?o }\n }",
    "long-U-quote": 'SELECT ?s WHERE { BIND("\\U00000022, " AS ?a) SERVICE <{url}> { ?s ?p ?o } BIND(", \\U00000022" AS ?b) }',
    "short-U-quote": 'SELECT ?s WHERE { BIND("\\U0022, " AS ?a) SERVICE <{url}> { ?s ?p ?o } BIND(", \\U0022" AS ?b) }',
    "single-quote-escapes": "SELECT ?s WHERE { BIND('\\u0027, ' AS ?a) SERVICE <{url}> { ?s ?p ?o } BIND(', \\u0027' AS ?b) }",
    "escaped-keyword": "SELECT ?s WHERE { SERV\\u0049CE <{url}> { ?s ?p ?o } }",
    "escaped-keyword-start": "SELECT ?s WHERE { \\u0053ERVICE SILENT <{url}> { ?s ?p ?o } }",
    "escape-of-escape": 'SELECT ?s WHERE { BIND("\\u005Cu0022, " AS ?a) SERVICE <{url}> { ?s ?p ?o } }',
    "hash-in-iri": "SELECT ?s WHERE { ?s ?p <urn:x#> . SERVICE <{url}> { ?s ?p ?o } }",
    "lower-case": "select ?s where { service silent <{url}> { ?s ?p ?o } }",
    "after-number": "SELECT ?s WHERE { ?s ?p 1SERVICE <{url}> { ?s ?p ?o } }",
    "escaped-iri": "SELECT ?s WHERE { SERVICE <{url}\\u0078> { ?s ?p ?o } }",
    "long-string": 'SELECT ?s WHERE { BIND("""\\u0022\\u0022\\u0022 """ AS ?a) SERVICE <{url}> { ?s ?p ?o } }',
}


def ssrf_texts(url: str) -> dict[str, str]:
    return {name: t.replace("{url}", url) for name, t in SSRF.items()}


def doubling(n: int, pattern: str = "?s rdfs:label ?l0") -> str:
    """A SELECT whose value ?l<n> is a label repeated 2**n times: a few hundred bytes of query
    for as much output as n asks (26: about a gigabyte per row)."""
    binds = " ".join(f"BIND(CONCAT(?l{i}, ?l{i}) AS ?l{i + 1})" for i in range(n))
    return f"SELECT ?s ?l{n} WHERE {{ {pattern} . {binds} }}"


HOSTILE = {
    # The first: ORDER BY over a cartesian product must hold every solution to sort them.
    "order-by-cartesian": "SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z } ORDER BY ?a ?b ?c",
    # A small query producing huge values: each row's string doubles 26 times.
    "doubling-strings": doubling(26),
}
# Slow for either store (a three-way cartesian product), but it holds little memory.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "ASK { ?s a kg:State }"
