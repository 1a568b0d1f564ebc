"""Stage 4: facts from mentions, by the relation rules of kg/rules/relations*.yaml.

A relation rule fires on a trigger (a regular expression) inside one sentence and binds its
arguments to the mentions of that sentence (by class or entity, side of the trigger, nearest
first). Modality cues in the rule's scope turn an assertion into a kg:Claim with its mode
(negated, proposed, expected, planned, hypothetical): such triples are never asserted.
Every fact carries its evidence: document, sentence, offsets and rule id.
"""
from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from dataclasses import dataclass

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from kg.model import ID, KG, AnalysedDoc, DateValue, Evidence, Fact, Mention, Sentence, slugify
from kg.rules import EVENT_CLASSES, ArgSpec, RelationRule, Rulebook

NS = {"kg": KG, "rdf": RDF, "rdfs": RDFS, "dcterms": DCTERMS, "skos": SKOS}
WORD = re.compile(r"\S+")
SUBJECT_PRONOUN = re.compile(r"\b(?:they|he|she|it|which|who)\b", re.I)
PRONOUN_SUBJECT = re.compile(r"\b(?:they|he|she|it)\s+(?:\w+\s+)?$", re.I)
LEADING_CONDITION = re.compile(r"\W*(?:If|Unless|Should|Were|Provided|In case)\b[^,;]*,")
OF_BEFORE = re.compile(r"\bof\s+$")
NEAR_BEFORE = re.compile(r"\b(?:near|outside)\s+$")
CONDITION_AFTER = re.compile(r"\s*,?\s*(?:conditional (?:on|upon)|subject to|provided (?:that|it)|only if|if|unless)\b", re.I)
LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|as well as\s+)?|\s+and\s+|\s+as well as\s+)(?:the\s+)?", re.I)
PRONOUNS = {"it", "them", "him", "her", "us", "me", "you", "they", "we", "he", "she", "itself", "themselves"}
MODAL_AFTER = re.compile(r"\s+(would|could|might|may|will|shall)\b", re.I)
PREPOSITION_BEFORE = re.compile(r"\b(?:to|of|with|against|at|in|into|from|for|on|toward|towards|between|about|over|unlike|except)\s+(?:the\s+)?$", re.I)
# "Foreign Ministers of the Alliance", "members of the NRC": the people of a body act as the body
BODY_OF = re.compile(r"\b(?:[Mm]inisters|[Ll]eaders|[Mm]embers|[Aa]mbassadors|[Rr]epresentatives|[Cc]ountries|[Ss]tates|"
                     r"[Gg]overnment|[Dd]elegations?|[Cc]hiefs of (?:the )?[Gg]eneral [Ss]taff|[Cc]hiefs of [Ss]taff)\s+of\s+(?:the\s+)?$")
ATTRIBUTION_BEFORE = re.compile(r"\b(?:according to|quoted by|told|reported by|cited by)(?:\s+[\w'’-]+){0,3}?\s+$", re.I)
NEGATION_AFTER = re.compile(r"\s+(?:not|no|never)\b", re.I)
PHRASE_BOUNDARY = re.compile(r"[,;:!?()\[\]\"“”«»]|\s[–—-]+\s|\.(?=\s|$)")
PHRASE_WORD = re.compile(r"\w[\w’'./&-]*")
ORDINALS = {w: i for i, w in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split())}


def entity_iri(book: Rulebook, entity_id: str) -> URIRef:
    ent = book.entities[entity_id]
    return ID[f"{book.folders[ent.cls]}/{entity_id}"]


@dataclass(frozen=True)
class Binding:
    iri: URIRef | Literal
    slug: str
    label: str
    mention: Mention | None


class Extractor:
    def __init__(self, book: Rulebook):
        self.book = book
        self._iris: dict[str, URIRef] = {}
        self._constants: dict[str, URIRef | Literal] = {}
        self._docs: dict[str, dict] = {}
        self._order = {r.id: i for i, r in enumerate(book.relations)}
        self._order.update({f"gaz.{e}": -1 for e in book.entities})

    # ---------------------------------------------------------------- public
    def extract(self, ad: AnalysedDoc) -> list[Fact]:
        facts: list[Fact] = []
        facts += self._mention_facts(ad)
        by_sent = ad.sentence_mentions()
        starts = [s.start for s in ad.sentences]
        text = ad.doc.text
        low = text.lower()
        self._affil = {}  # person IRI -> gazetteer id of whom this document says they serve (stage 0 rules)
        self._sayers: dict[int, Binding | None] = {}
        stage = 0
        for rule in sorted(self.book.relations, key=lambda r: r.stage):
            if rule.stage != stage:
                stage = rule.stage
                eid_of = {iri: eid for eid, iri in self._iris.items()}
                for f in sorted(facts, key=lambda f: f.evidence.sent):
                    if f.p == KG.affiliatedWith and f.mode == "asserted":
                        self._affil.setdefault(f.s, eid_of.get(f.o))
            # A fast pass picks the candidate sentences (where a string every match of the trigger
            # contains occurs, else where the prefilter, the trigger without \b, matches); the
            # trigger itself then runs inside each of them only.
            candidates: list[int] = []
            needles = rule.needles
            if needles is not None:  # the sentences holding a string every trigger match contains
                found = set()
                for n in needles:
                    at = low.find(n)
                    while at != -1:
                        found.add(max(0, bisect_right(starts, at) - 1))
                        at = low.find(n, at + 1)
                candidates = sorted(found)
            else:
                for pre in rule.prefilter.finditer(text):
                    first = max(0, bisect_right(starts, pre.start()) - 1)
                    last = max(0, bisect_right(starts, max(pre.start(), pre.end() - 1)) - 1)
                    for i in range(first, last + 1):
                        if not candidates or candidates[-1] < i:
                            candidates.append(i)
            for i in candidates:
                sent = ad.sentences[i]
                for trig in rule.trigger.finditer(text, sent.start, sent.end):
                    if rule.if_before is not None or rule.unless_before is not None:
                        before = text[sent.start:trig.start()]  # its own string: '^' is the sentence start, '$' the trigger
                        if rule.if_before is not None and not rule.if_before.search(before):
                            continue
                        if rule.unless_before is not None and rule.unless_before.search(before):
                            continue
                    if trig.start() < trig.end():
                        facts += self._apply(rule, ad, sent, trig, by_sent[sent.index])
        facts.sort(key=lambda f: (f.evidence.sent, self._order.get(f.evidence.rule, -1)))
        return _dedupe(_merge_undated(facts, slugify(ad.doc.id)))

    # ---------------------------------------------------------------- mentions
    def _mention_facts(self, ad: AnalysedDoc) -> list[Fact]:
        out = []
        seen = set()
        sents = {s.index: s for s in ad.sentences}
        for m in ad.mentions:
            if m.layer == "date" or m.rule in ("voice.pronoun", "voice.body") or m.entity in seen:
                continue
            seen.add(m.entity)
            ev = self._evidence(ad, sents[m.sent], m.rule)
            iri = self._iri(m.entity)
            out.append(Fact(ad.doc.iri, KG.mentions, iri, ev))
            out.append(Fact(iri, RDF.type, KG[m.cls], ev))
            if m.label is not None:  # a person or thing found by the form of its name: the name the text gives
                out.append(Fact(iri, RDFS.label, Literal(m.label, lang="en"), ev))
            if m.cls == "Dispute":
                out.append(Fact(ad.doc.iri, KG.discusses, iri, ev))
        return out

    @staticmethod
    def _evidence(ad: AnalysedDoc, sent: Sentence, rule_id: str) -> Evidence:
        return Evidence(ad.doc.id, sent.index, sent.start, sent.end, ad.doc.text[sent.start : sent.end], rule_id)

    # ---------------------------------------------------------------- relation rules
    def _apply(self, rule: RelationRule, ad, sent: Sentence, trig: re.Match, mentions) -> list[Fact]:
        t0, t1 = trig.start(), trig.end()
        per_arg: list[list[tuple[str, Binding | None]]] = []
        used: set[tuple[int, int]] = set()
        # a name inside a longer name is part of it: "Russia" in "the NATO-Russia Summit", "NRC" in "the NRC
        # Counter-Narcotics Training Project" or "the NRC Trust Fund" name the summit, the project and the
        # fund; they do not act
        named_events = [(m.start, m.end) for m in mentions if m.layer == "topic" and (m.cls in EVENT_CLASSES or m.cls == "CooperationArea")
                        or self.book.top_class.get(m.cls) == "Agreement"]
        # a judgment read ahead of the trigger ("considers the treaty outdated") ends the words it is about
        stop = trig.start("role") if "role" in trig.re.groupindex and trig.start("role") >= t1 else None
        for spec in rule.args:
            found = self._phrase(spec, ad, sent, mentions, t1, used, rule.id, stop) if spec.phrase else None
            if found is None:
                found = self._bind(spec, ad, mentions, t0, t1, used, named_events)
            if not found and spec.resolve == "actor" and PRONOUN_SUBJECT.search(ad.doc.text, max(sent.start, t0 - 25), t0):
                return []  # "they offered": whose stance it is, the text does not say here
            if not found:
                default = self._default(spec, ad, sent, mentions)
                if default is not None:
                    found = [default]
                elif spec.optional:
                    found = [None]
                else:
                    return []
            for b in found:
                if b is not None and b.mention is not None:
                    used.add((b.mention.start, b.mention.end))
            if spec.resolve == "actor":
                pairs = [self._as_actor(b, ad, sent, mentions) for b in found]
                per_arg.append([(spec.name, a) for a, _ in pairs])
                per_arg.append([(spec.name + "_person", person) for _, person in pairs[:1]])
                continue
            per_arg.append([(spec.name, b) for b in found])
        extra = self._match_vars(rule, trig, ad.doc)
        facts = []
        for combo in itertools.product(*per_arg):
            env = dict(combo)
            named = [env[a].iri for a in rule.distinct if env.get(a) is not None]
            if len(named) != len(set(named)):
                continue
            mode = rule.mode if rule.mode != "detect" else self._detect_mode(ad, sent, t0, t1, env, rule)
            if mode == "asserted" and rule.stage != 0:
                mode = self._sentence_mode(ad, sent, t0)
            facts += self._emit(rule, ad, sent, {**extra, **env}, mode)
        return facts

    @staticmethod
    def _match_vars(rule: RelationRule, trig: re.Match, doc) -> dict[str, Binding]:
        """$match: the trigger text (or its 'role' group), normalised; $anniversary: doc year - ordinal."""
        groups = trig.groupdict()
        text = groups.get("role") or groups.get("role2") or groups.get("role3") or trig.group(0)
        text = dict(rule.normalize).get(text.lower(), text)
        if text.startswith("kg:"):  # normalised to an ontology individual, e.g. kg:supports
            out = {"match": Binding(KG[text[3:]], slugify(text[3:]), text[3:], None)}
        else:
            out = {"match": Binding(Literal(text, lang="en"), slugify(text), text, None)}
        ordinal = groups.get("ordinal")
        if ordinal and doc.date is not None:
            n = ORDINALS.get(ordinal.lower())
            if n:
                year = f"{doc.date.year - n:04d}"
                out["anniversary"] = Binding(DateValue(year, "year").literal(), year, year, None)
        return out

    def _bind(self, spec: ArgSpec, ad, mentions: list[Mention], t0: int, t1: int, used, named_events) -> list[Binding]:
        """Candidates for one argument; `named_events` are the spans of the sentence's named events and
        cooperation areas (a name inside them names them and does not act)."""
        cands = []
        for m in mentions:
            if (m.start, m.end) in used:
                continue
            if not spec.inside and m.layer == "entity" and any(a <= m.start and m.end <= b and (a, b) != (m.start, m.end)
                                                               for a, b in named_events):
                continue  # "Russia" in "the NATO-Russia Summit" names the summit, it does not act
            if spec.entities is not None and m.entity not in spec.entities:
                continue
            if spec.classes is not None and m.cls not in spec.classes:
                continue
            if m.entity in spec.exclude:
                continue
            overlaps = m.start < t1 and m.end > t0
            if overlaps and m.layer != "date" and not spec.inside:
                continue  # a mention inside the trigger is not an argument unless the rule says so
            if not overlaps and spec.side == "before" and m.end > t0:
                continue
            if not overlaps and spec.side == "after" and m.start < t1:
                continue
            if m.layer == "date" or m.cls == "Place":
                lead = ad.doc.text[max(0, m.start - 8):m.start]
                if (m.layer == "date" and OF_BEFORE.search(lead)) or (m.cls == "Place" and NEAR_BEFORE.search(lead)):
                    continue  # the date of a document named before it; a place the event is only near
            gap = ad.doc.text[m.end : t0] if m.end <= t0 else ad.doc.text[t1 : m.start] if m.start >= t1 else ""
            dist = len(WORD.findall(gap))
            if spec.resolve == "actor" and m.end <= t0 and SUBJECT_PRONOUN.search(gap):
                continue  # "..., they offered": the subject is the pronoun, not an actor further back
            if (spec.resolve == "actor" and PREPOSITION_BEFORE.search(ad.doc.text, max(0, m.start - 12), m.start)
                    and not BODY_OF.search(ad.doc.text, max(0, m.start - 40), m.start)):
                continue  # "envoy to NATO", "relations with Russia", "unlike NATO": no actor of the verb
            if m.layer != "date" and ATTRIBUTION_BEFORE.search(ad.doc.text, max(0, m.start - 48), m.start):
                continue  # "according to RIA Novosti": a source, never an argument
            if spec.window is not None and dist > spec.window:
                continue
            # rank of its class, words away, then (at equal distance) the mention after the trigger; a
            # year inside a name ("VIGILANT SKIES 2011") only when no date outside one is in reach
            in_name = m.layer == "date" and any(a <= m.start and m.end <= b and (a, b) != (m.start, m.end)
                                                for a, b in named_events)
            cands.append((dict(spec.rank).get(m.cls, 0) + in_name, dist, 0 if m.start >= t1 else 1, m.start, m))
        cands.sort(key=lambda c: c[:4])
        if not cands:
            return []
        chosen = [c[4] for c in cands] if spec.all else [cands[0][4]]
        out, seen = [], set()
        for m in chosen:
            if m.entity in seen and m.layer != "date":
                continue
            seen.add(m.entity)
            out.append(self._binding(m))
        return out

    def _phrase(self, spec: ArgSpec, ad, sent: Sentence, mentions, t1: int, used, rule_id: str,
                stop: int | None = None) -> list[Binding] | None:
        """The words right after the trigger ("opposes NATO's decision to revoke ..."): a thing of the
        spec's `names` classes named in them, else the one named thing they consist of, else a node of
        the phrase class labelled with the words. None when no words follow (the usual search then)."""
        ph = self.book.matching.phrases
        end = min([sent.end, stop or sent.end] + [m.start for m in mentions if m.layer == "date" and m.start >= t1])  # a date ends them
        spans = read_phrase(ad.doc.text, t1, end, ph) if ph is not None else None
        if spans is None:
            return None
        (a, b), whole = spans
        inside = [m for m in mentions if m.layer != "date" and a <= m.start and m.end <= whole[1]
                  and (m.start, m.end) not in used and m.entity not in spec.exclude]
        listed = self._listed(spec, ad.doc.text, mentions, whole[1])
        for m in inside:  # "regretted Russia's decision to suspend the CFE Treaty": the treaty
            if m.cls in spec.phrase_names:
                return [self._binding(m)] + listed
        for m in inside:
            if m.start == a and m.end == b and (spec.classes is None or m.cls in spec.classes):
                return [self._binding(m)] + listed
        words = " ".join(ad.doc.text[a:b].split())
        slug = slugify(words)[:80].strip("-")
        if not slug:
            return None
        folder = self.book.folders.get(spec.phrase, "issue")
        m = Mention(a, b, sent.index, ad.doc.text[a:b], f"~{folder}/{slug}", spec.phrase, "phrase", rule_id, None, words)
        return [self._binding(m)] + listed

    def _listed(self, spec: ArgSpec, text: str, mentions, end: int) -> list[Binding]:
        """Named things listed right after the words: '... the Lisbon Joint Statement, the Rome
        Declaration and the Founding Act' (each of the phrase's `names` classes)."""
        out = []
        for m in mentions:
            if m.start < end or m.layer == "date":
                continue
            if not LIST_GAP.fullmatch(text, end, m.start) or m.cls not in spec.phrase_names:
                break
            out.append(self._binding(m))
            end = m.end
        return out

    def _binding(self, m: Mention) -> Binding:
        if m.layer == "date":
            return Binding(m.date.literal(), m.date.value, m.date.value, m)
        if m.label is not None:
            return Binding(self._iri(m.entity), m.entity.rsplit("/", 1)[-1], m.label, m)
        ent = self.book.entities[m.entity]
        return Binding(self._iri(m.entity), m.entity, ent.label, m)

    def _default(self, spec: ArgSpec, ad, sent: Sentence | None = None, mentions=()) -> Binding | None:
        if spec.default == "$docdate":
            d = ad.doc.date
            return Binding(d.literal(), d.value, d.value, None) if d else None
        if spec.default == "$sayer":
            return self._sayer(ad, sent, mentions) if sent is not None else None
        eid = {"$voice": ad.doc.voice, "$speaker": ad.doc.speaker}.get(spec.default or "")
        return self._entity_binding(eid)

    def _sayer(self, ad, sent: Sentence, mentions) -> Binding | None:
        """The person a sentence reports ("Rogozin said", "said Mr Rogozin", "according to Rogozin"),
        else the document's speaker when the text is theirs (an interview, a statement)."""
        if sent.index not in self._sayers:
            found = None
            verbs = self.book.reporting
            if verbs is not None:
                text = ad.doc.text
                people = [m for m in mentions if m.cls == "Person"]
                for v in verbs.finditer(text, sent.start, sent.end):
                    before = [m for m in people if m.end <= v.start() and len(WORD.findall(text[m.end:v.start()])) <= 8]
                    after = [m for m in people if m.start >= v.end() and len(WORD.findall(text[v.end():m.start])) <= 1]
                    pick = (after[:1] if v.group(0).lower().startswith("according") else before[-1:] or after[:1])
                    if pick:
                        found = self._binding(pick[0])
                        break
            self._sayers[sent.index] = found
        return self._sayers[sent.index] or self._entity_binding(ad.doc.speaker)

    def _as_actor(self, b: Binding | None, ad, sent: Sentence, mentions) -> tuple[Binding | None, Binding | None]:
        """(the state or organisation a binding stands for, the person who voiced it).

        A person stands for whom this document says they serve (a role rule), else whom the
        gazetteer says they served at the document's date; an organisation of a state (the
        Russian MFA) stands for the state. A person with no known affiliation stands for themself.
        """
        if b is None or b.mention is None or b.mention.cls != "Person":
            sayer = self._sayer(ad, sent, mentions)
            if b is not None and sayer is not None and sayer.mention is not None and sayer.mention.cls == "Person":
                for_whom = self._serves(sayer, ad)
                theirs = {for_whom.iri, self._iri(self._country_of(for_whom.slug))} if for_whom is not None else set()
                named = {self._iri(m.entity) for m in mentions if m.layer == "entity" and m.cls != "Person"}
                if theirs and b.iri not in theirs and theirs & named:
                    return b, None  # "NATO welcomed ..., Russian Foreign Minister Lavrov said": not NATO's voice
            return b, sayer
        person = b
        actor = self._serves(person, ad)
        if actor is None:
            return person, person
        ent = self.book.entities.get(actor.slug)
        if ent is not None and ent.country:
            actor = self._entity_binding(ent.country) or actor
        return actor, person

    def _serves(self, person: Binding, ad) -> Binding | None:
        """Whom a person serves: from this document's role facts, else the gazetteer's dated roles."""
        if person.iri in self._affil:
            eid = self._affil[person.iri]
        else:
            ent = self.book.entities.get(person.mention.entity) if person.mention is not None else None
            eid = ent.affiliation_at(ad.doc.date.value if ad.doc.date else None) if ent else None
        return self._entity_binding(eid)

    def _country_of(self, eid: str) -> str:
        ent = self.book.entities.get(eid)
        return ent.country if ent is not None and ent.country else eid

    def _detect_mode(self, ad, sent: Sentence, t0: int, t1: int, env, rule: RelationRule) -> str:
        start = t0
        for b in env.values():
            if b is not None and b.mention is not None and b.mention.layer != "date" and b.mention.start < start:
                start = b.mention.start
        before = ad.doc.text[sent.start : start]
        words = list(WORD.finditer(before))
        if rule.scope_before and words:
            start = sent.start + words[max(0, len(words) - rule.scope_before)].start()
        scope = ad.doc.text[start:t0 if rule.cues_before else t1]
        if rule.cues_before and NEGATION_AFTER.match(ad.doc.text, t1):
            return "negated"
        for cue in self.book.cues:
            if cue.regex.search(scope):
                return cue.mode
        # a condition right after the last argument ("make their ratification of the Adapted CFE
        # Treaty conditional on ...") governs it too
        end = max([t1] + [b.mention.end for k, b in env.items() if b is not None and b.mention is not None
                          and b.mention.layer != "date" and not k.endswith("_person")])  # not the sayer ("..., X said")
        if CONDITION_AFTER.match(ad.doc.text, end):
            return "hypothetical"
        # a modal verb right after it: "Russia's withdrawal from the INF Treaty would be a mistake"
        modal = MODAL_AFTER.match(ad.doc.text, end)
        if modal:
            return "expected" if modal.group(1).lower() in ("will", "shall") else "hypothetical"
        return "asserted"

    @staticmethod
    def _sentence_mode(ad, sent: Sentence, t0: int) -> str:
        """What the whole sentence does to a statement in it: a question asks ("Will Medvedev go to
        Chicago?"), a leading condition governs its main clause ("If our concerns are ignored, Russia
        may withdraw")."""
        text = ad.doc.text[sent.start:sent.end]
        if text.rstrip().endswith("?"):
            return "questioned"
        m = LEADING_CONDITION.match(text)
        if m and sent.start + m.end() <= t0:
            return "hypothetical"
        return "asserted"

    # ---------------------------------------------------------------- emitting
    def _emit(self, rule: RelationRule, ad, sent: Sentence, env: dict, mode: str) -> list[Fact]:
        ev = self._evidence(ad, sent, rule.id)
        doc = ad.doc
        values: dict[str, URIRef | Literal | None] = {"$doc": doc.iri, "$quote": Literal(ev.quote)}
        fill: dict[str, Binding | None] = {**env, **self._doc_bindings(doc)}
        for name, t in rule.let:
            local = t.split(":")[-1].strip('"@')
            fill[name] = Binding(self._constant(t), slugify(local), local, None)
        for name, b in fill.items():
            if "$" + name not in values or values["$" + name] is None:
                values["$" + name] = b.iri if b is not None else None
        node_labels = {}
        for node in rule.nodes:
            same = fill.get(node.reuse) if node.reuse else None
            if same is not None:  # the text names the node itself (a summit of the gazetteer): no new one
                values["$" + node.name] = same.iri
                continue
            for template, label_template in ((node.template, node.label), *node.fallbacks):
                slug = _fill(template, fill, doc.id)
                label = _fill(label_template, fill, doc.id)
                if slug is not None and label is not None:
                    break
            if slug is None or label is None:
                values["$" + node.name] = None
                continue
            iri = ID[f"{node.folder}/{slugify(slug)}"]
            values["$" + node.name] = iri
            node_labels[iri] = label

        def term(t: str):
            if t.startswith("$"):
                return values.get(t)
            return self._constant(t)

        def triples(templates):
            for s, p, o in templates:
                ts, tp, to = term(s), term(p), term(o)
                if ts is not None and tp is not None and to is not None:
                    yield ts, tp, to

        out: list[Fact] = []
        emitted_nodes = set()
        asserted = mode == "asserted"
        for s, p, o in triples(rule.always + (rule.emit if asserted else ())):
            out.append(Fact(s, p, o, ev))
            emitted_nodes |= {x for x in (s, o) if x in node_labels}
        if not asserted:
            for s, p, o in triples(rule.claim):
                out.append(Fact(s, p, o, ev, mode))
                emitted_nodes |= {x for x in (s, o) if x in node_labels}
        for iri in sorted(emitted_nodes):
            out.append(Fact(iri, RDFS.label, Literal(node_labels[iri], lang="en"), ev))
        used_iris = {x for f in out for x in (f.s, f.o)}
        for b in env.values():  # a node made of the text's words: what it is, its words, and that the text names it
            if b is not None and b.mention is not None and b.mention.layer == "phrase" and b.iri in used_iris:
                out += [Fact(doc.iri, KG.mentions, b.iri, ev), Fact(b.iri, RDF.type, KG[b.mention.cls], ev),
                        Fact(b.iri, RDFS.label, Literal(b.label, lang="en"), ev)]
        out += self._event_status(out, doc, ev)
        return out

    def _doc_bindings(self, doc) -> dict[str, Binding | None]:
        """$voice, $speaker, $party1, $party2 and $docdate of a document, computed once per document."""
        cached = self._docs.get(doc.id)
        if cached is None:
            actors = {"voice": doc.voice, "speaker": doc.speaker}
            for i, party in enumerate(doc.parties[:2], start=1):
                actors[f"party{i}"] = party
            cached = {key: self._entity_binding(eid) for key, eid in actors.items()}
            if doc.date:
                cached["docdate"] = Binding(doc.date.literal(), doc.date.value, doc.date.value, None)
            self._docs[doc.id] = cached
        return cached

    def _constant(self, t: str):
        c = self._constants.get(t)
        if c is None:
            if t.startswith("@"):
                c = self._iri(t[1:])
            elif t.startswith('"'):
                c = Literal(t[1:-1])
            else:
                prefix, local = t.split(":", 1)
                c = NS[prefix][local]
            self._constants[t] = c
        return c

    def _iri(self, eid: str) -> URIRef:
        iri = self._iris.get(eid)
        if iri is None:
            iri = self._iris[eid] = ID[eid[1:]] if eid.startswith("~") else entity_iri(self.book, eid)
        return iri

    def _entity_binding(self, eid: str | None) -> Binding | None:
        if not eid or eid not in self.book.entities:
            return None
        return Binding(self._iri(eid), eid, self.book.entities[eid].label, None)

    @staticmethod
    def _event_status(facts: list[Fact], doc, ev: Evidence) -> list[Fact]:
        """Scheduled or occurred, judged against the document's date where both are comparable."""
        if doc.date is None:
            return []
        out = []
        for f in facts:
            if f.p != KG.date or f.mode != "asserted":
                continue
            value = str(f.o)  # compared at the coarser of the two precisions
            n = min(len(value), len(doc.date.value))
            a, b = value[:n], doc.date.value[:n]
            if a > b:
                out.append(Fact(f.s, KG.eventStatus, KG.scheduled, ev))
            elif a < b:
                out.append(Fact(f.s, KG.eventStatus, KG.occurred, ev))
        return out


def read_phrase(text: str, start: int, end: int, ph) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(the words, all the words): the span of the words from `start` up to the first boundary
    (punctuation, a stop word of matching.yaml phrases), leading and trailing function words dropped,
    at most max_words long (a longer one ends before its last preposition within max_words, from the
    fourth word on, else after max_words); and the same span before that cut."""
    stop = end
    m = PHRASE_BOUNDARY.search(text, start, end)
    if m:
        stop = m.start()
    m = ph.stop.search(text, start, stop)
    if m:
        stop = m.start()
    words = list(PHRASE_WORD.finditer(text, start, stop))
    while words and (words[0].group(0).lower() in ph.drop_first):
        words.pop(0)
    if not words or words[0].group(0).lower() in ph.prepositions or words[0].group(0).lower() in PRONOUNS:
        return None  # "regard it as ...": what "it" is, the words do not say
    whole = _trim(words, ph)
    if len(words) > ph.max_words:
        at = [i for i, w in enumerate(words[:ph.max_words + 1]) if i >= 3 and w.group(0).lower() in ph.prepositions]
        words = words[:at[-1] if at else ph.max_words]
    cut = _trim(words, ph)
    return (cut, whole or cut) if cut else None


def _trim(words: list[re.Match], ph) -> tuple[int, int] | None:
    """The span of the words without their trailing function words, if any are left."""
    n = len(words)
    while n and words[n - 1].group(0).lower() in ph.drop_last:
        n -= 1
    return (words[0].start(), words[n - 1].end()) if n else None


TEMPLATE_VAR = re.compile(r"\{(\w+)(\.label|\.year)?\}")


def _fill(template: str, env: dict, doc_id: str) -> str | None:
    """Fill {arg} (its slug) and {arg.label} (its label); None when an argument is unbound."""
    missing = False

    def sub(m: re.Match) -> str:
        nonlocal missing
        if m.group(1) == "doc":
            return doc_id
        b = env.get(m.group(1))
        if b is None:
            missing = True
            return ""
        if m.group(2) == ".year":
            return b.slug[:4]
        return b.label if m.group(2) else b.slug

    out = TEMPLATE_VAR.sub(sub, template)
    return None if missing else out


def _merge_undated(facts: list[Fact], doc_slug: str) -> list[Fact]:
    """One event, not two, when a document names it once with its date and once without: a node
    made by a rule's undated template ("...-meeting-brussels-<doc>") is the dated node of the same
    document that extends its name ("...-meeting-brussels-2011-04-15"), where there is exactly one."""
    suffix = "-" + doc_slug
    events = {f.s for f in facts if f.p == RDF.type and str(f.s).startswith(str(ID["event/"]))}
    undated = {e for e in events if str(e).endswith(suffix)}
    if not undated:
        return facts
    into = {}
    for e in undated:
        stem = str(e)[: -len(suffix)] + "-"
        dated = [d for d in events - undated if str(d).startswith(stem)]
        if len(dated) == 1:
            into[e] = dated[0]
    if not into:
        return facts
    return [Fact(into.get(f.s, f.s), f.p, into.get(f.o, f.o), f.evidence, f.mode)
            for f in facts if not (f.s in into and f.p == RDFS.label)]


def _dedupe(facts: list[Fact]) -> list[Fact]:
    seen, out = set(), []
    for f in facts:
        key = (f.s, f.p, f.o, f.mode, f.evidence.sent)  # two rules reading the same: the first one's evidence
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
