"""Dates keep their precision; relative dates resolve against the document's date, never today."""
import pytest
from rdflib.namespace import XSD

from kg.model import KG, DateValue
from kg.nlp import resolve_date
from kg.rules import load_rulebook


def rule(rule_id):
    return next(r for r in load_rulebook().dates if r.id == rule_id)


@pytest.mark.parametrize("rule_id,text,doc_date,expected", [
    ("date.tomorrow", "tomorrow", "2007-12-06", ("2007-12-07", "day")),
    ("date.tomorrow", "tomorrow", "2007-12-31", ("2008-01-01", "day")),
    ("date.tomorrow", "tomorrow", "2011-03", None),  # month-precise document: not resolvable
    ("date.last-year", "last year", "2011-03", ("2010", "year")),
    ("date.this-year", "this year", "2005-10-01", ("2005", "year")),
    ("date.next-year", "next year", "2005-10-01", ("2006", "year")),
    ("date.month-day", "December 12", "2007-12-06", ("2007-12-12", "day")),
    ("date.month-day", "December 4", "2012-12-03", ("2012-12-04", "day")),
    ("date.in-month", "in June", "2007-12-06", ("2007-06", "month")),
    ("date.in-month", "in February", "2010", ("2010-02", "month")),
    ("date.early-month", "in early August", "2005-10-01", ("2005-08", "month")),
    ("date.month-this-year", "April of this year", "2005-10-01", ("2005-04", "month")),
    ("date.month-year", "May 2002", "2005-10-01", ("2002-05", "month")),
    ("date.month-day-year", "November 20, 2010", "2012-12-03", ("2010-11-20", "day")),
    ("date.year", "1999", None, ("1999", "year")),
    ("date.in-month", "in June", None, None),  # undated document: not resolvable
])
def test_resolution(rule_id, text, doc_date, expected):
    r = rule(rule_id)
    m = r.regex.search(text)
    assert m, f"{rule_id} does not match {text!r}"
    value = resolve_date(r, m.groupdict(), DateValue.parse(doc_date) if doc_date else None)
    if expected is None:
        assert value is None
    else:
        assert (value.value, value.precision) == expected


def test_graph_dates_are_typed_by_precision(ds):
    types = {XSD.gYear: 4, XSD.gYearMonth: 7, XSD.date: 10}
    n = 0
    for _, o in ds.subject_objects(KG.date):
        assert o.datatype in types, o
        assert len(str(o)) == types[o.datatype], o
        n += 1
    assert n >= 15


@pytest.mark.parametrize("event,value,datatype", [
    ("event/nato-russia-council-meeting-brussels-2007-12-07", "2007-12-07", XSD.date),  # "tomorrow" in 2007-12-06
    ("event/suspension-cfe-treaty-russia", "2007-12-12", XSD.date),  # "December 12"
    ("event/nato-russia-council-meeting-moscow-2007-06", "2007-06", XSD.gYearMonth),  # "in June"
    ("event/signing-founding-act-1997", "1997", XSD.gYear),  # "tenth anniversary" in 2007
    ("event/as-28-rescue-2005", "2005-08", XSD.gYearMonth),  # "in early August"
    ("event/approval-russian-military-doctrine-2010", "2010-02", XSD.gYearMonth),  # "in February", year-only doc
    ("event/nato-russia-council-meeting-brussels-2012-12-04", "2012-12-04", XSD.date),  # "On December 4"
])
def test_relative_dates_in_the_graph(ds, event, value, datatype):
    from kg.model import ID

    dates = set(ds.objects(ID[event], KG.date))
    assert any(str(d) == value and d.datatype == datatype for d in dates), dates


def test_lisbon_summit_keeps_both_precisions(ds):
    from kg.model import ID

    dates = {(str(d), d.datatype) for d in ds.objects(ID["event/nato-russia-council-summit-lisbon-2010"], KG.date)}
    assert dates == {("2010-11-20", XSD.date), ("2010", XSD.gYear)}  # doc 003 gives the day, doc 004 "last year"


def test_scheduled_versus_occurred(ds):
    from kg.model import ID

    assert (ID["event/nato-summit-bucharest-2008"], KG.eventStatus, KG.scheduled) in ds
    assert (ID["event/suspension-cfe-treaty-russia"], KG.eventStatus, KG.scheduled) in ds  # effective 6 days after the interview
    assert (ID["event/russia-georgia-conflict-2008"], KG.eventStatus, KG.occurred) in ds
