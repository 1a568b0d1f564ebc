"""The CLI as a user runs it: clear output, one-line errors with exit code 2, never a traceback."""
import json

import pytest

from conftest import run_cli, SEED_ENTITIES, SEED_RELATIONS


def test_build_writes_outputs_and_prints_a_summary(tmp_path):
    r = run_cli("build", "--out", str(tmp_path / "o"))
    assert r.returncode == 0, r.stderr
    assert "documents          5" in r.stdout
    assert "evidence records" in r.stdout
    assert str(tmp_path / "o" / "nato-russia.ttl") in r.stdout
    assert (tmp_path / "o" / "nato-russia.trig").stat().st_size > 100_000
    assert not [p for p in (tmp_path / "o").iterdir() if p.name.endswith(".tmp")]


def test_query_by_name_table_csv_json():
    r = run_cli("query", "people", "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "person,name,roles,affiliations"
    r = run_cli("query", "SELECT (COUNT(*) AS ?n) WHERE { ?d a kg:Document }", "--format", "json")
    assert json.loads(r.stdout)["results"]["bindings"][0]["n"]["value"] == "5"
    r = run_cli("query", "--list")
    assert "agreements" in r.stdout and "timeline" in r.stdout


@pytest.mark.parametrize("query,message", [
    ("SELECT ?s WHERE { ?s ?p }", "syntax error at line 1, column"),
    ("nosuchquery", "unknown query 'nosuchquery'"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "SPARQL Update is not allowed"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE is not allowed"),
    ("SELECT * FROM <http://127.0.0.1:9/x.ttl> WHERE { ?s ?p ?o }", "FROM / FROM NAMED are not allowed"),
    ("missing.rq", "missing.rq: no such query file"),
])
def test_bad_queries_exit_2_with_one_line(query, message):
    r = run_cli("query", query)
    assert r.returncode == 2
    assert message in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_query_a_built_graph_file(tmp_path):
    run_cli("build", "--out", str(tmp_path), "-q")
    r = run_cli("query", "agreements", "--graph", str(tmp_path / "nato-russia.trig"), "--format", "csv")
    assert r.returncode == 0 and "Suspension,2007-12-12" in r.stdout


@pytest.mark.parametrize("fmt", ["ttl", "nt", "trig", "jsonld"])
def test_export(tmp_path, fmt):
    out = tmp_path / f"g.{fmt}"
    r = run_cli("export", "--format", fmt, "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert out.stat().st_size > 100_000


def test_missing_seeds_folder_is_a_one_line_error(tmp_path):
    r = run_cli("build", "--seeds", str(tmp_path / "nowhere"))
    assert r.returncode == 2 and "seeds folder not found" in r.stderr and r.stderr.count("\n") == 1


def test_every_command_has_help():
    for cmd in ("build", "query", "export", "serve", "push", "viz", "validate", "explain", "stats", "path", "timeline"):
        r = run_cli(cmd, "--help")
        assert r.returncode == 0 and "Example" in r.stdout, cmd


def test_export_graphml_and_csv_read_back(tmp_path):
    import csv as csvmod

    import networkx as nx

    r = run_cli("export", "--format", "graphml", "-o", str(tmp_path / "g.graphml"))
    assert r.returncode == 0, r.stderr
    g = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    assert g.number_of_nodes() == SEED_ENTITIES and g.number_of_edges() == SEED_RELATIONS
    russia = g.nodes["https://w3id.org/nato-russia-kg/id/state/russia"]
    assert russia["label"] == "Russia" and russia["group"] == "State"
    r = run_cli("export", "--format", "csv", "-o", str(tmp_path / "g"))
    assert r.returncode == 0, r.stderr
    with open(tmp_path / "g.nodes.csv", encoding="utf-8", newline="") as fh:
        nodes = list(csvmod.DictReader(fh))
    with open(tmp_path / "g.edges.csv", encoding="utf-8", newline="") as fh:
        edges = list(csvmod.DictReader(fh))
    assert len(nodes) == SEED_ENTITIES and len(edges) == SEED_RELATIONS
    suspension = [e for e in edges if e["relation"] == "suspended by"]
    assert suspension[0]["first_rule"] == "agreement.suspend-application"
    assert "suspend our application of the CFE Treaty" in suspension[0]["first_quote"]
    first = (tmp_path / "g.edges.csv").read_bytes()
    run_cli("export", "--format", "csv", "-o", str(tmp_path / "g"))
    assert (tmp_path / "g.edges.csv").read_bytes() == first
    r = run_cli("export", "--format", "csv", "-o", "-")
    assert r.returncode == 2 and "two files" in r.stderr


# --- issue 12: the CLI tried as a new user would ---------------------------------------------

import os
import select
import signal
import subprocess
import sys
import time
from types import SimpleNamespace

from conftest import ROOT


@pytest.fixture
def nrkg(built, monkeypatch, capsys):
    """`nrkg ARGS` in this process, on the session's build of the seeds (no extraction per call)."""
    from kg import cli

    monkeypatch.setattr(cli, "_build", lambda args: built)

    def run(*args):
        handler = signal.getsignal(signal.SIGTERM)
        try:
            rc = cli.main(list(args))
        except SystemExit as exc:  # argparse's usage errors and --help
            rc = exc.code
        finally:
            signal.signal(signal.SIGTERM, handler)
        out, err = capsys.readouterr()
        return SimpleNamespace(returncode=rc, stdout=out, stderr=err)

    return run


@pytest.fixture(scope="module")
def trig(built, tmp_path_factory):
    path = tmp_path_factory.mktemp("built") / "nato-russia.trig"
    path.write_text(built.serialized("trig"), encoding="utf-8")
    return path


def one_line_error(r, *words):
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    for w in words:
        assert w in r.stderr, r.stderr


def test_export_into_a_missing_folder_chain_is_an_error_that_creates_nothing(tmp_path):
    target = tmp_path / "nonexistent" / "dir" / "x.ttl"
    r = run_cli("export", "--format", "ttl", "-o", str(target))
    one_line_error(r, str(target), "mkdir -p")
    assert "Wrote" not in r.stderr + r.stdout
    assert not (tmp_path / "nonexistent").exists()


def test_export_creates_one_missing_folder_as_the_readme_says(nrkg, tmp_path):
    r = nrkg("export", "--format", "nt", "-o", str(tmp_path / "new" / "g.nt"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "new" / "g.nt").stat().st_size > 100_000


def test_timeline_into_a_missing_folder_chain_fails_before_printing(nrkg, tmp_path):
    r = nrkg("timeline", "--out", str(tmp_path / "a" / "b"))
    one_line_error(r, str(tmp_path / "a" / "b"), "mkdir -p")
    assert r.stdout == "" and not (tmp_path / "a").exists()


def test_a_failed_build_leaves_no_new_folder(tmp_path):
    r = run_cli("build", "--seeds", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o"))
    one_line_error(r, "seeds folder not found")
    assert not (tmp_path / "o").exists()
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "bad.txt").write_bytes(b"\x00\x01\x02 not text \xff\xfe")
    r = run_cli("build", "--seeds", str(seeds), "--out", str(tmp_path / "o2"))
    one_line_error(r, "bad.txt")
    assert not (tmp_path / "o2").exists()
    r = run_cli("build", "--out", str(tmp_path / "a" / "b"))
    one_line_error(r, str(tmp_path / "a" / "b"))
    assert not (tmp_path / "a").exists()


def test_a_failed_write_removes_the_folder_it_created(tmp_path, monkeypatch):
    from kg.errors import KGError
    from kg.serialize import atomic_write_all

    def full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(KGError, match="No space left"):
        atomic_write_all({tmp_path / "new" / "a.ttl": "a", tmp_path / "new" / "b.ttl": "b"})
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("args,words", [
    (["stats", "--top", "-3"], ["--top", "-3", "1 or more"]),
    (["stats", "--top", "0"], ["--top", "1 or more"]),
    (["stats", "--top", "x"], ["--top", "'x'"]),
    (["path", "CSTO", "NATO", "--limit", "0"], ["--limit", "1 or more"]),
    (["viz", "--depth", "2"], ["--depth", "--focus"]),
    (["viz", "--focus", "RNC", "--depth", "-1"], ["--depth", "0 or more"]),
    (["query", "people", "--width", "2"], ["--width"]),
    (["query", "people", "--format", "yaml"], ["--format", "yaml"]),
])
def test_bad_numbers_and_combinations_are_one_line_usage_errors(nrkg, args, words):
    r = nrkg(*args)
    one_line_error(r, f"nrkg {args[0]}: error:", *words)
    assert r.stdout == ""


def test_explain_suggests_similar_names_or_says_there_is_none(nrkg):
    r = nrkg("explain", "Gorbachev")
    one_line_error(r, "unknown entity 'Gorbachev'", "no entity has a similar", "entity-names")
    assert "Georgia" not in r.stderr
    one_line_error(nrkg("explain", "Medvedv"), "did you mean 'Dmitry Medvedev'")
    one_line_error(nrkg("explain", "Sergei Lavrow"), "did you mean 'Sergey Lavrov'")
    one_line_error(nrkg("explain", "Georgai"), "did you mean 'Georgia'")
    one_line_error(nrkg("path", "NATO", "Rasmusen"), "did you mean 'Anders Fogh Rasmussen'")  # a surname, by word
    one_line_error(nrkg("viz", "--focus", "Brussel", "--out", os.devnull), "did you mean 'Brussels'")
    assert nrkg("explain", "rnc").stdout.startswith("NATO-Russia Council")


def test_viz_open_without_a_display_says_so(nrkg, tmp_path, monkeypatch):
    import webbrowser

    opened = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    page = tmp_path / "g.html"
    r = nrkg("viz", "--out", str(page), "--open")
    assert r.returncode == 0 and page.is_file() and not opened
    assert "no display" in r.stderr and str(page.resolve()) in r.stderr and len(r.stderr.splitlines()) == 1
    monkeypatch.setenv("DISPLAY", ":0")
    r = nrkg("viz", "--out", str(page), "--open")
    assert opened == [page.resolve().as_uri()]
    assert "no web browser found" in r.stderr and str(page.resolve()) in r.stderr


def test_table_width(trig):
    query = "SELECT ?quote WHERE { ?e nif:anchorOf ?quote } ORDER BY DESC(STRLEN(?quote)) ?quote LIMIT 1"
    r = run_cli("query", query, "--graph", str(trig))
    assert r.returncode == 0, r.stderr
    row = r.stdout.splitlines()[2]
    assert len(row) == 60 and row.endswith("...")
    r = run_cli("query", query, "--graph", str(trig), "--width", "0")
    assert r.returncode == 0, r.stderr
    whole = r.stdout.splitlines()[2]
    assert len(whole) > 200 and not whole.endswith("...") and whole.startswith(row[:57])


def test_table_default_is_the_readable_table_as_before(ds):
    from kg.query import format_result, named_queries, run, short
    from kg.tables import text_table

    for name in ("brussels-meetings", "people", "agreements"):
        res = run(ds, name, named_queries()[name].text)
        lines = text_table(res.vars, [[short(v) for v in row] for row in res.rows])
        assert lines == format_result(res, "table").splitlines()[:-1], name
    assert text_table(["a"], [["x" * 100]], width=10)[2] == "x" * 7 + "..."
    assert text_table(["a"], [["line\nbreak"]], width=0)[2] == "line break"


def test_timeline_list_has_a_header_and_prefixed_names(nrkg):
    r = nrkg("timeline", "--list")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["dyad", "year", "class", "rule", "document", "item", "label"]
    assert set(lines[1]) <= {"-", " "}
    assert "https://" not in r.stdout
    assert any("agreement:founding-act" in line and "Founding Act" in line for line in lines)
    assert lines[-1].endswith("coded interactions)")


def test_seeds_fallback_is_said(built, monkeypatch, capsys, tmp_path):
    import kg.pipeline
    from kg import cli

    used = []
    monkeypatch.setattr(kg.pipeline, "build", lambda folder, store="rdflib": used.append(folder) or built)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["stats", "--top", "1"]) == 0
    err = capsys.readouterr().err
    assert used == [cli.PROJECT / "seeds"]
    assert "no ./seeds folder here" in err and str(cli.PROJECT / "seeds") in err and "--seeds" in err
    (tmp_path / "seeds").mkdir()
    assert cli.main(["stats", "--top", "1"]) == 0
    assert used[-1] == tmp_path / "seeds" and capsys.readouterr().err == ""


def _serve(trig, *extra):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--graph", str(trig), "--port", "0", *extra],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner, deadline = "", time.monotonic() + 120
        while "/sparql" not in banner and time.monotonic() < deadline:
            if select.select([proc.stdout], [], [], 1)[0]:
                banner += proc.stdout.readline()
        url = banner.split()[2]
        from server_util import OPENER

        with OPENER.open(url + "?query=ASK%7B%7D", timeout=60) as resp:
            assert resp.status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    return err


def test_serve_logs_one_line_per_request_unless_quiet(trig):
    log = [line for line in _serve(trig).splitlines() if "/sparql" in line]
    assert len(log) == 1 and '"GET /sparql?query=ASK%7B%7D HTTP/1.1" 200' in log[0], log
    assert "/sparql" not in _serve(trig, "-q")


def test_reading_commands_do_not_import_the_extraction_stack(trig):
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "kg", "query", "people", "--graph", str(trig)],
                       cwd=ROOT, capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.returncode == 0 and "Sergey Lavrov" in r.stdout
    imported = {line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    assert "spacy" not in imported and "kg.nlp" not in imported and "kg.pipeline" not in imported
