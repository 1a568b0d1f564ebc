"""Stage 2: load the curated rules (YAML under kg/rules/) and validate them against the ontology.

Every rule has an `id`; a bad rule fails the load with the file, the rule id and what is wrong.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from re import _constants as _C  # the regex parser's own tree: what re.compile sees
from re import _parser as _sre

from rdflib import OWL, RDF, RDFS, Graph

from kg.errors import RuleError
from kg.model import KG
from kg.yamlfile import load_yaml

RULES_DIR = Path(__file__).parent / "rules"
GAZETTEER_FILES = ("reference/states.yaml", "reference/places.yaml", "gazetteer.yaml", "reference/domain.yaml")
ONTOLOGY = Path(__file__).parent.parent / "ontology" / "nato-russia.ttl"

# Topic classes are matched on their own layer (they may overlap actor names).
TOPIC_CLASSES = {"Dispute", "Proposal", "CooperationArea"}
# Named events ("NATO summit in Bucharest", "war in Georgia") are matched on the topic layer too, so
# that the actors and places inside their names are still mentions of their own.
EVENT_CLASSES = {"Event", "Meeting", "Summit", "Conference", "Conflict", "Operation", "Incident", "Exercise", "Visit"}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
PREFIXES = {
    "kg": str(KG),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}


@dataclass(frozen=True)
class Ontology:
    classes: dict[str, frozenset[str]]  # class local name -> itself and all subclasses
    properties: frozenset[str]

    def expand(self, cls: str) -> frozenset[str]:
        return self.classes[cls]


@lru_cache(maxsize=4)
def load_ontology(path: Path = ONTOLOGY) -> Ontology:
    g = Graph()
    try:
        g.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many kinds
        raise RuleError(f"{path}: cannot parse the ontology ({exc}); fix the Turtle") from None
    ns = str(KG)
    local = lambda u: str(u)[len(ns):]  # noqa: E731
    classes = {local(c) for c in g.subjects(RDF.type, OWL.Class) if str(c).startswith(ns)}
    subs: dict[str, set[str]] = {c: {c} for c in classes}
    changed = True
    pairs = [(local(s), local(o)) for s, o in g.subject_objects(RDFS.subClassOf) if str(s).startswith(ns) and str(o).startswith(ns)]
    while changed:
        changed = False
        for child, parent in pairs:
            if parent in subs and not subs[child] <= subs[parent]:
                subs[parent] |= subs[child]
                changed = True
    props = {
        local(p)
        for t in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for p in g.subjects(RDF.type, t)
        if str(p).startswith(ns)
    }
    return Ontology({c: frozenset(s) for c, s in subs.items()}, frozenset(props))


@dataclass(frozen=True)
class Entity:
    id: str
    cls: str
    label: str
    aliases: tuple[str, ...] = ()
    aliases_ci: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    comment: str | None = None
    notation: tuple[str, ...] = ()  # codes (ISO 3166), written as skos:notation
    exact_match: tuple[str, ...] = ()  # IRIs of the same thing elsewhere (GeoNames), as skos:exactMatch
    country: str | None = None  # a place: the state it lies in (gazetteer id)
    affiliation: str | None = None  # a person: the state or organisation they serve (gazetteer id)
    roles: tuple["Role", ...] = ()  # a person: dated offices, for reading who speaks for whom
    source: str = "gazetteer.yaml"  # the file that defines it, under kg/rules/

    def role_at(self, date: str) -> "Role | None":
        """The office the person held at `date` (YYYY[-MM[-DD]]), if one of their dated roles covers it."""
        for r in self.roles:
            if r.start and _not_after(r.start, date) and (not r.end or _not_after(date, r.end)):
                return r
        return None

    def affiliation_at(self, date: str | None) -> str | None:
        """The state or organisation the person served at `date`, else their affiliation."""
        role = self.role_at(date) if date else None
        return role.of if role is not None and role.of else self.affiliation

    @property
    def layer(self) -> str:
        return "topic" if self.cls in TOPIC_CLASSES or self.cls in EVENT_CLASSES else "entity"


def _not_after(a: str, b: str) -> bool:
    """a <= b, compared at the coarser precision of the two dates (2008 is not after 2008-05)."""
    n = min(len(a), len(b))
    return a[:n] <= b[:n]


@dataclass(frozen=True)
class Role:
    role: str
    of: str | None = None
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class DateRule:
    id: str
    description: str
    regex: re.Pattern
    resolve: str
    precision: str
    qualifier: str | None = None
    years: int | None = None
    days: int | None = None
    months: int | None = None


@dataclass(frozen=True)
class ArgSpec:
    name: str
    classes: frozenset[str] | None = None
    entities: frozenset[str] | None = None
    exclude: frozenset[str] = frozenset()
    side: str = "any"  # before | after | any
    window: int | None = None
    all: bool = False
    optional: bool = False
    default: str | None = None  # $voice | $speaker | $docdate | $sayer
    inside: bool = False  # may overlap the trigger text
    resolve: str | None = None  # actor: a person found here stands for their state or organisation ($NAME_person keeps them)
    rank: tuple[tuple[str, int], ...] = ()  # prefer: class -> rank (listed order), before distance
    phrase: str | None = None  # the class of the node made of the words after the trigger when they name no known thing
    phrase_names: frozenset[str] = frozenset()  # things of these classes named inside those words are the argument


@dataclass(frozen=True)
class NodeSpec:
    name: str
    folder: str
    template: str
    label: str
    fallbacks: tuple[tuple[str, str], ...] = ()  # (template, label) tried in order when an argument is unbound
    reuse: str | None = None  # an argument that, when bound, is this node (a named summit rather than a new one)


@dataclass(frozen=True)
class RelationRule:
    id: str
    description: str
    trigger: re.Pattern
    args: tuple[ArgSpec, ...]
    nodes: tuple[NodeSpec, ...]
    emit: tuple[tuple[str, str, str], ...]
    claim: tuple[tuple[str, str, str], ...]
    always: tuple[tuple[str, str, str], ...]
    mode: str = "detect"
    scope_before: int = 3
    let: tuple[tuple[str, str], ...] = ()
    normalize: tuple[tuple[str, str], ...] = ()
    prefilter: re.Pattern | None = None  # the trigger without \b: a fast superset to find candidate sentences
    needles: tuple[str, ...] | None = None  # lower-case strings one of which every trigger match contains
    stage: int = 1  # rules of stage 0 (roles, affiliations) run over the whole document before the others
    cues_before: bool = False  # modality cues count only before the trigger (a trigger like "proposes" is no cue)
    distinct: tuple[str, ...] = ()  # arguments that may not name the same thing ("Russia proposes: Russia")
    if_before: re.Pattern | None = None  # the rule fires only if the sentence before its trigger matches this
    unless_before: re.Pattern | None = None  # ... and never if it matches this


@dataclass(frozen=True)
class Cue:
    id: str
    mode: str
    regex: re.Pattern


@dataclass
class Rulebook:
    entities: dict[str, Entity] = field(default_factory=dict)
    dates: list[DateRule] = field(default_factory=list)
    relations: list[RelationRule] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    actor_cues: dict = field(default_factory=dict)
    boilerplate: list[tuple[str, re.Pattern]] = field(default_factory=list)
    matching: "Matching" = None  # type: ignore[assignment]  # kg/rules/matching.yaml
    reporting: re.Pattern | None = None  # reporting verbs ("said", "told", "according to"): who is speaking
    top_class: dict[str, str] = field(default_factory=dict)  # class -> its top-level class (Event for Summit)
    folders: dict[str, str] = field(default_factory=dict)  # class -> IRI folder
    files: dict[str, str] = field(default_factory=dict)  # rule id -> file name

    def description(self, rule_id: str) -> str:
        for r in (*self.dates, *self.relations, *self.cues):
            if r.id == rule_id:
                return getattr(r, "description", "") or r.id
        if rule_id in MATCHING_RULES:
            return MATCHING_RULES[rule_id]
        if rule_id.startswith("gaz."):
            e = self.entities.get(rule_id[4:])
            return f"Gazetteer entry for {e.label} ({e.cls})" if e else rule_id
        return rule_id


# Mentions made by kg/rules/matching.yaml rather than a gazetteer entry: their rule ids.
MATCHING_RULES = {
    "person.first-name": "A person the gazetteer does not know: a known first name and a capitalised surname (matching.yaml first_names)",
    "person.title-name": "A person the gazetteer does not know: an office or honorific, then a capitalised name (matching.yaml titles)",
    "person.apposition": "A person the gazetteer does not know: a capitalised name, a comma and a role noun (matching.yaml role_nouns)",
    "name.agreement": "An agreement the gazetteer does not know: a capitalised title with a head noun such as Treaty, Plan or Declaration (matching.yaml names)",
    "name.exercise": "An exercise the gazetteer does not know: a name in capitals next to the word exercise (matching.yaml names)",
    "name.vessel": "A ship the gazetteer does not know: a name after a ship prefix such as RFS or HMS (matching.yaml names)",
    "name.operation": "An operation the gazetteer does not know: Operation and a capitalised name (matching.yaml names)",
    "local.surname": "A person named by surname after a full first mention in the same document",
    "local.abbreviation": "An abbreviation given in parentheses after a name, used later in the same document",
}


@dataclass(frozen=True)
class Matching:
    """kg/rules/matching.yaml: spelling variants, and how unknown people are found."""
    spelling: dict[str, str]
    first_names: frozenset[str]
    titles: tuple[str, ...]
    role_nouns: frozenset[str]
    particles: frozenset[str]
    not_names: frozenset[str]
    agreement_heads: dict[str, str]  # head noun -> class (Treaty, Declaration, ActionPlan, Agreement)
    ship_prefixes: frozenset[str]
    phrases: "Phrases | None" = None
    body_voice: re.Pattern | None = None  # "we, the Defence Ministers of <name>": whose voice "we" is
    voice_bodies: tuple[str, ...] = ()  # "Ministers", ...: the members of that body, named by what they are

    @property
    def name_words(self) -> frozenset[str]:
        """Words without which no agreement, ship or operation name is looked for in a line."""
        cached = self.__dict__.get("_name_words")
        if cached is None:
            cached = frozenset(self.agreement_heads) | self.ship_prefixes | {"Operation", "OPERATION"}
            object.__setattr__(self, "_name_words", cached)
        return cached


@dataclass(frozen=True)
class Phrases:
    """matching.yaml phrases: how the words a position is about are read when they name no known thing."""
    max_words: int
    stop: re.Pattern  # a boundary word or pair of words
    prepositions: frozenset[str]
    drop_first: frozenset[str]
    drop_last: frozenset[str]


def _load_phrases(path: Path, data) -> Phrases | None:
    if data is None:
        return None
    keys = {"max_words", "stop_words", "prepositions", "drop_first", "drop_last"}
    if not isinstance(data, dict) or set(data) - keys:
        raise RuleError(f"{path}: phrases must be a mapping with keys {', '.join(sorted(keys))}")
    n = data.get("max_words", 8)
    if not isinstance(n, int) or n < 2:
        raise RuleError(f"{path}: phrases: max_words must be a whole number of at least 2")
    lists = {}
    for key in keys - {"max_words"}:
        val = data.get(key) or []
        if not isinstance(val, list) or not all(isinstance(w, str) and w.strip() for w in val):
            raise RuleError(f"{path}: phrases: {key} must be a list of words")
        lists[key] = [w.lower() for w in val]
    stop = re.compile(rf"\b(?:{_alternation(lists['stop_words'])})\b", re.I)
    return Phrases(n, stop, frozenset(lists["prepositions"]), frozenset(lists["drop_first"]), frozenset(lists["drop_last"]))


def load_matching(path: Path) -> Matching:
    data = _load_yaml(path)
    if not isinstance(data, dict):
        raise RuleError(f"{path}: expected a mapping with spelling, persons and not_names")
    unknown = set(data) - {"spelling", "persons", "not_names", "names", "phrases", "voice_bodies"}
    if unknown:
        raise RuleError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}; expected spelling, persons, not_names")
    spelling = data.get("spelling") or {}
    persons = data.get("persons") or {}
    if not isinstance(spelling, dict) or not isinstance(persons, dict):
        raise RuleError(f"{path}: spelling and persons must be mappings")
    bad = set(persons) - {"first_names", "titles", "role_nouns", "particles"}
    if bad:
        raise RuleError(f"{path}: persons: unknown key(s) {', '.join(sorted(bad))}")

    def words(key, src=persons):
        val = src.get(key) or []
        if not isinstance(val, list):
            raise RuleError(f"{path}: {key} must be a list of words")
        bad = [w for w in val if not isinstance(w, str) or not w.strip()]
        if bad:
            raise RuleError(f"{path}: {key}: {bad[0]!r} is not a word (quote words like \"No\" and \"On\" in YAML)")
        return val

    names = data.get("names") or {}
    heads = names.get("agreement_heads") or {}
    if not isinstance(heads, dict) or not all(isinstance(v, str) for v in heads.values()):
        raise RuleError(f"{path}: names: agreement_heads must map a head noun to a class")
    return Matching({str(k).lower(): str(v).lower() for k, v in spelling.items()}, frozenset(words("first_names")),
                    tuple(words("titles")), frozenset(words("role_nouns")), frozenset(words("particles")),
                    frozenset(words("not_names", data)), {str(k): v for k, v in heads.items()},
                    frozenset(words("ship_prefixes", names)), _load_phrases(path, data.get("phrases")),
                    _body_voice(words("voice_bodies", data)), tuple(words("voice_bodies", data)))


def _body_voice(bodies: list[str]) -> re.Pattern | None:
    """'we, the Defence Ministers of the NATO-Russia Council' or 'The Defence Ministers of the NRC gathered':
    a capitalised name after one of the bodies and 'of the' names whose voice the statement is."""
    if not bodies:
        return None
    return re.compile(r"(?:\b[Ww]e,\s+the|(?:^|\n)\s*The)\s+(?:" + _alternation(bodies) + r")\s+of\s+the\s+(?:member\s+(?:states|countries)\s+of\s+the\s+)?"
                      r"(?P<name>[A-Z][\w'-]*(?:[ -][A-Z][\w'-]*){0,5})")


# ------------------------------------------------------------------------------------ loading

def _load_yaml(path: Path):
    return load_yaml(path, RuleError, "fix the rule file", "rule file missing; restore it from git")


def _compile(path: Path, rule_id: str, pattern: str, flags: int = 0) -> re.Pattern:
    if not isinstance(pattern, str) or not pattern:
        raise RuleError(f"{path}: rule '{rule_id}': missing regex")
    try:
        compiled = re.compile(pattern, flags)
    except re.error as exc:
        raise RuleError(f"{path}: rule '{rule_id}': regex does not compile ({exc}); fix the pattern") from None
    if _backtracks(_sre.parse(pattern, flags)):
        raise RuleError(f"{path}: rule '{rule_id}': nested quantifier in {pattern!r} can backtrack catastrophically "
                        "(a repeat inside a long repeat); rewrite it, or make the inner part atomic (?>...) or "
                        "possessive (\\w++)")
    return compiled


def _backtracks(items, inside_long_repeat: bool = False) -> bool:
    """Whether a parsed regex has an unbounded repeat inside a long repeat ((\\w+\\s?)+, (x*)*, (a+){1,50}),
    the shape that backtracks exponentially on a near-miss. Atomic groups and possessive
    quantifiers never backtrack into themselves, so they are safe by construction."""
    for op, av in items:
        if op in (_C.MAX_REPEAT, _C.MIN_REPEAT):
            low, high, sub = av
            unbounded = high == _C.MAXREPEAT
            if unbounded and inside_long_repeat:
                return True
            if _backtracks(sub, inside_long_repeat or unbounded or high > 8):
                return True
        elif op == _C.SUBPATTERN:
            if _backtracks(av[-1], inside_long_repeat):
                return True
        elif op == _C.BRANCH:
            if any(_backtracks(branch, inside_long_repeat) for branch in av[1]):
                return True
        elif op in (_C.ASSERT, _C.ASSERT_NOT):
            if _backtracks(av[1], inside_long_repeat):
                return True
    return False


def needles(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Lower-case strings one of which every match of `pattern` contains (None: no such set found).

    A document whose lower-cased text holds none of them cannot match, so a rule's trigger is not
    run over it at all: a substring test is far cheaper than a regex scan of the whole text."""
    try:
        found = _needles(_sre.parse(pattern, flags))
    except (TypeError, ValueError, AttributeError, IndexError):  # a construct the walk does not know
        return None
    # one- and two-letter strings ("s" of "'s", "19" of a year) are everywhere: the regex pass is quicker
    return tuple(sorted(found)) if found and min(map(len, found)) >= 3 else None


def _char(op, av) -> str | None:
    """The lower-case character an item matches, if it is one character up to case: 'a', [Aa]."""
    if op == _C.LITERAL:
        return chr(av).lower()
    if op == _C.IN and len(av) == 2 and all(o == _C.LITERAL for o, _ in av):
        a, b = (chr(v).lower() for _, v in av)
        return a if a == b else None
    return None


def _needles(seq) -> set[str] | None:
    best: set[str] | None = None

    def offer(cand: set[str] | None):
        nonlocal best
        if cand and all(cand) and (best is None or min(map(len, cand)) > min(map(len, best))):
            best = cand

    run = ""
    for op, av in list(seq) + [(None, None)]:
        c = _char(op, av) if op is not None else None
        if c is not None:
            run += c
            continue
        offer({run} if run else None)
        run = ""
        if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT, None):
            continue  # zero-width: the items either side still follow each other in the text
        if op == _C.SUBPATTERN:
            offer(_needles(av[-1]))
        elif op == _C.BRANCH:
            parts = [_needles(b) for b in av[1]]
            offer(set().union(*parts) if all(parts) else None)
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT) and av[0] >= 1:
            offer(_needles(av[2]))
        # anything else (a class, an optional part, a group reference) breaks the literal run
    return best


def _load_rules(path: Path, what: str, seen: dict, prefix: str = ""):
    """The YAML list of rules in `path`, yielding (rule id, entry) after checking ids are unique."""
    data = _load_yaml(path)
    if not isinstance(data, list):
        raise RuleError(f"{path}: expected a list of {what}")
    for item in data:
        rid = _need(path, item, "id")
        _check_id(path, seen, prefix + rid)
        yield rid, item


def _need(path, rule, key, kind=str):
    rid = rule.get("id", "?") if isinstance(rule, dict) else "?"
    if not isinstance(rule, dict) or key not in rule:
        raise RuleError(f"{path}: rule '{rid}': missing '{key}'")
    val = rule[key]
    if not isinstance(val, kind):
        raise RuleError(f"{path}: rule '{rid}': '{key}' must be {kind.__name__}")
    return val


def _check_id(path, seen: dict, rule_id):
    if not isinstance(rule_id, str) or not ID_RE.match(rule_id):
        raise RuleError(f"{path}: rule id {rule_id!r} must be lowercase letters, digits, '.' and '-'")
    if rule_id in seen:
        raise RuleError(f"{path}: duplicate rule id '{rule_id}' (also in {seen[rule_id]}); ids must be unique")
    seen[rule_id] = path.name


GAZETTEER_KEYS = {"id", "class", "label", "aliases", "aliases_ci", "metonyms", "comment", "notation", "exact_match",
                  "capital", "country", "affiliation", "roles"}


def load_gazetteer(path: Path, onto: Ontology, seen: dict, known: dict[str, Entity] | None = None) -> dict[str, Entity]:
    """The entries of one gazetteer file, merged into `known` (entries of files loaded before).

    A full entry has class and label; an entry whose id is already known may leave them out
    (an extension: its aliases, roles, ... are added) or repeat the same class (its label wins).
    """
    out = dict(known or {})
    for eid, item in _load_rules(path, "entities", {}, prefix="gaz."):
        if not isinstance(item, dict):
            raise RuleError(f"{path}: rule '{eid}': must be a mapping")
        unknown = set(item) - GAZETTEER_KEYS
        if unknown:
            raise RuleError(f"{path}: rule '{eid}': unknown key(s) {', '.join(sorted(unknown))}"
                            f"{_did_you_mean(sorted(unknown)[0], GAZETTEER_KEYS)}")
        base = out.get(eid)
        if ("gaz." + eid) in seen and seen["gaz." + eid] == path.name:
            raise RuleError(f"{path}: duplicate rule id 'gaz.{eid}' (also in {path.name}); ids must be unique")
        seen["gaz." + eid] = path.name
        cls = item.get("class", base.cls if base else None)
        if cls is None:
            raise RuleError(f"{path}: rule '{eid}': missing 'class' (an extension entry needs an id defined earlier)")
        if cls not in onto.classes:
            raise RuleError(f"{path}: rule '{eid}': unknown class '{cls}'{_did_you_mean(cls, onto.classes)}; "
                            "use a class of ontology/nato-russia.ttl")
        if base is not None and cls != base.cls:
            raise RuleError(f"{path}: rule '{eid}': class {cls} differs from {base.cls} in {base.source}")
        lists = {}
        for key in ("aliases", "aliases_ci", "metonyms", "notation", "exact_match"):
            val = item.get(key) or []
            if not isinstance(val, list) or not all(isinstance(a, str) and a.strip() for a in val):
                raise RuleError(f"{path}: rule '{eid}': {key} must be a list of non-empty strings")
            lists[key] = tuple(dict.fromkeys((*(getattr(base, key) if base else ()), *val)))
        if item.get("capital"):
            lists["metonyms"] = tuple(dict.fromkeys((*lists["metonyms"], item["capital"])))
        if not lists["aliases"] and not lists["aliases_ci"]:
            raise RuleError(f"{path}: rule '{eid}': no aliases; an entity needs at least one surface form")
        label = item.get("label", base.label if base else None)
        if not isinstance(label, str) or not label:
            raise RuleError(f"{path}: rule '{eid}': missing 'label'")
        roles = tuple(_role(path, eid, r) for r in item.get("roles") or [])
        out[eid] = Entity(
            id=eid, cls=cls, label=label, **lists,
            comment=item.get("comment", base.comment if base else None),
            country=item.get("country", base.country if base else None),
            affiliation=item.get("affiliation", base.affiliation if base else None),
            roles=(*(base.roles if base else ()), *roles),
            source=_rel(path) if "label" in item or base is None else base.source,
        )
    return out


def _rel(path: Path) -> str:
    """A rule file's name as the README and messages give it: gazetteer.yaml, reference/domain.yaml."""
    return f"reference/{path.name}" if path.parent.name == "reference" else path.name


def _role(path, eid, r) -> Role:
    if not isinstance(r, dict) or not isinstance(r.get("role"), str):
        raise RuleError(f"{path}: rule '{eid}': a role needs at least 'role' (text), e.g. {{role: Foreign Minister, of: russia}}")
    for key in ("from", "to"):
        v = r.get(key)
        if v is not None and not re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", str(v)):
            raise RuleError(f"{path}: rule '{eid}': role '{r['role']}': '{key}' must be YYYY, YYYY-MM or YYYY-MM-DD")
    return Role(r["role"], r.get("of"), str(r["from"]) if r.get("from") else None, str(r["to"]) if r.get("to") else None)


def _did_you_mean(word: str, choices) -> str:
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=2, cutoff=0.6)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def _check_references(entities: dict[str, Entity]) -> None:
    """Ids that entries point at (country, affiliation, roles' of) must be entries too."""
    for e in entities.values():
        for ref in (e.country, e.affiliation, *(r.of for r in e.roles)):
            if ref is not None and ref not in entities:
                raise RuleError(f"kg/rules/{e.source}: rule '{e.id}': unknown entity '{ref}'"
                                f"{_did_you_mean(ref, entities)}; add it to the gazetteer first")


DATE_KEYS = {"id", "description", "regex", "resolve", "precision", "qualifier", "years", "days", "months"}


def load_dates(path: Path, seen: dict) -> list[DateRule]:
    out = []
    for rid, item in _load_rules(path, "date rules", seen):
        unknown = set(item) - DATE_KEYS
        if unknown:
            raise RuleError(f"{path}: rule '{rid}': unknown key(s) {', '.join(sorted(unknown))}"
                            f"{_did_you_mean(sorted(unknown)[0], DATE_KEYS)}")
        resolve = _need(path, item, "resolve")
        if resolve not in {"absolute", "doc-year", "doc-offset", "weekday", "never"}:
            raise RuleError(f"{path}: rule '{rid}': resolve must be absolute, doc-year, doc-offset, weekday or never")
        precision = _need(path, item, "precision")
        if precision not in {"year", "month", "day"}:
            raise RuleError(f"{path}: rule '{rid}': precision must be year, month or day")
        out.append(
            DateRule(
                id=rid,
                description=item.get("description", ""),
                regex=_compile(path, rid, item.get("regex")),
                resolve=resolve,
                precision=precision,
                qualifier=item.get("qualifier"),
                years=item.get("years"),
                days=item.get("days"),
                months=item.get("months"),
            )
        )
    return out


def _alternation(phrases) -> str:
    """One regex alternative per phrase, longest first, its words escaped and joined by any whitespace."""
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(phrases, key=len, reverse=True))


def _phrases_regex(path: Path, key: str) -> re.Pattern | None:
    """One case-insensitive regex of the word list under `key` of a rule file, or None."""
    words = _load_yaml(path).get(key)
    if not words:
        return None
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise RuleError(f"{path}: {key} must be a list of phrases")
    return re.compile(rf"(?<![\w-])(?:{_alternation(words)})(?![\w-])", re.I)


def load_cues(path: Path, seen: dict) -> tuple[list[Cue], dict]:
    data = _load_yaml(path)
    if not isinstance(data, dict) or "cues" not in data:
        raise RuleError(f"{path}: expected a mapping with 'cues'")
    cues = []
    for item in data["cues"]:
        rid = _need(path, item, "id")
        _check_id(path, seen, rid)
        mode = _need(path, item, "mode")
        if mode not in {"negated", "proposed", "expected", "planned", "hypothetical"}:
            raise RuleError(f"{path}: rule '{rid}': unknown mode '{mode}'")
        words = _need(path, item, "phrases", list)
        bad = [w for w in words if not isinstance(w, str) or not w.strip()]
        if bad:
            raise RuleError(f"{path}: rule '{rid}': phrase {bad[0]!r} is not text (quote words like \"no\" in YAML)")
        def phrase(w: str) -> str:
            exact = w.startswith("=")
            body = r"\s+".join(map(re.escape, w.lstrip("=").split()))
            return f"(?-i:{body})" if exact else body

        alt = "|".join(phrase(w) for w in sorted(words, key=lambda w: len(w.lstrip("=")), reverse=True))
        cues.append(Cue(rid, mode, re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])", re.I)))
    return cues, data.get("metonymy", {})


ARG_KEYS = {"class", "entity", "exclude", "side", "window", "all", "optional", "default", "inside", "resolve", "prefer",
            "phrase"}
TEMPLATE_VAR = re.compile(r"\{(\w+)(\.label|\.year)?\}")
TEMPLATE_SPECIALS = {"doc", "docdate", "voice", "speaker", "sayer", "party1", "party2", "anniversary", "match"}
TERM_RE = re.compile(r"^(\$[a-z_0-9]+|@[a-z0-9\-]+|[a-z]+:[A-Za-z][\w\-]*|\"[^\"]*\")$")
SPECIAL = {"$voice", "$speaker", "$sayer", "$doc", "$docdate", "$quote", "$match", "$party1", "$party2", "$anniversary"}


def _check_term(path, rid, term: str, onto: Ontology, names: set[str], entities) -> None:
    if not TERM_RE.match(term):
        raise RuleError(f"{path}: rule '{rid}': malformed term {term!r}")
    if term.startswith("$") and term not in SPECIAL and term[1:] not in names:
        raise RuleError(f"{path}: rule '{rid}': {term} is not an argument, node or let of the rule")
    if term.startswith("@") and term[1:] not in entities:
        raise RuleError(f"{path}: rule '{rid}': unknown entity '{term}' (not in the gazetteer)")
    if term.startswith("kg:"):
        name = term[3:]
        if name not in onto.classes and name not in onto.properties and not _is_individual(name):
            raise RuleError(f"{path}: rule '{rid}': unknown class or property '{term}'"
                            f"{_did_you_mean(name, set(onto.classes) | set(onto.properties))}; declare it in the ontology first")
    elif ":" in term and not term.startswith(("$", '"', "@")):
        prefix = term.split(":", 1)[0]
        if prefix not in PREFIXES:
            raise RuleError(f"{path}: rule '{rid}': unknown prefix in '{term}'")


def _triples(path, rid, raw, onto: Ontology, names: set[str], entities=()) -> tuple[tuple[str, str, str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise RuleError(f"{path}: rule '{rid}': emit/claim/always must be a list of [subject, property, object]")
    out = []
    for t in raw:
        if not (isinstance(t, list) and len(t) == 3 and all(isinstance(x, str) for x in t)):
            raise RuleError(f"{path}: rule '{rid}': {t!r} is not a [subject, property, object] triple")
        for term in t:
            _check_term(path, rid, term, onto, names, entities)
        out.append(tuple(t))
    return tuple(out)


INDIVIDUALS = {"opposes", "supports", "concerned", "proposes", "demands", "undecided",
               "negated", "proposed", "expected", "planned", "hypothetical", "questioned", "scheduled", "occurred"}


def _is_individual(name: str) -> bool:
    return name in INDIVIDUALS


def load_relations(path: Path, onto: Ontology, entities: dict[str, Entity], seen: dict) -> list[RelationRule]:
    out = []
    for rid, item in _load_rules(path, "relation rules", seen):
        _need(path, item, "description")
        trig = _need(path, item, "trigger")
        trigger = _compile(path, rid, trig, re.I if item.get("ignore_case") else 0)
        args = []
        for name, spec in (item.get("args") or {}).items():
            if not isinstance(spec, dict):
                raise RuleError(f"{path}: rule '{rid}': argument '{name}' must be a mapping")
            classes = None
            rank: dict[str, int] = {}
            if "class" in spec:
                cl = spec["class"] if isinstance(spec["class"], list) else [spec["class"]]
                acc = set()
                for i, c in enumerate(cl):
                    for sub in (onto.expand(c) if c in onto.classes else {c}):
                        rank.setdefault(sub, i)
                    if c == "Date":
                        acc.add("Date")
                    elif c not in onto.classes:
                        raise RuleError(f"{path}: rule '{rid}': argument '{name}': unknown class '{c}'{_did_you_mean(c, onto.classes)}")
                    else:
                        acc |= onto.expand(c)
                classes = frozenset(acc)
            ents = None
            if "entity" in spec:
                el = spec["entity"] if isinstance(spec["entity"], list) else [spec["entity"]]
                for e in el:
                    if e not in entities:
                        raise RuleError(f"{path}: rule '{rid}': argument '{name}': unknown entity '{e}' (not in the gazetteer)")
                ents = frozenset(el)
            excl = frozenset(spec.get("exclude") or ())
            for e in excl:
                if e not in entities:
                    raise RuleError(f"{path}: rule '{rid}': argument '{name}': unknown entity '{e}' in exclude")
            side = spec.get("side", "any")
            if side not in {"before", "after", "any"}:
                raise RuleError(f"{path}: rule '{rid}': argument '{name}': side must be before, after or any")
            if classes is None and ents is None:
                raise RuleError(f"{path}: rule '{rid}': argument '{name}' needs a class or an entity")
            default = spec.get("default")
            if default is not None and default not in {"$voice", "$speaker", "$docdate", "$sayer"}:
                raise RuleError(f"{path}: rule '{rid}': argument '{name}': default must be $voice, $speaker, $sayer or $docdate")
            unknown = set(spec) - ARG_KEYS
            if unknown:
                raise RuleError(f"{path}: rule '{rid}': argument '{name}': unknown key(s) {', '.join(sorted(unknown))}"
                                f"{_did_you_mean(sorted(unknown)[0], ARG_KEYS)}")
            resolve = spec.get("resolve")
            if resolve not in (None, "actor"):
                raise RuleError(f"{path}: rule '{rid}': argument '{name}': resolve must be actor")
            phrase, phrase_names = _phrase_spec(path, rid, name, spec, side, onto)
            args.append(ArgSpec(name, classes, ents, excl, side, spec.get("window"), bool(spec.get("all")),
                                bool(spec.get("optional")), default, bool(spec.get("inside")), resolve,
                                tuple(sorted(rank.items())) if spec.get("prefer") == "listed" else (),
                                phrase, phrase_names))
        nodes = []
        arg_names = {a.name for a in args} | {f"{a.name}_person" for a in args if a.resolve} | set(item.get("let") or {})
        for name, spec in (item.get("nodes") or {}).items():
            if not isinstance(spec, dict) or "id" not in spec or "label" not in spec:
                raise RuleError(f"{path}: rule '{rid}': node '{name}' needs 'id' (folder/slug template) and 'label'")
            ids = spec["id"] if isinstance(spec["id"], list) else [spec["id"]]
            labels = spec["label"] if isinstance(spec["label"], list) else [spec["label"]] * len(ids)
            if len(labels) != len(ids) or not all(isinstance(x, str) for x in (*ids, *labels)):
                raise RuleError(f"{path}: rule '{rid}': node '{name}': give one label per id template")
            pairs = []
            for template_id, label in zip(ids, labels):
                folder, _, template = template_id.partition("/")
                if not template:
                    raise RuleError(f"{path}: rule '{rid}': node '{name}': id must look like folder/template")
                if folder not in FOLDER_OF.values():
                    raise RuleError(f"{path}: rule '{rid}': node '{name}': unknown folder '{folder}'"
                                    f"{_did_you_mean(folder, FOLDER_OF.values())}")
                for text in (template, label):
                    for var in TEMPLATE_VAR.findall(text):
                        if var[0] not in arg_names | TEMPLATE_SPECIALS:
                            raise RuleError(f"{path}: rule '{rid}': node '{name}': {{{var[0]}{var[1]}}} names no argument, "
                                            f"let or document value{_did_you_mean(var[0], arg_names | TEMPLATE_SPECIALS)}; "
                                            "the rule's output would silently vanish")
                pairs.append((folder, template, label))
            if len({f for f, _, _ in pairs}) != 1:
                raise RuleError(f"{path}: rule '{rid}': node '{name}': all id templates must use the same folder")
            reuse = spec.get("reuse")
            if reuse is not None and reuse not in {a.name for a in args}:
                raise RuleError(f"{path}: rule '{rid}': node '{name}': reuse '{reuse}' is not an argument of the rule")
            nodes.append(NodeSpec(name, pairs[0][0], pairs[0][1], pairs[0][2], tuple((t, lab) for _, t, lab in pairs[1:]), reuse))
        let = item.get("let") or {}
        if not isinstance(let, dict):
            raise RuleError(f"{path}: rule '{rid}': 'let' must be a mapping of name to term")
        names = arg_names | {n.name for n in nodes}
        for v in let.values():
            _check_term(path, rid, str(v), onto, names, entities)
        normalize = item.get("normalize") or {}
        if not isinstance(normalize, dict):
            raise RuleError(f"{path}: rule '{rid}': 'normalize' must map matched text to a canonical form")
        mode = item.get("mode", "detect")
        if mode not in {"detect", "asserted", "negated", "proposed", "expected", "planned", "hypothetical"}:
            raise RuleError(f"{path}: rule '{rid}': unknown mode '{mode}'")
        out.append(
            RelationRule(
                id=rid,
                description=item["description"],
                trigger=trigger,
                args=tuple(args),
                nodes=tuple(nodes),
                emit=_triples(path, rid, item.get("emit"), onto, names, entities),
                claim=_triples(path, rid, item.get("claim"), onto, names, entities),
                always=_triples(path, rid, item.get("always"), onto, names, entities),
                mode=mode,
                scope_before=int(item.get("scope_before", 3)),
                let=tuple((k, str(v)) for k, v in let.items()),
                # Without \b the trigger matches a superset, unless a negative lookaround holds a \b
                # ("(?<!\ba )" without it would also refuse "Russia welcomes"): then the trigger itself.
                prefilter=trigger if ("(?<!" in trig or "(?!" in trig) else re.compile(re.sub(r"(?<!\\)\\b", "", trig), trigger.flags),
                needles=needles(trig, trigger.flags),
                normalize=tuple((str(k).lower(), str(v)) for k, v in normalize.items()),
                stage=int(item.get("stage", 1)),
                cues_before=item.get("cues") == "before",
                distinct=_distinct(path, rid, item.get("distinct"), arg_names),
                if_before=_compile(path, rid, item["if_before"]) if item.get("if_before") else None,
                unless_before=_compile(path, rid, item["unless_before"]) if item.get("unless_before") else None,
            )
        )
    return out


def _distinct(path, rid, value, names) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(v in names for v in value):
        raise RuleError(f"{path}: rule '{rid}': distinct must list arguments of the rule")
    return tuple(value)


def _phrase_spec(path: Path, rid: str, name: str, spec: dict, side: str, onto) -> tuple[str | None, frozenset[str]]:
    """phrase: {class: Issue, names: [Dispute, Agreement, ...]} of an argument read after the trigger."""
    ph = spec.get("phrase")
    if ph is None:
        return None, frozenset()
    where = f"{path}: rule '{rid}': argument '{name}': phrase"
    if not isinstance(ph, dict) or set(ph) - {"class", "names"} or "class" not in ph:
        raise RuleError(f"{where} must be a mapping with class (and names)")
    if side != "after":
        raise RuleError(f"{where} reads the words after the trigger: give the argument side: after")
    cls = ph["class"]
    names = ph.get("names") or []
    for c in [cls, *names]:
        if c not in onto.classes:
            raise RuleError(f"{where}: unknown class '{c}'{_did_you_mean(c, onto.classes)}")
    if cls not in FOLDER_OF:
        raise RuleError(f"{where}: class '{cls}' has no IRI folder (one of {', '.join(sorted(FOLDER_OF))})")
    return cls, frozenset(x for c in names for x in onto.expand(c))


FOLDER_OF = {"Person": "person", "State": "state", "Organization": "org", "Agreement": "agreement",
             "Event": "event", "Place": "place", "Vessel": "vessel", "Dispute": "dispute",
             "Proposal": "proposal", "CooperationArea": "area", "Policy": "policy", "Position": "position",
             "Relationship": "relationship", "Issue": "issue"}


def load_boilerplate(path: Path, seen: dict) -> list[tuple[str, re.Pattern]]:
    if not path.exists():
        return []
    return [(rid, _compile(path, rid, item.get("regex"), re.M)) for rid, item in _load_rules(path, "boilerplate rules", seen)]


def load_rulebook(rules_dir: Path = RULES_DIR, ontology: Path = ONTOLOGY) -> Rulebook:
    rules_dir = Path(rules_dir)
    onto = load_ontology(Path(ontology))
    seen: dict[str, str] = {}
    book = Rulebook()
    # The generated reference entries first, then the seeds' own entries (their labels win over the
    # generated ones), then the curated domain list, which may extend any of them.
    entities: dict[str, Entity] = {}
    for path in GAZETTEER_FILES:
        path = rules_dir / path
        if path.exists() or path.name == "gazetteer.yaml":
            entities = load_gazetteer(path, onto, seen, entities)
    _check_references(entities)
    # A person whose dated roles all serve one state or organisation serves it whatever the date
    # (Robert Gates, the United States); roles of several (a prime minister who became Secretary
    # General) leave the affiliation to the dated roles.
    for eid, e in list(entities.items()):
        served = {r.of for r in e.roles if r.of}
        if e.affiliation is None and len(served) == 1 and all(r.of for r in e.roles):
            entities[eid] = dataclasses.replace(e, affiliation=served.pop())
    book.entities = entities
    book.dates = load_dates(rules_dir / "dates.yaml", seen)
    book.cues, book.actor_cues = load_cues(rules_dir / "modality.yaml", seen)
    book.reporting = _phrases_regex(rules_dir / "modality.yaml", "reporting")
    book.boilerplate = load_boilerplate(rules_dir / "boilerplate.yaml", seen)
    book.matching = load_matching(rules_dir / "matching.yaml")
    for cls in onto.classes:
        for top, folder in FOLDER_OF.items():
            if top in onto.classes and cls in onto.expand(top):
                book.top_class[cls] = top
                book.folders[cls] = folder
    for path in sorted(rules_dir.glob("relations*.yaml"), key=lambda p: (p.name != "relations.yaml", p.name)):
        book.relations += load_relations(path, onto, book.entities, seen)
    book.files = {**seen, **{rid: "matching.yaml" for rid in MATCHING_RULES}}
    return book
