"""Stage 3: sentences and mentions, with spaCy's rule machinery on a blank English pipeline.

- tokens: spaCy's English tokenizer (no model download);
- sentences: the sentencizer, on each line (a line break always ends a sentence);
- entity and topic mentions: PhraseMatcher over the gazetteer's aliases, longest match first,
  one layer for actors/agreements/events/places and one for topics (disputes, proposals,
  cooperation areas), which may overlap actor names;
- "we / our / us" become mentions of the document's voice (the state it speaks for);
- dates: the date rules' regular expressions, resolved against the document's date.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from bisect import bisect_right

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.model import AnalysedDoc, DateValue, Document, Mention, Sentence
from kg.rules import DateRule, Rulebook

VOICE_PRONOUNS = {"we", "our", "us", "ours", "ourselves"}
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9


LINE = re.compile(r"[^\n]+")


class Analyser:
    """Holds the spaCy pipeline and the compiled gazetteer; reusable across documents.

    Each line of a document is a spaCy Doc of its own (a line break always ends a sentence,
    and no mention spans two lines); offsets are mapped back to the whole document's text.
    """

    def __init__(self, book: Rulebook):
        self.book = book
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer")
        # One case-sensitive and one case-insensitive matcher for all entries; matches are then
        # split into the entity and topic layers, each resolved longest-first on its own.
        self.cs = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.ci = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for e in book.entities.values():
            if e.aliases:
                self.cs.add(e.id, list(self.nlp.tokenizer.pipe(e.aliases)))
            if e.aliases_ci:
                self.ci.add(e.id, list(self.nlp.tokenizer.pipe(e.aliases_ci)))
        self.layer_of = {self.nlp.vocab.strings.add(e.id): e.layer for e in book.entities.values()}
        self.pronouns = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.pronouns.add("voice", list(self.nlp.tokenizer.pipe(sorted(VOICE_PRONOUNS))))
        # metonyms: place-name surface form -> actor id
        self.metonyms = {m: e.id for e in book.entities.values() for m in e.metonyms}
        cues = book.actor_cues or {}
        self.meto_after = {w.lower() for w in cues.get("followed_by", [])}
        self.meto_before = {w.lower() for w in cues.get("preceded_by", [])}

    def analyse(self, doc: Document) -> AnalysedDoc:
        text = doc.text
        lines = [(m.start(), m.end()) for m in LINE.finditer(text)]
        sentences: list[Sentence] = []
        starts: list[int] = []  # sentence start offsets, for sentence_at
        mentions: list[Mention] = []
        voice = self.book.entities.get(doc.voice) if doc.voice else None
        boilerplate = [rx for _, rx in self.book.boilerplate]
        for (ls, le), sdoc in zip(lines, self.nlp.pipe(text[a:b] for a, b in lines)):
            if any(rx.search(text, ls, le) for rx in boilerplate):
                continue
            for sent in sdoc.sents:
                raw = sent.text
                body = raw.strip()
                if not body:
                    continue
                start = ls + sent.start_char + (len(raw) - len(raw.lstrip()))
                sentences.append(Sentence(len(sentences), start, start + len(body)))
                starts.append(start)

            def add(span: Span, eid: str, cls: str, layer: str, rule: str) -> None:
                s_abs = ls + span.start_char
                sent = sentence_at(sentences, starts, s_abs)
                if sent is not None:
                    mentions.append(Mention(s_abs, ls + span.end_char, sent.index, span.text, eid, cls, layer, rule))

            taken: set[int] = set()
            by_layer: dict[str, list[Span]] = {"entity": [], "topic": []}
            for mid, st, en in (*self.cs(sdoc), *self.ci(sdoc)):
                by_layer[self.layer_of[mid]].append(Span(sdoc, st, en, label=mid))
            for layer, spans in by_layer.items():
                for span in sorted(filter_spans(spans), key=lambda sp: sp.start):
                    eid = self._metonymy(sdoc, span, self.nlp.vocab.strings[span.label])
                    add(span, eid, self.book.entities[eid].cls, layer, "gaz." + eid)
                    if layer == "entity":
                        taken.update(range(span.start, span.end))
            if voice is not None:
                for _, st, en in self.pronouns(sdoc):
                    if st not in taken and sdoc[st].text != "US":
                        add(sdoc[st:en], voice.id, voice.cls, "entity", "voice.pronoun")
        mentions += self._dates(doc, sentences, starts)
        mentions.sort(key=lambda m: (m.start, m.end, m.layer, m.entity))
        return AnalysedDoc(doc, sentences, mentions)

    def _dates(self, doc: Document, sentences: list[Sentence], starts: list[int]) -> list[Mention]:
        """Date mentions: each date rule runs once over the document; earlier rules win overlaps."""
        out: list[Mention] = []
        covered: list[tuple[int, int]] = []
        for rule in self.book.dates:
            for m in rule.regex.finditer(doc.text):
                st, en = m.span()
                if "\n" in m.group(0) or any(st < ce and cs < en for cs, ce in covered):
                    continue
                covered.append((st, en))
                sent = sentence_at(sentences, starts, st)
                if sent is None or en > sent.end:
                    continue
                value = resolve_date(rule, m.groupdict(), doc.date)
                if value is not None:
                    out.append(Mention(st, en, sent.index, m.group(0), "date", "Date", "date", rule.id, value))
        return out

    def _metonymy(self, sdoc: Doc, span: Span, eid: str) -> str:
        actor = self.metonyms.get(span.text)
        if actor is None:
            return eid
        nxt = sdoc[span.end].lower_ if span.end < len(sdoc) else ""
        prev = sdoc[span.start - 1].lower_ if span.start > 0 else ""
        if nxt in self.meto_after or prev in self.meto_before:
            return actor
        return eid


def sentence_at(sentences: list[Sentence], starts: list[int], char: int) -> Sentence | None:
    """The sentence containing character offset `char` (starts[i] == sentences[i].start), if any."""
    i = bisect_right(starts, char) - 1
    if i < 0 or char >= sentences[i].end:
        return None
    return sentences[i]


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
