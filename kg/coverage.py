"""What the build could not read, per document, so a user adding texts knows where to look.

`nrkg build` writes it beside the graph (coverage.json for tools, coverage.md for people) and
sums it up in one line; `nrkg suggest` turns its unknown names into gazetteer entries to paste.

- unknown names: capitalised names no gazetteer entry or name pattern matched, with counts and an
  example sentence;
- silent sentences: sentences that name two or more entities but gave no fact;
- unresolved dates: date expressions that could not be resolved against the document's date
  ("next week", "on Tuesday" in a document dated only to the month), so left undated.
"""
from __future__ import annotations

import json
import re
from collections import Counter

from kg.model import AnalysedDoc, Fact, slugify

# Mentions that are not read from a relation: the gazetteer and the name patterns.
MENTION_RULES = ("gaz.", "person.", "name.", "local.", "voice.")
EXAMPLE_CHARS = 240


def coverage(analysed: list[AnalysedDoc], facts: list[Fact]) -> dict:
    """The coverage report of a build, as plain data (sorted, so two builds give the same file)."""
    told: dict[str, set[int]] = {}
    for f in facts:
        if not f.evidence.rule.startswith(MENTION_RULES):
            told.setdefault(f.evidence.doc, set()).add(f.evidence.sent)
    docs = []
    for ad in analysed:
        text = ad.doc.text
        sents = {s.index: s for s in ad.sentences}

        def quote(i: int) -> str:
            s = sents[i]
            q = " ".join(text[s.start:s.end].split())
            return q if len(q) <= EXAMPLE_CHARS else q[:EXAMPLE_CHARS - 3] + "..."

        counts = Counter(name for name, _ in ad.unknown_names)
        first = {}
        for name, i in ad.unknown_names:
            first.setdefault(name, i)
        unknown = [{"name": n, "count": c, "example": quote(first[n])}
                   for n, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        named: dict[int, set[str]] = {}
        for m in ad.mentions:
            if m.layer == "entity" and m.rule not in ("voice.pronoun", "voice.body"):
                named.setdefault(m.sent, set()).add(m.entity)
        silent = [{"sentence": i, "begin": sents[i].start, "end": sents[i].end, "entities": len(ents), "text": quote(i)}
                  for i, ents in sorted(named.items()) if len(ents) >= 2 and i not in told.get(ad.doc.id, set())]
        dates = [{"text": t, "sentence": i, "example": quote(i)} for t, i in ad.unresolved_dates]
        docs.append({"document": ad.doc.id, "sentences": len(ad.sentences), "unknown_names": unknown,
                     "silent_sentences": silent, "unresolved_dates": dates})
    totals = {"unknown_names": sum(len(d["unknown_names"]) for d in docs),
              "silent_sentences": sum(len(d["silent_sentences"]) for d in docs),
              "sentences": sum(d["sentences"] for d in docs),
              "unresolved_dates": sum(len(d["unresolved_dates"]) for d in docs)}
    return {"totals": totals, "documents": docs}


def summary_line(cov: dict) -> str:
    t = cov["totals"]
    return (f"{t['unknown_names']} unknown names, {t['silent_sentences']} of {t['sentences']} sentences name entities "
            f"but gave no fact, {t['unresolved_dates']} dates left undated")


def to_json(cov: dict) -> str:
    return json.dumps(cov, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def to_markdown(cov: dict) -> str:
    out = ["# Coverage: what the build could not read", "",
           summary_line(cov) + ".", "",
           "Unknown names can be added with `nrkg suggest` (gazetteer entries to paste into "
           "kg/rules/reference/domain.yaml); silent sentences may want a relation rule (kg/rules/relations-genre.yaml).", ""]
    for d in cov["documents"]:
        if not (d["unknown_names"] or d["silent_sentences"] or d["unresolved_dates"]):
            continue
        out += [f"## {d['document']}", ""]
        if d["unknown_names"]:
            out += ["Unknown names:", ""] + [f"- {u['name']} ({u['count']}): \"{u['example']}\"" for u in d["unknown_names"]] + [""]
        if d["silent_sentences"]:
            out += ["Sentences with entities but no fact:", ""]
            out += [f"- [{s['begin']}:{s['end']}] \"{s['text']}\"" for s in d["silent_sentences"]] + [""]
        if d["unresolved_dates"]:
            out += ["Dates left undated:", ""] + [f"- \"{u['text']}\" in \"{u['example']}\"" for u in d["unresolved_dates"]] + [""]
    return "\n".join(out).rstrip() + "\n"


# ------------------------------------------------------------------ nrkg suggest

CLASS_HINTS = [  # (pattern on the name, class, why)
    (r"\b(?:Ministry|Council|Committee|Commission|Agency|Service|Office|Organi[sz]ation|Assembly|Parliament|Duma|"
     r"Mission|Command|Navy|Army|Force|Forces|Fleet|Staff|Department|Union|Bank|Institute|Group|Press|Directorate|"
     r"Administration|Bureau|Secretariat|Headquarters|Centre|Center|Division|Brigade|Regiment|Corps|Agency|Court)\b", "Organization", "an institution's word"),
    (r"\b(?:Treaty|Agreement|Accord|Convention|Protocol|Charter)\b", "Treaty", "an agreement's word"),
    (r"\b(?:Declaration|Act|Memorandum)\b", "Declaration", "a declaration's word"),
    (r"\b(?:Plan|Programme|Program|Initiative|Concept|Project|Fund)\b", "ActionPlan", "a plan's word"),
    (r"\b(?:Summit)\b", "Summit", "the word Summit"),
    (r"\b(?:Operation|Exercise)\b", "Operation", "an operation's word"),
    (r"\b(?:Sea|Ocean|Gulf|Strait|Region|Peninsula|Island|Islands|River|Mountains?|Valley|City|Oblast|Krai)\b", "Place", "a place's word"),
    (r"^[A-Z]{2,6}$", "Organization", "an acronym"),
]


def suggest(cov: dict, min_count: int = 1, known: set[str] = frozenset()) -> str:
    """Gazetteer entries (YAML) for the unknown names of a coverage report, most frequent first."""
    totals: Counter = Counter()
    example: dict[str, tuple[str, str]] = {}
    for d in cov["documents"]:
        for u in d["unknown_names"]:
            totals[u["name"]] += u["count"]
            example.setdefault(u["name"], (d["document"], u["example"]))
    lines = ["# Paste into kg/rules/reference/domain.yaml, confirm each class (kg:Person, State, Organization,",
             "# Treaty, Declaration, ActionPlan, Summit, Meeting, Operation, Conflict, Place, Vessel, Dispute, ...),",
             "# then run `nrkg build` again.", ""]
    n = 0
    for name, count in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])):
        eid = re.sub(r"-+", "-", slugify(name.encode("ascii", "ignore").decode() or name))
        if count < min_count or not eid or eid in known:
            continue
        cls, why = next(((c, w) for rx, c, w in CLASS_HINTS if re.search(rx, name)), ("Person" if len(name.split()) in (2, 3) else "Organization",
                                                                                    "two or three capitalised words" if len(name.split()) in (2, 3) else "no clue"))
        doc, ex = example[name]
        lines += [f"- id: {eid}",
                  f"  class: {cls}  # a guess ({why}): confirm",
                  f"  label: {json.dumps(name, ensure_ascii=False)}",
                  f"  aliases: [{json.dumps(name, ensure_ascii=False)}]",
                  f"  comment: {json.dumps(f'Seen {count} time(s), e.g. in {doc}: {ex}', ensure_ascii=False)}",
                  ""]
        n += 1
    if n == 0:
        return "# No unknown names: every capitalised name in the documents is known.\n"
    return "\n".join(lines)
