"""The graph page in a real browser (headless Chromium), offline from file://."""
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from browser import Page, launch, require_browser, wait_until
from conftest import SEEDS, SEED_ENTITIES, SEED_PLACES
from kg.rules import RULES_DIR
from kg.viz import STYLE, page_data, render

SHOTS = Path(os.environ.get("NRKG_SCREENSHOTS", tempfile.gettempdir())) / "nrkg-screenshots"


@pytest.fixture(scope="module")
def pw():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(pw):
    b = launch(pw)
    yield b
    b.close()


@pytest.fixture(scope="module")
def seeds_html(built, tmp_path_factory):
    """The seeds' page, written once for the module."""
    path = tmp_path_factory.mktemp("page") / "graph.html"
    path.write_text(render(page_data(built.docs, built.facts, built.book)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def seeds_page(seeds_html, pw, browser):
    page = Page(pw, seeds_html.as_uri(), browser=browser)
    yield page
    page.close()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.page.screenshot(path=str(SHOTS / f"{name}.png"))


def expected_entity_count(ds):
    q = """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?c . ?c rdfs:subClassOf* ?top .
           VALUES ?top { %s } }""" % " ".join(f"kg:{c}" for c in STYLE)
    from kg.graph import PREFIXES

    return int(list(ds.query(q, initNs={k: str(v) for k, v in PREFIXES.items()}))[0][0])


def test_page_fits_the_window_whatever_the_panel_holds(seeds_page):
    p = seeds_page.page
    p.evaluate("window.kgGraph.showNode(window.kgGraph.find('Russia'))")  # the longest panel
    p.evaluate("document.querySelectorAll('#panel details').forEach(d => { d.open = true; })")  # every group opened
    sizes = p.evaluate("""[document.documentElement.scrollHeight, window.innerHeight,
        document.getElementById('panel').scrollHeight > document.getElementById('panel').clientHeight]""")
    assert sizes[0] <= sizes[1], "the page itself never scrolls"
    assert sizes[2], "the panel scrolls inside"


def test_loads_offline_without_errors_or_requests(seeds_page):
    shot(seeds_page, "01-loaded")
    assert seeds_page.errors == []
    assert seeds_page.requests == []


def test_one_node_per_entity(seeds_page, ds):
    shown = seeds_page.page.evaluate("window.kgGraph.nodes.length")
    assert shown == expected_entity_count(ds) == SEED_ENTITIES
    assert seeds_page.page.text_content("#counts").startswith(f"{SEED_ENTITIES} of {SEED_ENTITIES} entities")


def test_search_by_alias_selects_and_centres(seeds_page):
    p = seeds_page.page
    p.fill("#search", "RNC")
    p.press("#search", "Enter")
    p.wait_for_timeout(700)
    selected = p.evaluate("window.kgGraph.network.getSelectedNodes().map(id => window.kgGraph.nodes.get(id).label)")
    assert selected == ["NATO-Russia Council"]
    assert p.text_content("#panel h2.title") == "NATO-Russia Council"
    # the view animates to the found node and ends centred on it
    wait_until(p, """(() => { const g = window.kgGraph, id = g.network.getSelectedNodes()[0];
        const pos = g.network.getPositions([id])[id], c = g.network.getViewPosition();
        return Math.hypot(pos.x - c.x, pos.y - c.y) < 5; })()""", timeout=5)
    shot(seeds_page, "02-search-rnc")
    p.fill("#search", "Atlantis")
    p.press("#search", "Enter")
    assert "No entity named" in p.text_content("#search-msg")


def test_class_filter_hides_a_class(seeds_page):
    p = seeds_page.page
    p.uncheck("input[data-filter=class][value=Place]")
    groups = p.evaluate("window.kgGraph.nodeView.get().map(n => window.kgGraph.info.nodes[n.id].group)")
    assert "Place" not in groups and len(groups) == SEED_ENTITIES - SEED_PLACES
    shot(seeds_page, "03-no-places")
    p.check("input[data-filter=class][value=Place]")
    assert p.evaluate("window.kgGraph.nodeView.length") == SEED_ENTITIES


def set_range(p, selector, value):
    p.eval_on_selector(selector, "(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }", value)


def labels_visible(p):
    return set(p.evaluate("window.kgGraph.nodeView.get().map(n => n.label)"))


def test_year_slider_hides_what_lies_outside(seeds_page):
    p = seeds_page.page
    p.uncheck("#undated")
    set_range(p, "#year-from", 2010)
    visible = labels_visible(p)
    assert "Rome Summit (2002)" not in visible
    assert "NATO-Russia Council summit, Lisbon, 2010" in visible
    assert "Suspension of the Treaty on Conventional Armed Forces in Europe by Russia" not in visible  # 2007
    edges = p.evaluate("window.kgGraph.edgeView.get().map(e => window.kgGraph.info.edges[e.id].years)")
    assert edges and all(any(y >= 2010 for y in ys) for ys in edges)
    shot(seeds_page, "04-from-2010")
    set_range(p, "#year-from", 1997)
    p.check("#undated")
    assert p.evaluate("window.kgGraph.nodeView.length") == SEED_ENTITIES


def test_document_filter(seeds_page):
    p = seeds_page.page
    for box in p.query_selector_all("input[data-filter=document]"):
        if box.get_attribute("value") != "003_826ea086fd4a3601":
            box.uncheck()
    visible = labels_visible(p)
    assert "Alexander Lukashevich" in visible and "Mikhail Kamynin" not in visible
    for box in p.query_selector_all("input[data-filter=document]"):
        box.check()


def test_clicking_cfe_treaty_shows_evidence_from_a_seed(seeds_page):
    p = seeds_page.page
    p.evaluate("document.activeElement.blur()")  # close the search box's suggestion list, as a user would
    p.evaluate("""(() => { const g = window.kgGraph; const id = g.find('CFE Treaty');
        g.network.moveTo({position: g.network.getPositions([id])[id], scale: 1.5, animation: false}); })()""")
    p.wait_for_timeout(300)
    x, y = p.evaluate("""(() => { const g = window.kgGraph; const id = g.find('CFE Treaty');
        const pos = g.network.getPositions([id])[id]; const d = g.network.canvasToDOM(pos);
        const r = document.getElementById('graph').getBoundingClientRect(); return [r.left + d.x, r.top + d.y]; })()""")
    assert p.evaluate(f"document.elementFromPoint({x}, {y}).tagName") == "CANVAS", "the node is on screen"
    p.mouse.click(x, y)
    p.wait_for_timeout(300)
    assert p.text_content("#panel h2.title") == "Treaty on Conventional Armed Forces in Europe"
    quotes = [q.text_content() for q in p.query_selector_all("#panel blockquote.quote")]
    seeds = "".join(f.read_text(encoding="utf-8") for f in SEEDS.glob("*.txt"))
    assert quotes and all(q in seeds for q in quotes)
    assert any("suspend our application of the CFE Treaty" in q for q in quotes)
    assert "negated, not asserted" in p.text_content("#panel")  # the Baltic states never signed
    shot(seeds_page, "05-cfe-evidence")


def test_timeline_view_shows_the_barometer_and_positions(built, tmp_path, pw, browser):
    from kg.viz import add_timeline

    path = tmp_path / "tl.html"
    path.write_text(render(add_timeline(page_data(built.docs, built.facts, built.book), built.dataset, built.book)),
                    encoding="utf-8")
    page = Page(pw, path.as_uri(), viewport=(1400, 900), browser=browser)
    try:
        p = page.page
        p.click("#timeline-toggle")
        assert p.evaluate("document.querySelectorAll('#barometer svg').length") == 2  # russia-nato, russia-us
        rows = p.query_selector_all("#positions tbody tr")
        changed = [r.text_content() for r in rows if "changed" in (r.get_attribute("class") or "")]
        assert any(t.startswith("RussiaNATO enlargement") for t in changed)
        # readable series names and a value axis
        names = p.evaluate("[...document.querySelectorAll('#barometer svg')].map(s => s.getAttribute('aria-label'))")
        assert names == ["Russia \u2013 NATO barometer", "Russia \u2013 United States barometer"]
        assert p.evaluate("document.querySelectorAll('#barometer svg text.tick').length") >= 4
        assert "Verbal cooperation" in p.text_content("#barometer .legend")
        total = p.evaluate("[...document.querySelectorAll('#barometer rect')].reduce((t, r) => t + Number(r.dataset.n), 0)")
        assert total > 0
        # fits its column at every width: no bar or year cut off
        for w, h in ((1400, 900), (1920, 1080), (800, 600), (390, 844)):
            p.set_viewport_size({"width": w, "height": h})
            p.wait_for_timeout(250)
            fit = p.evaluate("""(() => { const col = document.getElementById('timeline').getBoundingClientRect();
                const out = [...document.querySelectorAll('#barometer svg')].map(s => s.getBoundingClientRect());
                const last = [...document.querySelectorAll('#barometer svg:first-of-type text.year')].pop().getBoundingClientRect();
                return {col: [col.left, col.right], svgs: out.map(r => [r.left, r.right]), last: [last.left, last.right],
                        scroll: document.getElementById('timeline').scrollWidth - document.getElementById('timeline').clientWidth}; })()""")
            assert fit["scroll"] <= 0, (w, fit)
            assert all(fit["col"][0] <= l and r <= fit["col"][1] for l, r in fit["svgs"]), (w, fit)
            assert fit["last"][1] <= fit["col"][1], (w, fit)
            SHOTS.mkdir(parents=True, exist_ok=True)
            p.screenshot(path=str(SHOTS / f"07-timeline-{w}x{h}.png"))
        p.set_viewport_size({"width": 1400, "height": 900})
        p.wait_for_timeout(200)
        # obeys the filters: no documents, nothing counted; a year range, bars only inside it
        p.click("#filters .all-none:has(+ #documents) button[data-set=none]")
        assert p.evaluate("document.querySelectorAll('#barometer rect').length") == 0
        assert "No stated positions" in p.text_content("#positions")
        p.click("#filters .all-none:has(+ #documents) button[data-set=all]")
        set_range(p, "#year-from", 2008)
        years = p.evaluate("[...document.querySelectorAll('#barometer rect')].map(r => Number(r.dataset.year))")
        assert years and min(years) >= 2008
        assert p.evaluate("[...document.querySelectorAll('#barometer svg:first-of-type text.year')].map(t => Number(t.textContent))")[0] >= 1997
        set_range(p, "#year-from", 1997)
        assert p.evaluate("[...document.querySelectorAll('#barometer rect')].reduce((t, r) => t + Number(r.dataset.n), 0)") == total
        # each stance links to its evidence
        link = p.query_selector("#positions .stance-link")
        stance = link.text_content().split()[1]
        link.click()
        title = p.text_content("#panel h2.title")
        assert f"\u2014 {stance} \u2014" in title and p.query_selector("#panel blockquote.quote")
        shot(page, "07-timeline")
        p.click("#timeline-toggle")
        assert p.is_visible("#graph") and page.errors == [] and page.requests == []
    finally:
        page.close()


def test_hostile_text_renders_literally_and_runs_nothing(tmp_path, pw, browser):
    from kg.pipeline import build

    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    label = '<img src=x onerror="window.__xss=1"> Evil <script>window.__xss=2</script> href="javascript:window.__xss=3" \u2028 end'
    import yaml

    with open(rules / "gazetteer.yaml", "a", encoding="utf-8") as fh:
        fh.write("\n" + yaml.safe_dump([{"id": "evil-treaty", "class": "Treaty", "label": label,
                                         "aliases": ["Evil Treaty"]}], allow_unicode=False))
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "x.txt").write_text(
        'Russia has ratified the Evil Treaty <img src=x onerror="window.__xss=4"> <b>bold</b> \u2028 at once.\n',
        encoding="utf-8")
    result = build(seeds, rules)
    html = render(page_data(result.docs, result.facts, result.book))
    path = tmp_path / "evil.html"
    path.write_text(html, encoding="utf-8")
    page = Page(pw, path.as_uri(), browser=browser)
    try:
        p = page.page
        p.fill("#search", "Evil Treaty")
        p.press("#search", "Enter")
        p.wait_for_timeout(500)
        shot(page, "06-hostile-label")
        assert p.text_content("#panel h2.title") == label.replace("\u2028", "\u2028")
        assert 'onerror="window.__xss=4"' in p.text_content("#panel blockquote.quote")
        assert p.evaluate("document.querySelectorAll('#panel img, #panel script, #panel b, img[src=x]').length") == 0
        assert p.evaluate("window.__xss") is None
        assert page.dialogs == [] and page.requests == []
        assert [e for e in page.errors if "xss" in e.lower()] == []
    finally:
        page.close()


# ---------------------------------------------------------------- layout at any window size (issue 14)
SIZES = [(390, 844), (800, 600), (1000, 700), (1400, 900), (1920, 1080)]


def layout(p):
    return p.evaluate("""(() => { const box = (s) => { const e = document.querySelector(s); const r = e.getBoundingClientRect();
        return {w: r.width, h: r.height, left: r.left, right: r.right, shown: getComputedStyle(e).display !== 'none'}; };
        const c = document.querySelector('#graph canvas');
        return {win: [innerWidth, innerHeight], graph: box('#graph'), search: box('#search'), filters: box('#filters'),
                panel: box('#panel'), canvas: [c.width, c.height], scroll: [document.documentElement.scrollWidth,
                document.documentElement.scrollHeight], topbar: box('#topbar')}; })()""")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_page_is_ready_and_usable_at_every_window_size(seeds_html, pw, browser, size):
    page = Page(pw, seeds_html.as_uri(), viewport=size, browser=browser)  # waits for ready
    try:
        p = page.page
        lay = layout(p)
        w, h = size
        assert lay["scroll"] == [w, h], "the page itself never scrolls"
        assert lay["graph"]["w"] >= 0.6 * w, "the graph keeps at least 60 % of the width"
        assert lay["graph"]["h"] >= 0.6 * h and lay["canvas"][0] > 0 and lay["canvas"][1] > 0
        assert lay["search"]["w"] >= min(300, 0.6 * w), "the search box is wide enough to type in"
        assert lay["topbar"]["h"] <= 0.2 * h
        if w < 1000:
            # side columns are drawers, closed until asked for
            assert not lay["filters"]["shown"] and not lay["panel"]["shown"]
            p.click("#filters-toggle")
            lay = layout(p)
            assert lay["filters"]["shown"] and lay["filters"]["w"] <= 0.9 * w and lay["graph"]["w"] == w
            SHOTS.mkdir(parents=True, exist_ok=True)
            p.screenshot(path=str(SHOTS / f"10-size-{w}x{h}-filters.png"))
            p.click("#filters .drawer-close")
            assert not layout(p)["filters"]["shown"]
            # choosing an entity in the search opens the details drawer
            p.fill("#search", "RNC")
            p.press("#search", "Enter")
            assert p.is_visible("#panel") and p.text_content("#panel h2.title") == "NATO-Russia Council"
            p.wait_for_timeout(450)
            p.screenshot(path=str(SHOTS / f"10-size-{w}x{h}-details.png"))
            p.click("#panel .drawer-close")
        else:
            assert lay["filters"]["shown"] and lay["panel"]["shown"]
            assert p.is_hidden("#filters-toggle") and p.is_hidden("#panel-toggle")
        shot(page, f"10-size-{w}x{h}")
        assert page.errors == []
    finally:
        page.close()


def view(p):
    return p.evaluate("(() => { const n = window.kgGraph.network, c = n.getViewPosition(); return [c.x, c.y, n.getScale()]; })()")


def test_typing_in_the_search_box_never_moves_the_view(seeds_page):
    p = seeds_page.page
    p.evaluate("window.kgGraph.clearSelection()")
    before = view(p)
    p.click("#search")
    p.fill("#search", "")
    p.keyboard.type("NATO-Russia ---- +++")
    for key in ("ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "PageUp", "PageDown", "Minus", "Equal"):
        p.keyboard.press(key)
    p.wait_for_timeout(300)
    assert view(p) == pytest.approx(before, abs=1e-3)
    p.keyboard.press("Escape")
    p.fill("#search", "")
    # the keyboard still drives the graph once it has the focus
    p.focus("#graph .vis-network")
    p.keyboard.down("Minus")
    p.wait_for_timeout(200)
    p.keyboard.up("Minus")
    assert view(p)[2] < before[2], "'-' zooms out when the graph has the focus"


# ---------------------------------------------------------------- search suggestions and stale state
def suggestions(p, text):
    p.fill("#search", "")
    p.click("#search")
    p.keyboard.type(text)
    return p.evaluate("[...document.querySelectorAll('#suggestions li')].map(li => [li.querySelector('.name').textContent, li.querySelector('.cls').textContent])")


def test_search_suggestions_are_ranked_and_show_the_class(seeds_page):
    p = seeds_page.page
    rus = suggestions(p, "Rus")
    assert rus[0] == ["Russia", "State"], rus
    assert any(n.startswith("Russia") and n != "Russia" for n, _ in rus[1:]), "longer names come after"
    # exact label, then exact alias, then prefix, then substring
    ranked = p.evaluate("window.kgGraph.suggest('nato', 50).map(h => h.rank)")
    assert ranked == sorted(ranked) and ranked[0] == 0
    assert p.evaluate("window.kgGraph.suggest('nato', 1)[0].name") == "NATO"
    alias = p.evaluate("window.kgGraph.suggest('RNC', 3)")
    assert alias[0]["rank"] == 1 and alias[0]["name"] == "RNC"
    md = suggestions(p, "missile defence")
    assert len(md) > 1, "several matches are offered, none silently chosen"
    shot(seeds_page, "11-suggestions")
    # arrows choose, Enter takes the chosen one
    p.keyboard.press("ArrowDown")
    p.keyboard.press("Enter")
    assert p.text_content("#panel h2.title") == md[1][0]
    # leaving the box runs no search
    p.evaluate("window.kgGraph.clearSelection()")
    suggestions(p, "Lavr")
    p.evaluate("document.activeElement.blur()")
    p.wait_for_timeout(100)
    assert p.is_hidden("#suggestions")
    assert p.evaluate("window.kgGraph.network.getSelectedNodes().length") == 0
    assert "Select a node" in p.text_content("#panel")
    # Enter takes the first
    p.click("#search")
    p.keyboard.press("Enter")
    assert p.text_content("#panel h2.title") == "Sergey Lavrov"


def test_no_stale_panel_after_empty_click_or_filter(seeds_page):
    p = seeds_page.page
    p.evaluate("document.activeElement.blur()")
    p.evaluate("window.kgGraph.selectNode(window.kgGraph.find('Brussels'), false)")
    assert p.text_content("#panel h2.title") == "Brussels"
    # filtering the selected node away clears the panel
    p.uncheck("input[data-filter=class][value=Place]")
    assert "Select a node" in p.text_content("#panel") and p.query_selector("#panel h2.title") is None
    p.check("input[data-filter=class][value=Place]")
    # clicking empty canvas clears it too
    p.evaluate("window.kgGraph.selectNode(window.kgGraph.find('Brussels'), false)")
    p.evaluate("window.kgGraph.network.moveTo({position: {x: 1e5, y: 1e5}, scale: 1, animation: false})")
    r = p.evaluate("(() => { const r = document.getElementById('graph').getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()")
    p.mouse.click(*r)
    p.wait_for_timeout(200)
    assert p.query_selector("#panel h2.title") is None
    assert p.evaluate("window.kgGraph.network.getSelectedNodes().length") == 0
    # a tooltip open when the graph changes is hidden
    p.evaluate("""(() => { const t = document.createElement('div'); t.className = 'vis-tooltip'; t.style.visibility = 'visible';
        document.querySelector('#graph .vis-network').append(t); })()""")
    p.uncheck("#undated")
    p.check("#undated")
    assert p.evaluate("[...document.querySelectorAll('#graph div.vis-tooltip')].every(t => t.style.visibility === 'hidden')")
    p.evaluate("window.kgGraph.network.fit({animation: false})")


# ---------------------------------------------------------------- focus mode
def node_xy(p, node_id):
    return p.evaluate("""(id) => { const n = window.kgGraph.network; const d = n.canvasToDOM(n.getPositions([id])[id]);
        const r = document.getElementById('graph').getBoundingClientRect(); return [r.left + d.x, r.top + d.y]; }""", node_id)


def visible_ids(p):
    return set(p.evaluate("window.kgGraph.visibleIds()"))


def test_focus_mode_expands_hides_and_goes_back_and_forward(seeds_page, built):
    from kg.viz import focus

    data = page_data(built.docs, built.facts, built.book)
    p = seeds_page.page
    p.evaluate("window.kgGraph.showAll(); window.kgGraph.clearSelection()")
    nrc = p.evaluate("window.kgGraph.info.start")
    assert p.evaluate(f"window.kgGraph.info.nodes[{nrc}].label") == "NATO-Russia Council"
    p.click("#start")  # nothing selected: the start entity
    assert visible_ids(p) == {n["id"] for n in focus(data, "NRC", 1).nodes}
    assert "Around NATO-Russia Council" in p.text_content("#focus-info")
    p.select_option("#depth", "2")
    assert visible_ids(p) == {n["id"] for n in focus(data, "NRC", 2).nodes}
    p.select_option("#depth", "1")
    one = visible_ids(p)
    # double-click a neighbour: its own neighbours join the view
    label = {n["id"]: n["label"] for n in data.nodes}
    lisbon = next(i for i in sorted(one) if {n["id"] for n in focus(data, label[i], 1).nodes} - one)
    near = {n["id"] for n in focus(data, label[lisbon], 1).nodes}
    p.evaluate("window.kgGraph.network.fit({animation: false})")
    p.mouse.dblclick(*node_xy(p, lisbon))
    p.wait_for_timeout(300)
    expanded = visible_ids(p)
    assert expanded == one | near and expanded > one
    assert p.text_content("#panel h2.title") == label[lisbon]
    # selecting dims everything outside the neighbourhood
    colours = p.evaluate("""(() => { const g = window.kgGraph; const out = {};
        g.nodeView.get().forEach(n => out[n.id] = typeof n.color === 'string' ? n.color : n.color.background); return out; })()""")
    assert all((colours[str(i)] == "#eceef0") == (i not in near) for i in expanded)
    shot(seeds_page, "12-focus-expanded")
    # H on the graph hides the selected node
    p.focus("#graph .vis-network")
    p.keyboard.press("h")
    assert lisbon not in visible_ids(p)
    assert p.query_selector("#panel h2.title") is None
    # the right-click menu hides a node too
    target = sorted(visible_ids(p) - {nrc})[0]
    p.mouse.click(*node_xy(p, target), button="right")
    p.click("#node-menu button[data-action=hide]")
    assert target not in visible_ids(p)
    # back and forward through the exploration
    p.click("#back")
    assert target in visible_ids(p) and lisbon not in visible_ids(p)
    p.click("#back")
    assert lisbon in visible_ids(p)
    p.click("#back")
    assert visible_ids(p) == one
    p.click("#forward")
    assert lisbon in visible_ids(p)
    p.click("#show-all")
    assert len(visible_ids(p)) == SEED_ENTITIES
    assert p.evaluate("document.getElementById('show-all').disabled")
    assert seeds_page.errors == []
    p.evaluate("window.kgGraph.clearSelection()")


def test_search_outside_the_focus_moves_the_focus(seeds_page):
    p = seeds_page.page
    p.evaluate("window.kgGraph.focusOn(window.kgGraph.info.start)")
    p.fill("#search", "Lavrov")
    p.press("#search", "Enter")
    assert "Around Sergey Lavrov" in p.text_content("#focus-info")
    assert p.text_content("#panel h2.title") == "Sergey Lavrov"
    p.click("#back")
    assert "Around NATO-Russia Council" in p.text_content("#focus-info")
    p.click("#show-all")
    p.evaluate("window.kgGraph.clearSelection()")


# ---------------------------------------------------------------- permalinks and export
def page_state(p):
    return p.evaluate("""(() => { const g = window.kgGraph, s = g.state, c = g.network.getViewPosition();
        const t = document.querySelector('#panel h2.title');
        return {classes: [...s.classes].sort(), docs: [...s.docs].sort(), years: [s.y0, s.y1], undated: s.undated,
                focus: s.focus, hidden: [...s.hidden].sort((a, b) => a - b), visible: g.visibleIds().sort((a, b) => a - b),
                title: t ? t.textContent : null, view: [c.x, c.y, g.network.getScale()],
                boxes: [...document.querySelectorAll('input[data-filter]')].filter(b => !b.checked).map(b => b.value).sort(),
                from: document.getElementById('year-from').value}; })()""")


def test_permalink_round_trip(seeds_page, seeds_html, pw, browser):
    p = seeds_page.page
    p.evaluate("window.kgGraph.showAll(); window.kgGraph.clearSelection()")
    p.uncheck("input[data-filter=class][value=Place]")
    set_range(p, "#year-from", 2002)
    p.uncheck("#undated")
    p.evaluate("""(() => { const g = window.kgGraph; g.focusOn(g.find('NATO-Russia Council'), 2);
        g.hideNode(g.find('Russia')); g.selectNode(g.find('NATO'), false);
        g.network.moveTo({position: {x: 12.5, y: -40.25}, scale: 0.8, animation: false}); g.refresh(); })()""")
    p.wait_for_timeout(400)
    url = p.evaluate("location.href")
    assert "entity=state/nato" in url or "entity=" in url
    for part in ("focus=", "depth=2", "hidden=", "noclass=Place", "years=2002-2014", "undated=0", "view="):
        assert part in url, part
    want = page_state(p)
    assert want["title"] == "NATO" and want["boxes"] == ["Place"]
    other = Page(pw, url, browser=browser)
    try:
        got = page_state(other.page)
        view_w, view_g = want.pop("view"), got.pop("view")
        assert got == want
        assert view_g == pytest.approx(view_w, abs=0.1)
        assert other.errors == []
    finally:
        other.close()
    # pasting a link into the open page restores it too
    p.evaluate("window.kgGraph.showAll(); window.kgGraph.clearSelection()")
    p.wait_for_timeout(300)  # the page has written its new state into the hash
    assert p.evaluate("location.href") != url
    p.evaluate("(h) => { location.hash = h; }", url.split("#", 1)[1])
    wait_until(p, "document.querySelector('#panel h2.title') && document.querySelector('#panel h2.title').textContent === 'NATO'")
    assert page_state(p)["visible"] == want["visible"]
    p.evaluate("history.replaceState(null, '', location.pathname)")
    p.evaluate("window.kgGraph.applyHash('#view=0,0,1'); window.kgGraph.showAll()")
    p.check("#undated")
    set_range(p, "#year-from", 1997)
    p.check("input[data-filter=class][value=Place]")
    assert p.evaluate("window.kgGraph.nodeView.length") == SEED_ENTITIES


def test_export_png_svg_and_csv(seeds_page, tmp_path):
    import csv as csvmod

    p = seeds_page.page
    p.evaluate("window.kgGraph.focusOn(window.kgGraph.find('NRC'), 1)")
    visible = p.evaluate("window.kgGraph.visibleIds().length")
    p.click(".export summary")
    files = {}
    for button, name in (("#export-png", "graph.png"), ("#export-svg", "graph.svg"),
                         ("#export-nodes", "nodes.csv"), ("#export-edges", "edges.csv")):
        with p.expect_download() as dl:
            p.click(button)
        assert dl.value.suggested_filename == name
        path = tmp_path / name
        dl.value.save_as(path)
        files[name] = path
    assert files["graph.png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and files["graph.png"].stat().st_size > 5000
    svg = files["graph.svg"].read_text(encoding="utf-8")
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "NATO-Russia Council" in texts and len(list(root.iter("{http://www.w3.org/2000/svg}circle"))) == visible
    rows = list(csvmod.DictReader(files["nodes.csv"].open(encoding="utf-8", newline="")))
    assert len(rows) == visible and any(r["label"] == "NATO-Russia Council" and r["class"] == "Organization" for r in rows)
    edges = list(csvmod.DictReader(files["edges.csv"].open(encoding="utf-8", newline="")))
    assert len(edges) == p.evaluate("window.kgGraph.edgeView.length") and all(e["from_label"] and e["relation"] for e in edges)
    p.click(".export summary")
    p.evaluate("window.kgGraph.showAll()")


# ---------------------------------------------------------------- evidence panel at scale
def test_evidence_panel_groups_by_relation_and_links_entities(seeds_page, built):
    data = page_data(built.docs, built.facts, built.book)
    p = seeds_page.page
    p.evaluate("window.kgGraph.showAll()")
    p.evaluate("window.kgGraph.selectNode(window.kgGraph.find('Russia'), false)")
    russia = next(n for n in data.nodes if n["label"] == "Russia")
    rows = data.details[str(russia["id"])]
    groups = p.evaluate("""[...document.querySelectorAll('#panel details.group')].map(g =>
        [g.dataset.relation, Number(g.querySelector('summary .n').textContent), g.open, g.querySelectorAll('.fact').length])""")
    from collections import Counter

    assert {g[0]: g[1] for g in groups} == dict(Counter(r["p"] for r in rows))
    assert all(n == facts for _, n, _, facts in groups)
    assert [g[1] for g in groups] == sorted((g[1] for g in groups), reverse=True)
    assert not any(is_open for _, n, is_open, _ in groups if n > 4), "long groups start collapsed"
    height = p.evaluate("document.getElementById('panel').scrollHeight")
    assert height < 3000, f"Russia's panel is {height} px tall"
    # documents beyond three collapse
    assert p.evaluate("document.querySelectorAll('#panel .more-docs').length") == (1 if len(russia["docs"]) > 3 else 0)
    shot(seeds_page, "13-russia-panel")
    # an entity's name in a fact selects it
    p.click("#panel details.group[data-relation=participant] > summary")
    link = p.query_selector("#panel details.group[data-relation=participant] .entity-link")
    name = link.text_content()
    link.click()
    assert p.text_content("#panel h2.title") == name
    assert p.evaluate("window.kgGraph.network.getSelectedNodes().map(id => window.kgGraph.info.nodes[id].label)") == [name]
    p.evaluate("window.kgGraph.clearSelection()")


def test_document_filter_all_none_only(seeds_page):
    p = seeds_page.page
    p.click("#filters .all-none:has(+ #documents) button[data-set=none]")
    assert p.evaluate("window.kgGraph.nodeView.length") == 0
    assert p.evaluate("[...document.querySelectorAll('input[data-filter=document]')].every(b => !b.checked)")
    p.click("#filters .all-none:has(+ #documents) button[data-set=all]")
    assert p.evaluate("window.kgGraph.nodeView.length") == SEED_ENTITIES
    p.hover("#documents li:first-child")
    p.click("#documents li:first-child button.only")
    checked = p.evaluate("[...document.querySelectorAll('input[data-filter=document]')].filter(b => b.checked).map(b => b.value)")
    assert checked == [p.get_attribute("#documents li:first-child input", "value")]
    assert 0 < p.evaluate("window.kgGraph.nodeView.length") < SEED_ENTITIES
    p.click("#filters .all-none:has(+ #documents) button[data-set=all]")
    p.click("#filters .all-none:has(+ #legend) button[data-set=none]")
    assert p.evaluate("window.kgGraph.nodeView.length") == 0
    p.click("#filters .all-none:has(+ #legend) button[data-set=all]")
    assert p.evaluate("window.kgGraph.nodeView.length") == SEED_ENTITIES


# ---------------------------------------------------------------- path tool
def cli_paths(text):
    """{path title: sorted hop lines} from `nrkg path` output (kg.analysis.paths)."""
    out, cur = {}, None
    for line in text.splitlines():
        if line.startswith("Path "):
            cur = line.split(": ", 1)[1]
            out[cur] = []
        elif line.startswith("  ") and not line.startswith("    ") and cur:
            out[cur].append(line.strip())
    return {k: sorted(v) for k, v in out.items()}


@pytest.mark.parametrize("a,b", [("CSTO", "NATO"), ("Lavrov", "Robert Gates"), ("Kaliningrad", "NRC")])
def test_path_tool_gives_the_same_answer_as_nrkg_path(seeds_page, built, a, b):
    from kg.analysis import paths

    data = page_data(built.docs, built.facts, built.book, max_evidence=0)  # as `nrkg path` builds it
    want = cli_paths(paths(data, a, b, limit=100))
    assert want
    p = seeds_page.page
    p.evaluate("window.kgGraph.showAll(); window.kgGraph.focusOn(window.kgGraph.find('Brussels'))")
    p.click("#path-tool")
    p.fill("#path-from", a)
    p.fill("#path-to", b)
    p.click("#path-go")
    got = p.evaluate("""[...document.querySelectorAll('#path-result .path')].map(d =>
        [d.querySelector('h3').textContent.split(': ').slice(1).join(': '), [...d.querySelectorAll('.hop .triple')].map(t => t.textContent).sort()])""")
    assert len(got) == min(len(want), 5)
    assert all(want.get(title) == hops for title, hops in got), (got, want)
    if len(want) <= 5:
        assert {t for t, _ in got} == set(want)
    # every entity of the paths is in view and the rest is dimmed
    on_path = set(p.evaluate("window.kgGraph.network.getSelectedNodes()"))
    assert on_path <= set(p.evaluate("window.kgGraph.visibleIds()"))
    labels = {n["id"]: n["label"] for n in data.nodes}
    assert {labels[i] for i in on_path} == {x for t, _ in got for x in t.split(" \u2192 ")}
    if a == "CSTO":
        shot(seeds_page, "14-path-csto-nato")
    assert seeds_page.errors == []


def test_path_tool_reports_no_connection(seeds_page):
    p = seeds_page.page
    isolated = p.evaluate("""(() => { const g = window.kgGraph; const deg = new Map(g.info.nodes.map(n => [n.id, 0]));
        g.info.edges.forEach(e => { deg.set(e.from, deg.get(e.from) + 1); deg.set(e.to, deg.get(e.to) + 1); });
        const n = g.info.nodes.find(n => deg.get(n.id) === 0); return n ? n.label : null; })()""")
    if isolated is None:
        pytest.skip("every seed entity has a relation")
    p.click("#path-tool")
    p.fill("#path-from", isolated)
    p.fill("#path-to", "NATO")
    p.click("#path-go")
    assert p.text_content("#path-result").startswith("No connection between")
    p.evaluate("window.kgGraph.showAll(); window.kgGraph.clearSelection()")


# ---------------------------------------------------------------- Content-Security-Policy
def test_strict_csp_blocks_an_injected_inline_script_and_the_page_still_works(seeds_html, tmp_path, pw, browser):
    html = seeds_html.read_text(encoding="utf-8")
    assert "'unsafe-inline' 'unsafe-eval'" not in html
    injected = ('<script>window.__injected = 1;</script><img src="x" onerror="window.__injected = 2">'
                '<div id="probe" onclick="window.__injected = 3">probe</div>')
    html = html.replace('<script type="application/json"', injected + '<script type="application/json"', 1)
    path = tmp_path / "injected.html"
    path.write_text(html, encoding="utf-8")
    page = Page(pw, path.as_uri(), browser=browser)
    try:
        p = page.page
        p.click("#probe")
        # a script added at run time is refused too
        p.evaluate("""(() => { const s = document.createElement('script'); s.textContent = 'window.__injected = 4';
            document.body.append(s); })()""")
        assert p.evaluate("window.__injected") is None
        assert any("Content Security Policy" in e for e in page.errors)
        p.fill("#search", "RNC")
        p.press("#search", "Enter")
        assert p.text_content("#panel h2.title") == "NATO-Russia Council"
        assert page.requests == [] or all(r.endswith("/x") for r in page.requests)
    finally:
        page.close()


# ---------------------------------------------------------------- the query page (kg/templates/query.*), served by a stand-in
QUERY_PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
                  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")  # as kg/server.py sends it


@pytest.fixture(scope="module")
def query_page(browser, ds, seeds_html):
    """query.html, .js and .css as `nrkg serve` serves them, with /queries and /sparql answered in-process
    (kg.query.run on the seeds) and /graph giving the seeds' graph page; nothing leaves the browser."""
    import json as jsonmod
    from urllib.parse import urlparse

    from kg.graph import PREFIXES
    from kg.query import format_result, named_queries, run
    from kg.rules import RULES_DIR as _  # noqa: F401
    from kg.viz import TEMPLATES

    base = "http://127.0.0.1:9"
    outside, sparql = [], []
    queries = [{"name": q.name, "summary": q.summary, "text": q.text} for q in named_queries().values()]

    def handle(route):
        req = route.request
        url = urlparse(req.url)
        if not req.url.startswith(base):
            outside.append(req.url)
            return route.abort()
        if url.path == "/":
            return route.fulfill(status=200, content_type="text/html; charset=utf-8", headers={"Content-Security-Policy": QUERY_PAGE_CSP},
                                 body=(TEMPLATES / "query.html").read_text(encoding="utf-8"))
        if url.path in ("/static/query.js", "/static/query.css"):
            name = url.path.rsplit("/", 1)[1]
            return route.fulfill(status=200, content_type=("text/javascript" if name.endswith("js") else "text/css") + "; charset=utf-8",
                                 body=(TEMPLATES / name).read_text(encoding="utf-8"))
        if url.path == "/queries":
            return route.fulfill(status=200, content_type="application/json", body=jsonmod.dumps(
                {"queries": queries, "limits": {"timeout": 10, "max_rows": 10000}, "store": "rdflib",
                 "prefixes": {p: str(ns) for p, ns in sorted(PREFIXES.items())}}))
        if url.path == "/sparql":
            sparql.append(req.post_data)
            return route.fulfill(status=200, content_type="application/sparql-results+json",
                                 body=format_result(run(ds, "q", req.post_data), "json"))
        if url.path == "/graph":
            return route.fulfill(status=200, content_type="text/html; charset=utf-8", body=seeds_html.read_text(encoding="utf-8"))
        return route.fulfill(status=404, body="not found")

    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.route("**/*", handle)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield type("QueryPage", (), {"page": page, "base": base, "outside": outside, "sparql": sparql, "errors": errors})
    context.close()


def result_rows(p):
    return p.evaluate("[...document.querySelectorAll('#results tbody tr')].map(tr => [...tr.children].map(td => td.textContent))")


def test_query_page_default_example_counts_subclasses_and_iris_open_the_graph(query_page):
    p = query_page.page
    p.goto(query_page.base + "/")
    p.locator("#named option").nth(3).wait_for(state="attached")
    p.click("#run")
    p.locator("#results tbody tr").first.wait_for()
    rows = result_rows(p)
    assert len(rows) == 12, "every agreement, Treaty and Declaration included (the legend's 12)"
    assert ["Treaty on Conventional Armed Forces in Europe @en"] == [r[1] for r in rows if r[1].startswith("Treaty on Conv")]
    link = p.locator("#results tbody a.entity").first
    href = link.get_attribute("href")
    assert href.startswith("/graph#entity=agreement/") and "&focus=agreement/" in href
    SHOTS.mkdir(parents=True, exist_ok=True)
    p.screenshot(path=str(SHOTS / "15-query-page.png"))
    label = rows[0][1].rsplit(" @en", 1)[0]
    link.click()
    wait_until(p, "window.kgGraph && window.kgGraph.ready")
    wait_until(p, "document.querySelector('#panel h2.title') !== null")
    assert p.text_content("#panel h2.title") == label
    assert p.evaluate("window.kgGraph.state.focus !== null")
    assert query_page.outside == [] and query_page.errors == []


def test_query_page_share_link_sorting_and_paging(query_page):
    p = query_page.page
    p.goto(query_page.base + "/")
    p.locator("#named option").nth(3).wait_for(state="attached")
    text = "SELECT ?s ?n WHERE { ?s a kg:Evidence ; nif:beginIndex ?n } LIMIT 250"
    p.fill("#editor", text)
    p.click("#share")
    link = p.input_value("#share-link")
    assert link.startswith(query_page.base + "/?query=")
    # the link loads the query and runs it
    before = len(query_page.sparql)
    p.goto(link)
    p.locator("#results tbody tr").first.wait_for()
    assert p.input_value("#editor") == text and query_page.sparql[before:] == [text]
    assert p.text_content("#status").startswith("250 rows")
    # paged: 100 a page
    assert len(result_rows(p)) == 100 and "rows 1\u2013100 of 250" in p.text_content("#page-info")
    p.click("#next"); p.click("#next")
    assert len(result_rows(p)) == 50 and p.is_disabled("#next")
    p.click("#prev")
    assert "rows 101\u2013200 of 250" in p.text_content("#page-info")
    # sortable: numbers as numbers, both ways
    p.click("#results th:nth-child(2) button")
    assert p.get_attribute("#results th:nth-child(2)", "aria-sort") == "ascending"
    nums = [int(r[1].split()[0]) for r in result_rows(p)]
    assert nums == sorted(nums) and "rows 1\u2013100" in p.text_content("#page-info")
    p.click("#results th:nth-child(2) button")
    nums = [int(r[1].split()[0]) for r in result_rows(p)]
    assert nums == sorted(nums, reverse=True)
    assert query_page.outside == [] and query_page.errors == []


# ---------------------------------------------------------------- large graphs
def large_page(monkeypatch, tmp_path, pw, browser):
    """A 600-node synthetic graph's page with the large-graph thresholds lowered to 300."""
    import kg.viz
    from benchmark import synthetic_page_data

    monkeypatch.setattr(kg.viz, "LAYOUT_THRESHOLD", 300)
    monkeypatch.setattr(kg.viz, "START_FOCUSED_ABOVE", 300)
    data = synthetic_page_data(600, 900)
    path = tmp_path / "large.html"
    path.write_text(render(data), encoding="utf-8")
    return data, Page(pw, path.as_uri(), browser=browser)


def test_a_large_graph_opens_on_its_hub_and_moves_light(monkeypatch, tmp_path, pw, browser):
    """The large-graph settings, on a 600-node synthetic graph with the thresholds lowered (the
    5,000-node timings are benchmark.py's page section)."""
    data, page = large_page(monkeypatch, tmp_path, pw, browser)
    try:
        p = page.page
        hub = p.evaluate("window.kgGraph.info.start")
        visible = p.evaluate("window.kgGraph.visibleIds().length")
        assert 1 < visible < 600 and "Around" in p.text_content("#focus-info")
        degree = max(sum(1 for e in data.edges if n["id"] in (e["from"], e["to"])) for n in data.nodes)
        assert visible == 1 + len({e["from"] if e["to"] == hub else e["to"] for e in data.edges if hub in (e["from"], e["to"])})
        assert visible == degree + 1 or visible <= degree + 1
        p.click("#show-all")
        assert p.evaluate("window.kgGraph.visibleIds().length") == 600
        opts = p.evaluate("""(() => { const n = window.kgGraph.network, e = Object.values(n.body.edges)[0];
            const o = JSON.parse(document.getElementById('graph-data').textContent).options.interaction;
            return [e.options.smooth.enabled, o.hideEdgesOnZoom, o.hideEdgesOnDrag]; })()""")
        assert opts == [False, True, True], "straight edges, hidden while the view moves"
        # Fit all is immediate (no animation: each frame would draw every node)
        p.evaluate("window.kgGraph.network.moveTo({scale: 2, animation: false})")
        p.click("#fit")
        s1 = p.evaluate("window.kgGraph.network.getScale()")
        p.wait_for_timeout(150)
        assert s1 < 0.35 and p.evaluate("window.kgGraph.network.getScale()") == s1
        # arrow heads only when zoomed in far enough to see them
        arrows = "Object.values(window.kgGraph.network.body.edges)[0].options.arrows.to.enabled"
        wait_until(p, f"{arrows} === false", timeout=5)
        p.evaluate("window.kgGraph.network.moveTo({scale: 1, animation: false}); window.kgGraph.network.redraw()")
        wait_until(p, f"{arrows} === true", timeout=5)
        # indexed search: every key answers well under 50 ms
        person = f"Person {len(STYLE)}"  # the synthetic graph cycles through the classes
        worst = p.evaluate("""(q0) => { const box = document.getElementById('search'); let q = '', worst = 0;
            for (const ch of q0) { q += ch; box.value = q; const t = performance.now();
              box.dispatchEvent(new Event('input')); worst = Math.max(worst, performance.now() - t); }
            return worst; }""", person.lower())
        assert worst < 50
        assert p.evaluate(f"window.kgGraph.suggest('{person.lower()}', 3).map(h => h.name)")[0] == person
        assert page.errors == []
    finally:
        page.close()


def test_a_large_graph_draws_in_batches_and_stays_clickable(monkeypatch, tmp_path, pw, browser):
    """Level of detail above the large-graph threshold (lowered to 300 here): zoomed out, the
    nodes and edges are drawn in batched paths and the page still shows them; clicking a node
    still selects it, the selected node is drawn by vis-network; zoomed in, vis-network draws the
    nodes with their labels and the edge labels come in one pass. (The timings are benchmark.py's.)"""
    data, page = large_page(monkeypatch, tmp_path, pw, browser)
    try:
        p = page.page
        lod = "(() => { const g = window.kgGraph; g.network.renderer._redraw(); return [g.lod.nodes, g.lod.edges, g.lod.labels]; })()"
        # in focus mode (the hub's neighbourhood) vis-network draws everything itself
        assert p.evaluate(lod) == [0, 0, 0]
        p.click("#show-all")
        p.click("#fit")
        p.evaluate("window.kgGraph.network.moveTo({position: {x: 0, y: 0}, scale: 0.2, animation: false})")
        nodes, edges, labels = p.evaluate(lod)
        assert nodes > 300 and edges > 300 and labels == 0
        # the canvas shows them
        inked = p.evaluate("""(() => { const c = document.querySelector('#graph canvas'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++; return n; })()""")
        assert inked > 2000
        # a click on a batched node selects it; the selected node is drawn by vis-network
        hub = p.evaluate("window.kgGraph.info.start")
        xy = p.evaluate("""(id) => { const n = window.kgGraph.network, c = n.canvasToDOM(n.getPositions([id])[id]),
            r = document.getElementById('graph').getBoundingClientRect(); return [r.left + c.x, r.top + c.y]; }""", hub)
        p.mouse.click(*xy)
        assert p.text_content("#panel h2.title") == data.nodes[hub]["label"]
        assert p.evaluate(lod)[0] == nodes - 1
        # zoomed in on an edge's middle: vis-network draws the nodes, the edge labels come batched
        p.evaluate("window.kgGraph.clearSelection()")
        far = next(e for e in data.edges if hub not in (e["from"], e["to"]))
        p.evaluate("""(e) => { const n = window.kgGraph.network, pos = n.getPositions([e.from, e.to]);
            n.moveTo({position: {x: (pos[e.from].x + pos[e.to].x) / 2, y: (pos[e.from].y + pos[e.to].y) / 2}, scale: 1.5, animation: false}); }""", far)
        nodes, edges, labels = p.evaluate(lod)
        assert nodes == 0 and edges >= 1 and labels >= 1
        assert page.errors == []
    finally:
        page.close()


def test_the_seeds_page_is_drawn_by_vis_network_alone(seeds_page):
    """155 nodes are under the large-graph threshold: no batching, whatever the scale."""
    p = seeds_page.page
    for scale in (0.1, 1):
        assert p.evaluate(f"""(() => {{ const g = window.kgGraph; g.network.moveTo({{scale: {scale}, animation: false}});
            g.network.renderer._redraw(); return [g.lod.nodes, g.lod.edges, g.lod.labels]; }})()""") == [0, 0, 0]
    p.evaluate("window.kgGraph.network.fit({animation: false})")


def test_searching_a_hidden_node_brings_it_back(seeds_page):
    p = seeds_page.page
    p.evaluate("window.kgGraph.showAll(); window.kgGraph.hideNode(window.kgGraph.find('Brussels'))")
    assert p.evaluate("window.kgGraph.visibleIds().includes(window.kgGraph.find('Brussels'))") is False
    p.fill("#search", "Brussels")
    p.press("#search", "Enter")
    assert p.evaluate("window.kgGraph.visibleIds().includes(window.kgGraph.find('Brussels'))")
    assert p.text_content("#panel h2.title") == "Brussels"
    p.evaluate("window.kgGraph.focusOn(window.kgGraph.find('NRC')); window.kgGraph.hideNode(window.kgGraph.find('Lavrov'))")
    p.fill("#search", "Lavrov")
    p.press("#search", "Enter")
    assert "Around Sergey Lavrov" in p.text_content("#focus-info")
    assert p.evaluate("window.kgGraph.visibleIds().includes(window.kgGraph.find('Lavrov'))")
    p.evaluate("window.kgGraph.showAll(); window.kgGraph.clearSelection()")
