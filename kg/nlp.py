"""Stage 3: sentences and mentions, with spaCy's rule machinery on a blank English pipeline.

- tokens: spaCy's English tokenizer (no model download);
- sentences: the sentencizer, plus a line break always ends a sentence;
- entity and topic mentions: PhraseMatcher over the gazetteer's aliases, longest match first,
  one layer for actors/agreements/events/places and one for topics (disputes, proposals,
  cooperation areas), which may overlap actor names;
- "we / our / us" become mentions of the document's voice (the state it speaks for);
- dates: the date rules' regular expressions, resolved against the document's date.
"""
from __future__ import annotations

import calendar
import datetime as dt

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.model import AnalysedDoc, DateValue, Document, Mention, Sentence
from kg.rules import DateRule, Rulebook

VOICE_PRONOUNS = {"we", "our", "us", "ours", "ourselves"}
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9


@Language.component("line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A token after a line break starts a sentence (headings, list items, paragraphs)."""
    for i, tok in enumerate(doc[:-1]):
        if "\n" in tok.text or "\n" in tok.whitespace_:
            doc[i + 1].is_sent_start = True
    return doc


class Analyser:
    """Holds the spaCy pipeline and the compiled gazetteer; reusable across documents."""

    def __init__(self, book: Rulebook):
        self.book = book
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer")
        self.nlp.add_pipe("line_breaks")
        self.matchers = {}
        for layer in ("entity", "topic"):
            cs = PhraseMatcher(self.nlp.vocab, attr="ORTH")
            ci = PhraseMatcher(self.nlp.vocab, attr="LOWER")
            for e in book.entities.values():
                if e.layer != layer:
                    continue
                if e.aliases:
                    cs.add(e.id, list(self.nlp.tokenizer.pipe(e.aliases)))
                if e.aliases_ci:
                    ci.add(e.id, list(self.nlp.tokenizer.pipe(e.aliases_ci)))
            self.matchers[layer] = (cs, ci)
        # metonyms: place-name surface form -> actor id
        self.metonyms = {m: e.id for e in book.entities.values() for m in e.metonyms}
        cues = book.actor_cues or {}
        self.meto_after = {w.lower() for w in cues.get("followed_by", [])}
        self.meto_before = {w.lower() for w in cues.get("preceded_by", [])}

    def analyse(self, doc: Document) -> AnalysedDoc:
        sdoc = self.nlp(doc.text)
        sentences = []
        tok2sent = [-1] * len(sdoc)
        for i, sent in enumerate(sdoc.sents):
            span = _strip(sent)
            if span is None or any(rx.search(span.text) for _, rx in self.book.boilerplate):
                continue
            idx = len(sentences)
            sentences.append(Sentence(idx, span.start_char, span.end_char, span.start, span.end))
            for t in range(sent.start, sent.end):
                tok2sent[t] = idx
        mentions: list[Mention] = []
        for layer, (cs, ci) in self.matchers.items():
            spans = [Span(sdoc, s, e, label=mid) for mid, s, e in (*cs(sdoc), *ci(sdoc))]
            for span in sorted(filter_spans(spans), key=lambda s: s.start):
                eid = self.nlp.vocab.strings[span.label]
                eid = self._metonymy(sdoc, span, eid)
                ent = self.book.entities[eid]
                mentions.append(self._mention(span, tok2sent, eid, ent.cls, layer, "gaz." + eid))
        if doc.voice and doc.voice in self.book.entities:
            taken = {t for m in mentions if m.layer == "entity" for t in range(m.tok_start, m.tok_end)}
            cls = self.book.entities[doc.voice].cls
            for tok in sdoc:
                if tok.lower_ in VOICE_PRONOUNS and tok.text != "US" and tok.i not in taken:
                    mentions.append(self._mention(sdoc[tok.i : tok.i + 1], tok2sent, doc.voice, cls, "entity", "voice.pronoun"))
        mentions += self._dates(sdoc, doc, tok2sent)
        kept = {t for s in sentences for t in range(s.tok_start, s.tok_end)}
        mentions = [m for m in mentions if m.tok_start in kept]
        mentions.sort(key=lambda m: (m.start, m.end, m.layer, m.entity))
        return AnalysedDoc(doc, sentences, mentions)

    def _metonymy(self, sdoc: Doc, span: Span, eid: str) -> str:
        actor = self.metonyms.get(span.text)
        if actor is None:
            return eid
        nxt = sdoc[span.end].lower_ if span.end < len(sdoc) else ""
        prev = sdoc[span.start - 1].lower_ if span.start > 0 else ""
        if nxt in self.meto_after or prev in self.meto_before:
            return actor
        return eid

    @staticmethod
    def _mention(span: Span, tok2sent, eid, cls, layer, rule, date=None) -> Mention:
        return Mention(span.start_char, span.end_char, span.start, span.end, tok2sent[span.start],
                       span.text, eid, cls, layer, rule, date)

    def _dates(self, sdoc: Doc, doc: Document, tok2sent) -> list[Mention]:
        out = []
        covered: list[tuple[int, int]] = []
        for rule in self.book.dates:
            for m in rule.regex.finditer(doc.text):
                s, e = m.span()
                if any(s < ce and cs < e for cs, ce in covered):
                    continue
                covered.append((s, e))
                value = resolve_date(rule, m.groupdict(), doc.date)
                span = sdoc.char_span(s, e, alignment_mode="expand")
                if span is None or value is None:
                    continue
                out.append(Mention(s, e, span.start, span.end, tok2sent[span.start], m.group(0), "date", "Date",
                                   "date", rule.id, value))
        return out


def _strip(sent: Span) -> Span | None:
    start, end = sent.start, sent.end
    while start < end and sent.doc[start].is_space:
        start += 1
    while end > start and sent.doc[end - 1].is_space:
        end -= 1
    return sent.doc[start:end] if end > start else None


def resolve_date(rule: DateRule, groups: dict, doc_date: DateValue | None) -> DateValue | None:
    """Turn a matched date expression into a value of true precision, or None if it cannot be resolved."""
    q = rule.qualifier
    if rule.resolve == "absolute":
        year = int(groups["year"])
    elif doc_date is None:
        return None
    else:
        year = doc_date.year
    if rule.resolve == "doc-offset":
        if rule.days is not None:
            if doc_date.precision != "day":
                return None
            day = dt.date.fromisoformat(doc_date.value) + dt.timedelta(days=rule.days)
            return DateValue(day.isoformat(), "day", q)
        return DateValue(f"{year + (rule.years or 0):04d}", "year", q)
    month = groups.get("month")
    if rule.precision == "year" or not month:
        return DateValue(f"{year:04d}", "year", q)
    mon = MONTHS[month.lower().rstrip(".")]
    if rule.precision == "month" or not groups.get("day"):
        return DateValue(f"{year:04d}-{mon:02d}", "month", q)
    day = int(groups["day"])
    try:
        return DateValue(dt.date(year, mon, day).isoformat(), "day", q)
    except ValueError:
        return None


def analyse_all(docs: list[Document], book: Rulebook) -> list[AnalysedDoc]:
    analyser = Analyser(book)
    return [analyser.analyse(d) for d in docs]
