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
from dataclasses import dataclass

import spacy
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.model import AnalysedDoc, DateValue, Document, Mention, Sentence, slugify
from kg.rules import DateRule, Rulebook

VOICE_PRONOUNS = {"we", "our", "us", "ours", "ourselves"}
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}


LINE = re.compile(r"[^\n]+")
# Same-length translation for matching only: dashes and curly quotes count as their ASCII forms.
MATCH_CHARS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                             "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
JOINERS = {"of", "for", "and", "the", "on", "in", "de", "von", "van"}
OPENERS = {"The", "A", "An", "In", "On", "At", "By", "For", "From", "To", "With", "As", "But", "And", "Or", "If",
           "When", "While", "After", "Before", "This", "That", "These", "Those", "It", "He", "She", "We", "They",
           "There", "Here", "I", "His", "Her", "Its", "Our", "Their", "Mr", "Mrs", "Ms", "Dr", "According", "Asked",
           "What", "Why", "How", "Who", "Where", "Which", "Question", "Answer", "Interview", "Q", "A"}
# Any date expression of kg/rules/dates.yaml has one of these (a sentence without them is skipped).
DATE_WORDS = re.compile(r"\d|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|day|year|month|week|recent|coming|morrow", re.I)
EXERCISE_WORDS = {"exercise", "exercises", "drill", "drills", "manoeuvres", "maneuvers"}
ABBREVIATION = re.compile(r"^[A-Z][A-Za-z]?[A-Z]{1,6}$")


def _rank(token: str) -> int:
    """How capitalised a word is: -1 no letters, 0 lower, 1 capitalised, 2 ALL CAPS (two letters or more)."""
    letters = [c for c in token if c.isalpha()]
    if not letters:
        return -1
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return 2
    return 1 if letters[0].isupper() else 0


# A sentence that speaks of what is to come: a month later in the year than its document's date
# is then this year's; otherwise it is last year's ("ministers met in December", written in January).
FUTURE = re.compile(r"\b(?:will|shall|next|upcoming|forthcoming|scheduled|planned|plans?|planning|expected|to be held|"
                    r"is to|are to|intends?|would|due to|set to|later this year)\b|['’]ll\b", re.I)


def case_fits(text_tokens: list[str], alias_tokens: list[str]) -> bool:
    """The text is written in the alias's case or a higher one (Title, ALL CAPS), never lower.
    Acronyms of four letters or more also match in title case ("Nato")."""
    for t, a in zip(text_tokens, alias_tokens):
        ra, rt = _rank(a), _rank(t)
        if ra < 0 or rt >= ra:
            continue
        if ra == 2 and rt == 1 and len(a) >= 4 and t == a[0] + a[1:].lower():
            continue
        return False
    return True


class Analyser:
    """Holds the spaCy pipeline and the compiled gazetteer; reusable across documents.

    Each line of a document is a spaCy Doc of its own (a line break always ends a sentence,
    and no mention spans two lines); offsets are mapped back to the whole document's text.
    """

    def __init__(self, book: Rulebook):
        self.book = book
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer")
        match = book.matching
        for variant, norm in (match.spelling.items() if match else ()):
            for form in {variant, variant.capitalize(), variant.upper()}:
                self.nlp.vocab[form].norm_ = norm
        # One matcher over every alias, on the token's norm (lower case, spelling variants as
        # one); each match is then checked against the alias's case (case_fits). Keys are
        # (entity, alias) so that the check knows which alias matched.
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.keys: dict[int, tuple[str, list[str] | None]] = {}
        for e in book.entities.values():
            for i, alias in enumerate((*e.aliases, *e.aliases_ci)):
                key = f"{e.id}\x1f{i}"
                doc = self.nlp.make_doc(alias.translate(MATCH_CHARS))
                self.matcher.add(key, [doc])
                ci = i >= len(e.aliases)
                self.keys[self.nlp.vocab.strings[key]] = (e.id, None if ci else [t.text for t in doc])
        self.layer_of = {e.id: e.layer for e in book.entities.values()}
        self.pronouns = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.pronouns.add("voice", list(self.nlp.tokenizer.pipe(sorted(VOICE_PRONOUNS))))
        self.bodies = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        if match and match.voice_bodies:
            self.bodies.add("body", list(self.nlp.tokenizer.pipe(
                b for v in match.voice_bodies for b in {v, v[:1].upper() + v[1:]})))
        self.titles = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        if match:
            self.titles.add("title", list(self.nlp.tokenizer.pipe(match.titles)))
        # metonyms: place-name surface form -> actor id
        self.metonyms = {m: e.id for e in book.entities.values() for m in e.metonyms}
        cues = book.actor_cues or {}
        self.meto_after = {w.lower() for w in cues.get("followed_by", [])}
        self.meto_before = {w.lower() for w in cues.get("preceded_by", [])}

    def analyse(self, doc: Document) -> AnalysedDoc:
        text = doc.text
        mtext = text.translate(MATCH_CHARS)
        lines = [(m.start(), m.end()) for m in LINE.finditer(text)]
        sentences: list[Sentence] = []
        starts: list[int] = []  # sentence start offsets, for sentence_at
        mentions: list[Mention] = []
        speaks_for = None if doc.voice else self._body_voice(mtext)  # the body a statement's authors name
        voice = self.book.entities.get(doc.voice) if doc.voice else speaks_for
        boilerplate = [rx for _, rx in self.book.boilerplate]
        kept: list[tuple[int, Doc, set[int]]] = []  # (line start, spaCy doc, tokens taken by entities)
        local: dict[str, tuple[int, str, str, str | None]] = {}  # surname/abbreviation -> (from, entity, class, label)

        def add(ls: int, start_char: int, end_char: int, eid: str, cls: str, layer: str, rule: str,
                label: str | None = None) -> None:
            s_abs = ls + start_char
            sent = sentence_at(sentences, starts, s_abs)
            if sent is not None:
                e_abs = ls + end_char
                mentions.append(Mention(s_abs, e_abs, sent.index, text[s_abs:e_abs], eid, cls, layer, rule, None, label))

        for (ls, le), sdoc in zip(lines, self.nlp.pipe(mtext[a:b] for a, b in lines)):
            if any(rx.search(text, ls, le) for rx in boilerplate):
                continue
            # plain lists, read from spaCy's arrays: the scans below create no Token or Span objects
            line_text = mtext[ls:le]  # what spaCy read (sdoc.text would rebuild it token by token)
            idx = sdoc.to_array(IDX).tolist()
            lengths = sdoc.to_array(LENGTH).tolist()
            sent_starts = {i for i, v in enumerate(sdoc.to_array(SENT_START).tolist()) if v == 1} | ({0} if len(sdoc) else set())
            bounds = sorted(sent_starts) + [len(sdoc)]
            for a, b in zip(bounds, bounds[1:]):  # each sentence: from its first token to the end of its last
                raw = line_text[idx[a]: idx[b - 1] + lengths[b - 1]]
                body = raw.strip()
                if not body:
                    continue
                start = ls + idx[a] + (len(raw) - len(raw.lstrip()))
                sentences.append(Sentence(len(sentences), start, start + len(body)))
                starts.append(start)
            line = Line(ls, line_text, [line_text[i:i + n] for i, n in zip(idx, lengths)], idx, sent_starts)

            taken: set[int] = set()
            by_layer: dict[str, list[Span]] = {"entity": [], "topic": []}
            for key, st, en in self.matcher(sdoc):
                eid, alias = self.keys[key]
                if alias is not None and not case_fits(line.texts[st:en], alias):
                    continue
                by_layer[self.layer_of[eid]].append(Span(sdoc, st, en, label=eid))
            covered: set[int] = set()  # tokens of any mention, topics included: not unknown names
            for layer, spans in by_layer.items():
                for span in sorted(filter_spans(spans), key=lambda sp: sp.start):
                    eid = self._metonymy(line, span, span.label_)
                    ent = self.book.entities[eid]
                    add(ls, *line.chars(span.start, span.end), eid, ent.cls, layer, "gaz." + eid)
                    covered.update(range(span.start, span.end))
                    if layer == "entity":
                        taken.update(range(span.start, span.end))
                        self._local_names(line, span.start, span.end, eid, ent.cls, None, local)
            found = [(st, en, rule, "Person") for st, en, rule in self._people(sdoc, line, covered)]
            found += self._names(line, covered | {i for st, en, _, _ in found for i in range(st, en)})
            for st, en, rule, cls in found:
                a, b = line.chars(st, en)
                name = text[ls + a: ls + b]
                eid = f"~{self.book.folders[cls]}/{slugify(name)}"
                add(ls, a, b, eid, cls, "entity", rule, name)
                taken.update(range(st, en))
                covered.update(range(st, en))
                self._local_names(line, st, en, eid, cls, name, local)
            if voice is not None:
                for _, st, en in self.pronouns(sdoc):
                    if st not in taken and line.texts[st] != "US":
                        add(ls, *line.chars(st, en), voice.id, voice.cls, "entity", "voice.pronoun")
            if speaks_for is not None:  # "Ministers reaffirmed ...": the body's members, as the statement calls them
                for sp in filter_spans([sdoc[st:en] for _, st, en in self.bodies(sdoc)]):  # longest, in text order
                    st, en, w = sp.start, sp.end, line.texts
                    if taken & set(range(st, en)) or (st > 0 and st - 1 in taken) or (en < len(w) and w[en] == "of"):
                        continue  # "NRC Foreign Ministers", "the Ministers of the NRC": the text names whose
                    add(ls, *line.chars(st, en), speaks_for.id, speaks_for.cls, "entity", "voice.body")
                    taken.update(range(st, en))
            kept.append((line, taken, covered))
        # Second pass: surnames and abbreviations the document introduced, after their introduction.
        if local:
            for line, taken, covered in kept:
                for i, word in enumerate(line.texts):
                    hit = local.get(word)
                    if hit and i not in taken and line.start + line.idx[i] >= hit[0]:
                        eid, cls, label = hit[1], hit[2], hit[3]
                        add(line.start, *line.chars(i, i + 1), eid, cls, "entity", "local.surname" if cls == "Person"
                            else "local.abbreviation", label)
                        taken.add(i)
                        covered.add(i)
        unknown = self._unknown_names(kept, sentences, starts)
        dates = self._dates(doc, sentences, starts)
        mentions += [m for m in dates if m.date is not None]
        mentions.sort(key=lambda m: (m.start, m.end, m.layer, m.entity))
        unresolved = [(m.text, m.sent) for m in dates if m.date is None]
        return AnalysedDoc(doc, sentences, mentions, unknown, unresolved)

    def _body_voice(self, mtext: str):
        """Whose voice "we" and "our" are in a statement the catalogue gives no voice: the body its
        authors name themselves ("we, the Defence Ministers of the NATO-Russia Council",
        "The Defence Ministers of the NATO-Russia Council gathered in Sochi"), if a gazetteer entry."""
        rx = self.book.matching.body_voice if self.book.matching else None
        m = rx.search(mtext) if rx is not None else None
        if m is None:
            return None
        sdoc = self.nlp.make_doc(m.group("name"))
        found = sorted((st, -en, self.keys[key][0]) for key, st, en in self.matcher(sdoc) if st == 0)
        ent = self.book.entities.get(found[0][2]) if found else None
        return ent if ent is not None and ent.cls in self.book.top_class and \
            self.book.top_class[ent.cls] in ("Organization", "State") else None

    def _local_names(self, line: "Line", st: int, en: int, eid: str, cls: str, label, local: dict) -> None:
        """Names a mention introduces for the rest of its document: a person's surname ("Rogozin"),
        an abbreviation in parentheses right after the name ("the NATO-Russia Council (NRC)")."""
        w = line.texts
        after = line.start + line.chars(st, en)[1]
        if cls == "Person" and en - st >= 2:
            surname = w[en - 1]
            if _rank(surname) == 1 and len(surname) >= 3 and surname not in local:
                local[surname] = (after, eid, cls, label)
        if en + 2 < len(w) and w[en] == "(" and w[en + 2] == ")":
            abbr = w[en + 1]
            if ABBREVIATION.match(abbr) and abbr not in local:
                local[abbr] = (after, eid, cls, label)

    def _people(self, sdoc: Doc, line: "Line", taken: set[int]):
        """People the gazetteer does not know, by kg/rules/matching.yaml: first name + surname,
        title + name, or name + comma + role noun. Yields (start, end, rule id) in tokens."""
        m = self.book.matching
        if m is None:
            return
        w = line.texts
        n = len(w)
        used = set(taken)

        def capword(i: int) -> bool:
            if i >= n or i in used:
                return False
            t = w[i]
            return t.isalpha() and t[0].isupper() and (t[1:].islower() or len(t) > 3 and t[1:].isupper() is False) \
                and t not in m.not_names

        def name_from(i: int, least: int) -> int:
            """End of a name starting at i (capitalised words, particles inside), or i if shorter than `least`."""
            j, words = i, 0
            while j < n and words < 4:
                if capword(j):
                    j, words = j + 1, words + 1
                elif w[j] in m.particles and capword(j + 1) and words:
                    j += 1
                else:
                    break
            return j if words >= least else i

        found: list[tuple[int, int, str]] = []
        for _, st, en in self.titles(sdoc):
            end = name_from(en, 2)
            if end > en:
                found.append((en, end, "person.title-name"))
        for i, t in enumerate(w):
            if t in m.first_names and i not in used and not any(a <= i < b for a, b, _ in found):
                end = name_from(i + 1, 1)
                if end > i + 1:
                    found.append((i, end, "person.first-name"))
        for i, t in enumerate(w):  # apposition: "Oana Lungescu, NATO's spokeswoman,"
            if t != "," or i < 2:
                continue
            st = i
            while st > 0 and capword(st - 1) and i - st < 3:
                st -= 1
            if i - st >= 2 and (st == 0 or not w[st - 1].isalpha() or w[st - 1].lower() in ("said", "told", "by")) \
                    and any(x.lower() in m.role_nouns for x in w[i + 1: i + 7]) \
                    and not any(a <= st < b for a, b, _ in found):
                found.append((st, i, "person.apposition"))
        for st, en, rule in sorted(found):
            if not any(i in used for i in range(st, en)):
                used.update(range(st, en))
                yield st, en, rule

    def _names(self, line: "Line", taken: set[int]) -> list[tuple[int, int, str, str]]:
        """Named things the gazetteer does not know, by the form of their names (matching.yaml names):
        an agreement ("NRC Action Plan on Terrorism", "Joint Review of 21st Century Common Security
        Challenges"), an exercise in capitals next to the word exercise ("VIGILANT SKIES 2011"), a ship
        after its prefix ("RFS PYTLIVIY"), an operation ("Operation Ocean Shield"). (start, end, rule, class)."""
        m = self.book.matching
        if m is None:
            return []
        w = line.texts
        n = len(w)
        out: list[tuple[int, int, str, str]] = []
        if not m.name_words.intersection(w) and not any(len(t) >= 3 and t.isupper() and t.isalpha() for t in w):
            return out  # no head noun, ship prefix, Operation or capitals: nothing to look for

        def cap(i: int) -> bool:
            t = w[i]
            return i not in taken and (t[:1].isupper() or t[:1].isdigit() and i > 0) and t not in OPENERS

        i = 0
        while i < n:
            # agreements: capitalised words (joined by of/on/for/...) with a head noun; a known
            # organisation or state may lead ("NRC Action Plan ...")
            if (cap(i) or i in taken and w[i].isupper()) and w[i].isalpha():
                j, heads, last_cap = i, [], i
                while j < n and j - i < 14:
                    t = w[j]
                    if cap(j) or (j == i and j in taken) or t == "-" and j + 1 < n and cap(j + 1):
                        if t in m.agreement_heads:
                            heads.append(j)
                        last_cap = j
                        j += 1
                    elif t.lower() in JOINERS and t.lower() != "and" and j + 1 < n and cap(j + 1) and heads:
                        j += 1
                    else:
                        break
                end = last_cap + 1
                if heads and end - i >= 2 and not (i in taken and heads[0] == i):
                    # a leading known name ("NRC") stays part of the title
                    out.append((i, end, "name.agreement", m.agreement_heads[w[heads[-1]]]))
                    i = end
                    continue
            i += 1
        used = set(taken) | {k for a, b, _, _ in out for k in range(a, b)}
        for j, t in enumerate(w):
            if j in used:
                continue
            if t in m.ship_prefixes and j + 1 < n and w[j + 1][:1].isupper():
                end = j + 1
                while end < n and end - j <= 3 and w[end][:1].isupper() and end not in used:
                    end += 1
                out.append((j, end, "name.vessel", "Vessel"))
                used.update(range(j, end))
            elif t in ("Operation", "OPERATION") and j + 1 < n and w[j + 1][:1].isupper() \
                    and j + 1 not in used and w[j + 1] not in m.not_names:
                end = j + 1
                while end < n and end - j <= 3 and w[end][:1].isupper() and end not in used:
                    end += 1
                out.append((j, end, "name.operation", "Operation"))
                used.update(range(j, end))
            elif len(t) >= 3 and t.isupper() and t.isalpha():
                end = j
                while end < n and end not in used and (len(w[end]) >= 2 and w[end].isupper() and w[end].isalpha()
                                                       or end > j and (w[end].isdigit() or w[end] == "-")):
                    end += 1
                near = {x.lower() for x in w[max(0, j - 4):min(n, end + 6)]}
                if end - j >= 1 and near & EXERCISE_WORDS and not (end - j == 1 and len(t) <= 4):
                    while end > j and w[end - 1] == "-":
                        end -= 1
                    out.append((j, end, "name.exercise", "Exercise"))
                    used.update(range(j, end))
        return sorted(out)

    def _unknown_names(self, kept, sentences, starts) -> list[tuple[str, int]]:
        """Capitalised names no mention covers, for the coverage report: runs of capitalised words
        (joined by of/for/and/the), less a leading sentence opener, with at least one word that is
        not a generic one (matching.yaml not_names)."""
        m = self.book.matching
        stop = m.not_names if m else frozenset()

        def cap(t: str) -> bool:
            return t[:1].isupper() and t.isalpha()

        out = []
        lower = {t for line, _, _ in kept for t in line.texts if t.islower()}  # words the text also writes in lower case
        for line, _taken, covered in kept:
            w = line.texts
            n = len(w)
            words = [t for t in w if t.isalpha()]
            if len(words) >= 4 and sum(t[0].isupper() for t in words) >= 0.6 * len(words):
                continue  # a title line, where every word is capitalised
            i = 0
            while i < n:
                if i in covered or not cap(w[i]):
                    i += 1
                    continue
                j = i + 1
                while j < n and j not in covered and (cap(w[j]) or w[j].lower() in JOINERS
                                                     and j + 1 < n and cap(w[j + 1]) and j + 1 not in covered):
                    j += 1
                run = w[i:j]
                while run and run[0] in OPENERS:
                    run = run[1:]
                single = len(run) == 1 and (i in line.sent_starts or run[0].lower() in lower
                                            or i > 0 and w[i - 1] in (":", "-", '"', "(") or run[0].isupper() and len(run[0]) < 3)
                if any(x not in stop and x.lower() not in JOINERS for x in run) and not single:
                    sent = sentence_at(sentences, starts, line.start + line.idx[i])
                    if sent is not None:
                        out.append((" ".join(run), sent.index))
                i = j
        return out

    def _dates(self, doc: Document, sentences: list[Sentence], starts: list[int]) -> list[Mention]:
        """Date mentions: each date rule runs once over the document; earlier rules win overlaps."""
        out: list[Mention] = []
        covered: list[tuple[int, int]] = []
        # One pass finds the sentences that may hold a date; the rules then run only there.
        spans = [(s.start, s.end) for s in sentences if DATE_WORDS.search(doc.text, s.start, s.end)]
        for rule in self.book.dates:
            for m in (m for a, b in spans for m in rule.regex.finditer(doc.text, a, b)):
                st, en = m.span()
                if "\n" in m.group(0) or any(st < ce and cs < en for cs, ce in covered):
                    continue
                covered.append((st, en))
                sent = sentence_at(sentences, starts, st)
                if sent is None or en > sent.end:
                    continue
                value = resolve_date(rule, m.groupdict(), doc.date)  # None: left undated, and reported
                if (value is not None and rule.resolve == "doc-year" and value.value[:7] > doc.date.value[:7]
                        and len(doc.date.value) >= 7 and "this year" not in m.group(0)
                        and not FUTURE.search(doc.text, sent.start, sent.end)):
                    # "ministers met in December", written in January: last December
                    value = DateValue(f"{doc.date.year - 1:04d}{value.value[4:]}", value.precision, value.qualifier)
                out.append(Mention(st, en, sent.index, m.group(0), "date", "Date", "date", rule.id, value))
        return out

    def _metonymy(self, line: "Line", span: Span, eid: str) -> str:
        actor = self.metonyms.get(line.text_of(span.start, span.end))
        if actor is None:
            return eid
        nxt = line.texts[span.end].lower() if span.end < len(line.texts) else ""
        prev = line.texts[span.start - 1].lower() if span.start > 0 else ""
        if nxt in self.meto_after or prev in self.meto_before:
            return actor
        return eid


@dataclass
class Line:
    """One line of a document as plain lists: its offset in the text, its text (as spaCy read it),
    token texts, token offsets (in the line) and the tokens that start a sentence."""
    start: int
    text: str
    texts: list[str]
    idx: list[int]
    sent_starts: set[int]

    def chars(self, st: int, en: int) -> tuple[int, int]:
        """Character offsets (in the line) of tokens st..en."""
        return self.idx[st], self.idx[en - 1] + len(self.texts[en - 1])

    def text_of(self, st: int, en: int) -> str:
        a, b = self.chars(st, en)
        return self.text[a:b]


def sentence_at(sentences: list[Sentence], starts: list[int], char: int) -> Sentence | None:
    """The sentence containing character offset `char` (starts[i] == sentences[i].start), if any."""
    i = bisect_right(starts, char) - 1
    if i < 0 or char >= sentences[i].end:
        return None
    return sentences[i]


def resolve_date(rule: DateRule, groups: dict, doc_date: DateValue | None) -> DateValue | None:
    """Turn a matched date expression into a value of true precision, or None if it cannot be resolved."""
    q = rule.qualifier
    if rule.resolve == "never":
        return None
    if rule.resolve == "weekday":
        if doc_date is None or doc_date.precision != "day":
            return None
        day = dt.date.fromisoformat(doc_date.value)
        back = (day.weekday() - WEEKDAYS[groups["weekday"].lower()]) % 7
        return DateValue((day - dt.timedelta(days=back)).isoformat(), "day", q)
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
        if rule.months is not None:
            if doc_date.precision == "year":
                return None
            index = year * 12 + int(doc_date.value[5:7]) - 1 + rule.months
            return DateValue(f"{index // 12:04d}-{index % 12 + 1:02d}", "month", q)
        year += rule.years or 0
        if groups.get("month"):
            return DateValue(f"{year:04d}-{MONTHS[groups['month'].lower().rstrip('.')]:02d}", "month", q)
        return DateValue(f"{year:04d}", "year", q)
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
