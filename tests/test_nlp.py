"""Sentences, mentions and context."""
from pathlib import Path

import pytest

from kg.model import Document, DateValue
from kg.nlp import Analyser
from kg.rules import load_rulebook


@pytest.fixture(scope="module")
def analyser():
    return Analyser(load_rulebook())


def analyse(analyser, text, voice="russia", date="2007-12-06"):
    doc = Document("t", Path("t.txt"), text, "t", DateValue.parse(date) if date else None, voice=voice)
    return analyser.analyse(doc)


def sentences(ad):
    return [ad.doc.text[s.start:s.end] for s in ad.sentences]


def test_initials_do_not_split_sentences_and_line_breaks_do(analyser):
    ad = analyse(analyser, "On December 4 the Minister S. V. Lavrov will take part.\nHeading without stop\nNext one.")
    assert sentences(ad) == ["On December 4 the Minister S. V. Lavrov will take part.", "Heading without stop", "Next one."]


def test_aliases_resolve_to_one_entity(analyser):
    ad = analyse(analyser, "The NRC, the RNC, the NATO-Russia Council and the Russia-NATO Council met.")
    assert {m.entity for m in ad.mentions if m.layer == "entity"} == {"nato-russia-council"}
    assert sum(1 for m in ad.mentions if m.entity == "nato-russia-council") == 4


def test_we_is_the_documents_voice_and_us_is_not_the_united_states(analyser):
    ad = analyse(analyser, "We warned the US that it told us nothing.")
    ents = [(m.text, m.entity) for m in ad.mentions if m.layer == "entity"]
    assert ents == [("We", "russia"), ("US", "united-states"), ("us", "russia")]


def test_the_alliance_is_nato(analyser):
    ad = analyse(analyser, "the transformation of the alliance and the Alliance")
    assert [m.entity for m in ad.mentions if m.layer == "entity"] == ["nato", "nato"]


def test_moscow_speaking_is_russia_moscow_as_place_is_a_place(analyser):
    ad = analyse(analyser, "Grushko said Moscow would agree. They met in Moscow in June. From Moscow’s perspective.")
    got = [(m.sent, m.entity) for m in ad.mentions if m.text == "Moscow"]
    assert got == [(0, "russia"), (1, "moscow"), (2, "russia")]


def test_topics_may_overlap_actor_names(analyser):
    ad = analyse(analyser, "the further NATO enlargement plans")
    assert {(m.entity, m.layer) for m in ad.mentions} == {("nato", "entity"), ("nato-enlargement", "topic")}


def test_page_furniture_is_skipped(analyser):
    ad = analyse(analyser, "| Home | UK | NATO |\nRussia spoke.\nBack to the Top of the Page\n")
    assert sentences(ad) == ["Russia spoke."]


def test_dates_are_resolved_against_the_document_date_not_today(analyser):
    ad = analyse(analyser, "Lavrov will go tomorrow. It happened last year.", date="2007-12-06")
    assert [(m.text, m.date.value) for m in ad.mentions if m.layer == "date"] == [("tomorrow", "2007-12-07"), ("last year", "2006")]
