"""Every named query runs, states its question, and returns the right rows."""
import pytest

from kg.query import QUERIES_DIR, named_queries, run

QUERIES = named_queries()


def rows(ds, name):
    q = QUERIES[name]
    res = run(ds, q.path.name, q.text)
    return [[None if v is None else str(v) for v in r] for r in res.rows], res.vars


def test_at_least_fifteen_named_queries_each_with_a_question():
    assert len(QUERIES) >= 15
    for q in QUERIES.values():
        assert q.text.startswith("#+ summary:"), q.path
        assert "?" in q.summary or q.summary.startswith("VIOLATION"), q.path


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_runs(ds, name):
    got, _ = rows(ds, name)
    if "violation" in name:
        assert got == [], f"{name} must return no rows: {got[:3]}"
    else:
        assert got, f"{name} returned nothing"


def test_agreements_query(ds):
    got, vars_ = rows(ds, "agreements")
    table = {(r[1], r[3], r[4]) for r in got}
    assert ("Treaty on Conventional Armed Forces in Europe", "Suspension", "2007-12-12") in table
    assert ("Partnership for Peace Status of Forces Agreement", "Entry into force", "2007-09") in table
    assert ("NATO-Russia Founding Act", "Signing", "1997") in table
    rome = [r for r in got if r[1].startswith("Rome Declaration")]
    assert {r[2] for r in rome} == {"NATO, Russia"}


def test_brussels_meetings_keep_planned_participation_apart(ds):
    got, _ = rows(ds, "brussels-meetings")
    lavrov = {(r[2], r[4]) for r in got if r[3] == "Sergey Lavrov"}
    assert lavrov == {("2007-12-07", "claim: planned"), ("2012-12-04", "claim: planned")}
    assert {(r[3], r[4]) for r in got if r[2] == "2010-01"} == {("NATO", "took part"), ("Russia", "took part")}


def test_evidence_query_returns_the_exact_sentence(ds):
    got, _ = rows(ds, "evidence-for-a-fact")
    assert len(got) == 1
    doc, quote, begin, end, rule = got[0]
    assert quote == "Under these conditions we were forced to suspend our application of the CFE Treaty with effect on December 12."
    assert rule == "agreement.suspend-application"
    text = (QUERIES_DIR.parent / "seeds" / f"{doc}.txt").read_text(encoding="utf-8")
    assert text[int(begin):int(end)] == quote


def test_documents_mentioning_the_nrc_by_its_abbreviation(ds):
    got, _ = rows(ds, "documents-mentioning")
    assert [r[0][:3] for r in got] == ["001", "000", "004", "003"]


def test_timeline_is_ordered_and_uses_the_finest_date(ds):
    got, _ = rows(ds, "timeline")
    dates = [r[0] for r in got]
    assert dates == sorted(dates)
    lisbon = [r for r in got if "lisbon" in r[1]]
    assert [r[0] for r in lisbon] == ["2010-11-20"]


def test_people_with_roles(ds):
    got, _ = rows(ds, "people")
    people = {r[1]: (r[2], r[3]) for r in got}
    assert people["Alexander Grushko"] == ("Deputy Foreign Minister", "Russia; Ministry of Foreign Affairs of Russia")
    assert people["Anders Fogh Rasmussen"] == ("Secretary General", "NATO")
    assert people["Mikhail Kamynin"] == ("Spokesman", "Ministry of Foreign Affairs of Russia")


def test_russia_missile_defence_positions_over_time(ds):
    got, _ = rows(ds, "russia-missile-defence-positions")
    assert got[0][:3] == ["2000", "proposes", "Missile defence cooperation"]
    assert [r[0] for r in got] == sorted(r[0] for r in got)
    assert ("2010", "undecided", "Joint NATO-Russia missile defence system") in {tuple(r[:3]) for r in got}


def test_claims_query_lists_the_negations(ds):
    got, _ = rows(ds, "claims-not-asserted")
    negated = {(r[1], r[2], r[3]) for r in got if r[0] == "negated"}
    assert ("Treaty on Conventional Armed Forces in Europe", "signatory", "Baltic states") in negated
    assert ("Russia", "regards as adversary", "NATO") in negated


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_named_query_is_self_contained(name):
    """Each file declares its prefixes, so it runs as it is on any SPARQL endpoint (YASGUI, Oxigraph, Fuseki)."""
    from rdflib.plugins.sparql import prepareQuery

    prepareQuery(QUERIES[name].text)  # no initNs: an undeclared prefix raises
