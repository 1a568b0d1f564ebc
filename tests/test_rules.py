"""Rules are data: loading validates them and names the file and rule on any mistake."""
import shutil
from pathlib import Path

import pytest

from kg.errors import RuleError
from conftest import ROOT
from kg.rules import RULES_DIR, load_rulebook


@pytest.fixture
def rules(tmp_path):
    d = tmp_path / "rules"
    shutil.copytree(RULES_DIR, d)
    return d


def append(path: Path, text: str):
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")


def test_shipped_rules_load_and_every_rule_has_id_and_description():
    book = load_rulebook()
    assert len(book.entities) > 100 and len(book.relations) > 30 and len(book.dates) > 10
    for r in book.relations + book.dates:
        assert r.id and r.description, r


BAD_RULES = [
    ("malformed-yaml", "relations.yaml", "- id: broken\n  description: [unclosed\n", r"relations\.yaml:\d+: invalid YAML"),
    ("unknown-class", "gazetteer.yaml", "- id: atlantis\n  class: Continent\n  label: Atlantis\n  aliases: [Atlantis]\n",
     r"gazetteer\.yaml: rule 'atlantis': unknown class 'Continent'"),
    ("unknown-property", "relations.yaml",
     "- id: x.bad-property\n  description: test\n  trigger: 'foo'\n  args:\n    a: {class: Actor}\n"
     "  emit:\n    - [$a, kg:invadedBy, $a]\n",
     r"rule 'x.bad-property': unknown class or property 'kg:invadedBy'"),
    ("duplicate-id", "relations.yaml", "- id: agreement.ratified\n  description: duplicate\n  trigger: 'foo'\n",
     r"duplicate rule id 'agreement.ratified'"),
    ("regex-does-not-compile", "relations.yaml", "- id: x.bad-regex\n  description: test\n  trigger: '(unclosed'\n",
     r"rule 'x.bad-regex': regex does not compile"),
    ("catastrophic-regex", "dates.yaml",
     "- id: date.evil\n  description: nested quantifier\n  regex: '(a+)+$'\n  resolve: absolute\n  precision: year\n",
     r"rule 'date.evil': nested quantifier"),
    ("catastrophic-regex-inner-quantifier-not-last", "relations.yaml",
     "- id: x.evil\n  description: test\n  trigger: '(\\w+\\s?)+$'\n",
     r"rule 'x.evil': nested quantifier .* make the inner part atomic"),
    ("repeated-key-in-a-rule", "relations.yaml",
     "- id: x.twice\n  description: test\n  trigger: 'signed'\n  trigger: 'ratified'\n",
     r"relations\.yaml:\d+: invalid YAML \(key 'trigger' appears twice \(first on line \d+\)\)"),
    ("unknown-entity", "relations.yaml", "- id: x.bad-entity\n  description: test\n  trigger: 'foo'\n  args:\n    a: {entity: atlantis}\n",
     r"unknown entity 'atlantis'"),
    ("unbound-variable", "relations.yaml",
     "- id: x.unbound\n  description: test\n  trigger: 'foo'\n  emit:\n    - [$nobody, kg:party, $voice]\n",
     r"\$nobody is not an argument"),
]


@pytest.mark.parametrize("name,file,text,message", BAD_RULES, ids=[b[0] for b in BAD_RULES])
def test_bad_rules_fail_the_load_naming_file_and_rule(rules, name, file, text, message):
    append(rules / file, text)
    with pytest.raises(RuleError, match=message):
        load_rulebook(rules)


def test_atomic_and_possessive_repeats_are_accepted(rules):
    append(rules / "relations.yaml", "- id: x.safe\n  description: test\n  trigger: '(?>\\w+\\s?)+ signed|(\\w++,?)+ ratified'\n")
    assert "x.safe" in {r.id for r in load_rulebook(rules).relations}


def test_yaml_boolean_trap_in_cues(rules):
    p = rules / "modality.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace('"no",', "no,"), encoding="utf-8")
    with pytest.raises(RuleError, match=r"quote words like"):
        load_rulebook(rules)


def test_a_new_rule_takes_effect_without_python(rules, tmp_path):
    """How a domain expert adds a fact type: a YAML entry, nothing else."""
    from kg.pipeline import build

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "x.txt").write_text("Lithuania joined the Collective Security Treaty Organization.\n", encoding="utf-8")
    result = build(seeds, rules)
    assert not any(f.evidence.rule == "x.new" for f in result.facts)
    append(rules / "relations.yaml", """- id: x.new
  description: test
  trigger: '\\bjoined\\b'
  args:
    m: {class: State, side: before}
    o: {class: Organization, side: after}
  emit:
    - [$o, kg:party, $m]
""")
    result = build(seeds, rules)
    assert any(f.evidence.rule == "x.new" for f in result.facts)


def test_every_trigger_match_contains_one_of_the_rules_needles():
    """The extractor skips sentences that hold none of a rule's needles (kg/rules.needles); that is
    only right if every match of the trigger contains one of them, on every text we have."""
    import yaml

    from kg.rules import load_rulebook, needles

    book = load_rulebook()
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    texts += [it["text"] for it in yaml.safe_load((ROOT / "tests/genre/dev.yaml").read_text(encoding="utf-8"))["items"]]
    checked = 0
    for rule in book.relations:
        if rule.needles is None:
            continue
        for text in texts:
            for m in rule.trigger.finditer(text):
                if m.end() > m.start():
                    checked += 1
                    assert any(n in text[m.start():m.end()].lower() for n in rule.needles), (rule.id, m.group(0))
    assert checked > 300
    assert sum(r.needles is not None for r in book.relations) > 0.8 * len(book.relations)
    assert needles(r"\b(?:met|held (?:a|an) meeting)\b") == (" meeting", "met")
    assert needles(r"[Ss]ummit|[Tt]alks") == ("summit", "talks")
    assert needles(r"\b\w+ed\b") is None  # nothing literal: the regex pass
    assert needles(r"'s\b") is None  # too short to be worth it
