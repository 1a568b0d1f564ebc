"""Rules are data: loading validates them and names the file and rule on any mistake."""
import shutil
from pathlib import Path

import pytest

from kg.errors import RuleError
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


def test_malformed_yaml_names_file_and_line(rules):
    append(rules / "relations.yaml", "- id: broken\n  description: [unclosed\n")
    with pytest.raises(RuleError, match=r"relations\.yaml:\d+: invalid YAML"):
        load_rulebook(rules)


def test_unknown_class_in_gazetteer(rules):
    append(rules / "gazetteer.yaml", "- id: atlantis\n  class: Continent\n  label: Atlantis\n  aliases: [Atlantis]\n")
    with pytest.raises(RuleError, match=r"gazetteer\.yaml: rule 'atlantis': unknown class 'Continent'"):
        load_rulebook(rules)


def test_unknown_property_in_relation_rule(rules):
    append(rules / "relations.yaml", """- id: x.bad-property
  description: test
  trigger: 'foo'
  args:
    a: {class: Actor}
  emit:
    - [$a, kg:invadedBy, $a]
""")
    with pytest.raises(RuleError, match=r"rule 'x.bad-property': unknown class or property 'kg:invadedBy'"):
        load_rulebook(rules)


def test_duplicate_rule_id(rules):
    append(rules / "relations.yaml", """- id: agreement.ratified
  description: duplicate
  trigger: 'foo'
""")
    with pytest.raises(RuleError, match=r"duplicate rule id 'agreement.ratified'"):
        load_rulebook(rules)


def test_regex_that_does_not_compile(rules):
    append(rules / "relations.yaml", """- id: x.bad-regex
  description: test
  trigger: '(unclosed'
""")
    with pytest.raises(RuleError, match=r"rule 'x.bad-regex': regex does not compile"):
        load_rulebook(rules)


def test_catastrophic_regex_is_rejected(rules):
    append(rules / "dates.yaml", """- id: date.evil
  description: nested quantifier
  regex: '(a+)+$'
  resolve: absolute
  precision: year
""")
    with pytest.raises(RuleError, match=r"rule 'date.evil': nested quantifier"):
        load_rulebook(rules)


def test_unknown_entity_and_unknown_variable(rules):
    append(rules / "relations.yaml", """- id: x.bad-entity
  description: test
  trigger: 'foo'
  args:
    a: {entity: atlantis}
""")
    with pytest.raises(RuleError, match=r"unknown entity 'atlantis'"):
        load_rulebook(rules)


def test_unbound_variable(rules):
    append(rules / "relations.yaml", """- id: x.unbound
  description: test
  trigger: 'foo'
  emit:
    - [$nobody, kg:party, $voice]
""")
    with pytest.raises(RuleError, match=r"\$nobody is not an argument"):
        load_rulebook(rules)


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
