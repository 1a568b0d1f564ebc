"""The graph page's content, without a browser."""
import json
import re

import pytest

from conftest import run_cli, SEED_ENTITIES
from kg.errors import KGError
from kg.viz import _json, focus, page_data, render


@pytest.fixture(scope="module")
def data(built):
    return page_data(built.docs, built.facts, built.book)


def test_one_node_per_entity_and_every_edge_has_evidence(data, built):
    typed = {f.s for f in built.facts if f.p.endswith("#type") and f.mode == "asserted"
             and str(f.o).split("#")[-1] not in ("Position", "Evidence", "Claim")}
    assert len(data.nodes) == len(typed) == SEED_ENTITIES
    assert all(e["evidence"] for e in data.edges)
    for e in data.edges:
        for ev in e["evidence"]:
            doc = next(d for d in built.docs if d.id == ev["doc"])
            assert doc.text[ev["start"]:ev["end"]] == ev["quote"]


def test_parallel_edges_curve_apart(data):
    pairs = {}
    for e in data.edges:
        pairs.setdefault(frozenset((e["from"], e["to"])), []).append((e["smooth"]["type"], e["smooth"]["roundness"]))
    multi = [v for v in pairs.values() if len(v) > 1]
    assert multi, "the seeds have node pairs with several relations"
    assert all(len(set(v)) == len(v) for v in multi)


def test_embedded_json_cannot_break_out_of_its_script_element():
    text = _json({"label": "</script><script>alert(1)</script> & \u2028\u2029"})
    assert "<" not in text and ">" not in text and "\u2028" not in text and "\u2029" not in text
    assert json.loads(text)["label"] == "</script><script>alert(1)</script> & \u2028\u2029"


def test_page_is_self_contained_and_never_uses_inner_html(data):
    html = render(data)
    for host in ("cdnjs", "jsdelivr", "unpkg", "googleapis", "bootstrap"):
        assert host not in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    app = html.split('<script type="application/json"', 1)[1]
    assert "innerHTML" not in app.split("vis-network", 1)[0]
    assert len(re.findall(r"^<script", html, re.M)) == 3  # data, vis-network, the page's own code
    assert "Content-Security-Policy" in html


def test_focus_keeps_the_neighbourhood(data):
    sub = focus(data, "rnc", 1)
    labels = {n["label"] for n in sub.nodes}
    assert "NATO-Russia Council" in labels and "Brussels" not in labels
    assert len(focus(data, "NRC", 2).nodes) > len(sub.nodes)
    assert {n["id"] for n in sub.nodes} >= {e["from"] for e in sub.edges}


def test_unknown_focus_entity_lists_close_matches(data):
    with pytest.raises(KGError, match=r"unknown entity 'Lavrof'; did you mean 'Lavrov'"):
        focus(data, "Lavrof", 1)


def test_large_graphs_get_a_precomputed_layout_and_no_physics(monkeypatch, data):
    import kg.viz

    monkeypatch.setattr(kg.viz, "LAYOUT_THRESHOLD", 50)
    net = kg.viz.KGNetwork(data, "t")
    assert net.options["physics"]["enabled"] is False
    assert all("x" in n and "y" in n and n["physics"] is False for n in net.nodes)
    small = kg.viz.KGNetwork(focus(data, "RNC", 1), "t")
    assert small.options["physics"]["enabled"] is True


def test_build_writes_the_page_and_viz_writes_a_focus(tmp_path):
    r = run_cli("build", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "graph.html").stat().st_size > 500_000
    assert "Open " in r.stdout and "graph.html" in r.stdout
    r = run_cli("viz", "--focus", "CFE Treaty", "--depth", "1", "--out", str(tmp_path / "cfe.html"))
    assert r.returncode == 0, r.stderr
    assert "entities" in r.stdout and (tmp_path / "cfe.html").exists()
    r = run_cli("viz", "--focus", "Atlantis", "--out", str(tmp_path / "x.html"))
    assert r.returncode == 2 and "unknown entity 'Atlantis'" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.html").exists()


def test_the_page_starts_from_the_nato_russia_council_or_the_most_connected_node(data):
    from kg.viz import start_node

    assert data.nodes[start_node(data)]["label"] == "NATO-Russia Council"
    sub = focus(data, "Russia", 1)
    assert start_node(sub) == next(n["id"] for n in sub.nodes if n["label"] == "Russia")  # no NRC there: the hub


def test_content_security_policy_allows_only_the_pages_own_scripts(data):
    import base64
    import hashlib

    html = render(data)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src")).split()[1:]
    assert "'unsafe-inline'" not in csp.split("style-src")[0] and "'unsafe-eval'" not in csp
    bodies = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(bodies) == 2  # vis-network and the page's own code; the data is JSON, never run
    want = {"'sha256-" + base64.b64encode(hashlib.sha256(b.encode("utf-8")).digest()).decode() + "'" for b in bodies}
    assert set(script_src) == want
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp


def test_the_page_is_byte_identical_for_the_same_input(data):
    assert render(data) == render(data)
