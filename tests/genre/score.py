"""Score extraction against an annotation in the format of tests/genre/FORMAT.md.

    python tests/genre/score.py tests/genre/dev.yaml            # the sentences of a test set
    python tests/genre/score.py ANNOTATIONS.yaml --seeds DIR    # documents (items name files of DIR)
    add -v to print every miss and false positive, --text-only to leave out the curated reference facts

Recall is counted per expected unit: an entity ([name, class]), a fact (an event with all the
keys it gives, a [subject, property, object] triple, a position) or a claim (the same, not
asserted, with its mode). A trap is a `must_not` fact the graph asserts. Precision is counted on
what the graph asserts that the annotation addresses: a predicted relation between two named
things, or a role of an event or position, is right when some expected fact of the same item
names both ends; the rest are listed as false positives.
"""
from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import RDF, RDFS, Literal, URIRef

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kg.model import KG, DateValue, Document  # noqa: E402

EVENT_KEYS = {"participant": KG.participant, "forum": KG.forum, "place": KG.place, "agreement": KG.agreement,
              "chair": KG.chair, "about": None, "date": KG.date}
RELATION_PROPS = {"memberOf", "partOf", "affiliatedWith", "role", "party", "signatory", "ratifiedBy", "suspendedBy",
                  "inForceFor", "establishes", "operatedBy", "cooperationArea"}


# Office names that are one office written two ways (the rules write roles as the text does,
# or in these canonical forms).
ROLE_SYNONYMS = {"minister of foreign affairs": "foreign minister", "minister of defence": "defence minister",
                 "minister of defense": "defence minister", "defense minister": "defence minister",
                 "secretary of defense": "defence secretary", "defense secretary": "defence secretary"}


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['’]s\b", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"^(the|mr|mrs|ms|dr) ", "", text)
    return text


FUNCTION_WORDS = set("a an the of to in on at by for from with and or its their his her our s".split())


def _same_words(a: str, b: str) -> bool:
    """Two phrases for one issue ("Russia's military response in Georgia", "Russia's excessive military
    response"): each has two or more content words, and at least half of each one's are in the other."""
    wa, wb = set(a.split()) - FUNCTION_WORDS, set(b.split()) - FUNCTION_WORDS
    if len(wa) < 2 or len(wb) < 2:
        return False
    common = len(wa & wb)
    return common * 2 >= len(wa) and common * 2 >= len(wb)


@dataclass
class Item:
    id: str
    facts: list
    mentions: list
    names: dict  # iri -> set of normalised names
    types: dict  # iri -> set of class local names (asserted)
    out: dict  # (s, p) -> set of o, asserted
    claims: list  # (s, p, o, mode)


@dataclass
class Score:
    hits: Counter = field(default_factory=Counter)
    totals: Counter = field(default_factory=Counter)
    misses: list = field(default_factory=list)
    traps: list = field(default_factory=list)
    predicted: int = 0
    wrong: list = field(default_factory=list)
    empty_docs: list = field(default_factory=list)

    def add(self, kind, ok, what):
        self.totals[kind] += 1
        if ok:
            self.hits[kind] += 1
        else:
            self.misses.append((kind, what))

    def recall(self, kind) -> float:
        return self.hits[kind] / self.totals[kind] if self.totals[kind] else 1.0

    @property
    def precision(self) -> float:
        return 1 - len(self.wrong) / self.predicted if self.predicted else 1.0


class Scorer:
    def __init__(self, book=None, reference: bool = True):
        from kg.extract import Extractor
        from kg.nlp import Analyser
        from kg.rules import load_rulebook

        self.book = book or load_rulebook()
        self.analyser, self.extractor = Analyser(self.book), Extractor(self.book)
        self.top = self.book.top_class
        self.strict = False
        self.reference = reference  # count the curated facts the dataset carries for named entities

    # ------------------------------------------------------------------ running the pipeline
    def run(self, doc: Document, item_id: str) -> Item:
        ad = self.analyser.analyse(doc)
        facts = self.extractor.extract(ad)
        names: dict = defaultdict(set)
        types, out, claims = defaultdict(set), defaultdict(set), []
        for f in facts:
            if f.mode != "asserted":
                claims.append((f.s, f.p, f.o, f.mode))
                continue
            if f.p == RDF.type:
                types[f.s].add(str(f.o).split("#")[-1])
            elif f.p == RDFS.label:
                names[f.s].add(norm(f.o))
            out[(f.s, f.p)].add(f.o)
        named_ids = []
        for m in ad.mentions:
            if m.layer == "date":
                continue
            iri = self.extractor._iri(m.entity)
            names[iri].add(norm(m.text))
            ent = self.book.entities.get(m.entity)
            if ent is not None:
                names[iri] |= {norm(a) for a in (ent.label, *ent.aliases, *ent.aliases_ci)}
                named_ids.append(m.entity)
        # the curated reference facts the dataset carries for the named entities (kg.graph): counted
        # for recall; precision counts what the rules read from the text
        if self.reference:
            from kg.graph import reference_facts

            for s, p, o in reference_facts(self.book, named_ids):
                out[(self.extractor._iri(s), p)].add(self.extractor._iri(o))
        # what the reasoner infers into the dataset from them: partOf is transitive, and whoever is
        # affiliated with a body is affiliated with what it is part of (ontology property chain)
        for _ in range(3):
            for (s, p), objs in list(out.items()):
                for o in list(objs):
                    if p in (KG.partOf, KG.affiliatedWith):
                        out[(s, p)] |= out.get((o, KG.partOf), set())
        by_iri = {i: e for e, i in self.extractor._iris.items()}
        for objs in list(out.values()):  # objects are named by their gazetteer names
            for o in objs:
                ent = self.book.entities.get(by_iri.get(o, ""))
                if ent is not None and o not in names:
                    names[o] |= {norm(a) for a in (ent.label, *ent.aliases, *ent.aliases_ci)}
        return Item(item_id, facts, ad.mentions, names, types, out, claims)

    # ------------------------------------------------------------------ matching
    def named(self, it: Item, iri, want) -> bool:
        if isinstance(iri, Literal):
            a, b = norm(iri), norm(want)
            for long, short in ROLE_SYNONYMS.items():
                a, b = a.replace(long, short), b.replace(long, short)
            return bool(a) and bool(b) and (a == b or a in b or b in a)
        w = norm(want)
        return any(w == n for n in it.names.get(iri, ()))

    def about(self, it: Item, iri, want) -> bool:
        """A phrase ("military cooperation with NATO") is about a thing whose name it contains as whole
        words, or that contains it. Traps (must_not) compare names exactly instead."""
        w = norm(want)
        if self.strict:
            return w in it.names.get(iri, ())
        return any(w == n or len(n) >= 3 and f" {n} " in f" {w} " or len(w) >= 6 and f" {w} " in f" {n} "
                   or _same_words(w, n) for n in it.names.get(iri, ()))

    def kind_fits(self, it: Item, node, kind: str) -> bool:
        from kg.rules import load_ontology

        have = it.types.get(node, set())
        return any(h in load_ontology().classes.get(kind, {kind}) for h in have)

    def event_ok(self, it: Item, node, spec: dict, asserted=True) -> bool:
        if not self.kind_fits(it, node, spec["event"]):
            return False
        for key, want in spec.items():
            if key in ("event", "mode"):
                continue
            if key == "date":
                got = {str(o) for o in it.out.get((node, KG.date), ())}
                if want in (None, "none"):
                    if got:
                        return False
                elif str(want) not in got:
                    return False
                continue
            wants = want if isinstance(want, list) else [want]
            for w in wants:
                props = [EVENT_KEYS[key]] if EVENT_KEYS.get(key) else None
                if key == "place":  # a state is the event's kg:country (kg:place is for places)
                    props = [KG.place, KG.country]
                objs = [o for (s, p), os_ in it.out.items() if s == node and (props is None or p in props) for o in os_]
                if key == "chair":
                    objs += list(it.out.get((node, KG.participant), ()))
                test = self.about if key == "about" else self.named
                if not any(test(it, o, w) for o in objs):
                    return False
        return True

    def fact_ok(self, it: Item, spec) -> bool:
        if isinstance(spec, list):
            s, p, o = spec
            return any(self.named(it, subj, s) and any(self.named(it, obj, o) for obj in objs)
                       for (subj, prop), objs in it.out.items() if prop == KG[p])
        if "event" in spec:
            return any(self.event_ok(it, node, spec) for node in it.types)
        if "position" in spec:
            for node, ts in it.types.items():
                if "Position" not in ts or KG[spec["position"]] not in it.out.get((node, KG.stance), ()):
                    continue
                ok = all(any((self.about if k == "about" else self.named)(it, o, spec[k])
                             for o in it.out.get((node, prop), ()))
                         for k, prop in (("holder", KG.holder), ("about", KG.about), ("stated_by", KG.statedBy)) if k in spec)
                if ok:
                    return True
            return False
        raise ValueError(f"{it.id}: unknown fact shape {spec!r}")

    def claim_ok(self, it: Item, spec) -> bool:
        mode = spec["mode"] if isinstance(spec, dict) else None
        values = ([v for k, v in spec.items() if k not in ("mode", "event", "position", "date")] if isinstance(spec, dict)
                  else [spec[0], spec[2]])
        flat = [x for v in values for x in (v if isinstance(v, list) else [v])]
        for s, p, o, m in it.claims:
            if mode and m != mode:
                continue
            hit = sum(1 for w in flat if self.named(it, s, w) or self.named(it, o, w) or self.about(it, o, w))
            if hit >= min(2, len(flat)):
                return True
        return False

    # ------------------------------------------------------------------ precision
    def supported(self, it: Item, s, p, o, gold: list) -> bool:
        vals = []
        for g in gold:
            if isinstance(g, list):
                vals.append([g[0], g[2]])
            else:
                vals.append([x for k, v in g.items() if k not in ("event", "position", "mode")
                             for x in (v if isinstance(v, list) else [v]) if x not in (None, "none")])
        for vs in vals:
            o_ok = any(self.named(it, o, v) or self.about(it, o, v) or str(o) == str(v) for v in vs)
            s_ok = any(self.named(it, s, v) for v in vs) or bool(it.types.get(s, set()) & {
                "Event", "Position", "Meeting", "Summit", "Conference", "Operation", "Conflict", "Incident", "Signing",
                "Ratification", "Adoption", "EntryIntoForce", "Suspension", "Withdrawal", "Resumption", "Extension",
                "Establishment", "Exercise", "Visit", "AgreementEvent", "Relationship"})
            if o_ok and s_ok:
                return True
        return False

    # ------------------------------------------------------------------ one item
    def score_item(self, it: Item, spec: dict, sc: Score) -> None:
        for name, cls in spec.get("entities") or []:
            top = self.top.get(cls, cls)
            ok = any((norm(m.text) == norm(name) or norm(name) in it.names.get(self.extractor._iri(m.entity), ()))
                     and self.top.get(m.cls, m.cls) == top for m in it.mentions if m.layer != "date")
            sc.add("entities", ok, f"{it.id}: entity {name} ({cls})")
        gold = list(spec.get("facts") or [])
        for f in gold:
            sc.add("facts", self.fact_ok(it, f), f"{it.id}: fact {f}")
        for c in spec.get("claims") or []:
            sc.add("claims", self.claim_ok(it, c), f"{it.id}: claim {c}")
        self.strict = True
        try:
            for t in spec.get("must_not") or []:
                if self.fact_ok(it, t):
                    sc.traps.append(f"{it.id}: asserted {t}")
        finally:
            self.strict = False
        scored = {KG[p] for p in RELATION_PROPS} | {KG.participant, KG.forum, KG.place, KG.agreement, KG.holder,
                                                     KG.about, KG.statedBy, KG.chair}
        asserted = [f for f in it.facts if f.mode == "asserted" and f.p in scored]
        if not [f for f in it.facts if f.mode == "asserted" and f.p not in (KG.mentions, RDF.type, RDFS.label)]:
            sc.empty_docs.append(it.id)
        for f in asserted:
            sc.predicted += 1
            if not self.supported(it, f.s, f.p, f.o, gold + list(spec.get("claims") or [])):
                sc.wrong.append(f"{it.id}: {_short(f.s)} {_short(f.p)} {_short(f.o)}  [{f.evidence.rule}]")


def _short(t) -> str:
    s = str(t)
    return s.split("/id/")[-1].split("#")[-1] if isinstance(t, URIRef) else repr(s)


def score_sentences(path: Path, scorer: Scorer | None = None) -> Score:
    scorer = scorer or Scorer()
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    sc = Score()
    for spec in data["items"]:
        date = DateValue.parse(str(spec["doc_date"])) if spec.get("doc_date") else None
        if date is None:
            from kg.corpus import dateline_date

            date = dateline_date(spec["text"])
        doc = Document(spec["id"], Path(spec["id"] + ".txt"), spec["text"], spec["id"], date)
        scorer.score_item(scorer.run(doc, spec["id"]), spec, sc)
    return sc


def score_documents(annotations: Path, seeds: Path, scorer: Scorer | None = None) -> Score:
    from kg.corpus import load_corpus

    scorer = scorer or Scorer()
    data = yaml.safe_load(Path(annotations).read_text(encoding="utf-8"))
    specs = data["items"] if isinstance(data, dict) else data
    docs = {d.id: d for d in load_corpus(seeds)}
    sc = Score()
    for spec in specs:
        scorer.score_item(scorer.run(docs[spec["id"]], spec["id"]), spec, sc)
    return sc


def report(sc: Score, verbose: bool = False) -> str:
    lines = [f"entities  {sc.hits['entities']}/{sc.totals['entities']} = {sc.recall('entities'):.3f}",
             f"facts     {sc.hits['facts']}/{sc.totals['facts']} = {sc.recall('facts'):.3f}",
             f"claims    {sc.hits['claims']}/{sc.totals['claims']} = {sc.recall('claims'):.3f}",
             f"precision {sc.predicted - len(sc.wrong)}/{sc.predicted} = {sc.precision:.3f}",
             f"traps asserted {len(sc.traps)}; items without facts {len(sc.empty_docs)}"]
    if verbose:
        lines += ["", "MISSES:"] + [f"  {w}" for _, w in sc.misses]
        lines += ["", "FALSE POSITIVES:"] + [f"  {w}" for w in sc.wrong]
        lines += ["", "TRAPS:"] + [f"  {w}" for w in sc.traps]
        lines += ["", "WITHOUT FACTS:"] + [f"  {w}" for w in sc.empty_docs]
    return "\n".join(lines)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("annotations")
    ap.add_argument("--seeds", help="a folder of documents (with catalogue.yaml) the items are about")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--text-only", action="store_true",
                    help="count only what the rules read from the text, not the gazetteer's curated partOf/affiliatedWith")
    a = ap.parse_args()
    scorer = Scorer(reference=not a.text_only)
    score = (score_documents(Path(a.annotations), Path(a.seeds), scorer) if a.seeds
             else score_sentences(Path(a.annotations), scorer))
    print(report(score, a.verbose))
