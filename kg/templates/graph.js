// The graph page: filters, search and the evidence panel. All text from the data is inserted
// with textContent (never innerHTML), so labels and quotes render literally.
(function () {
  "use strict";
  const DATA = JSON.parse(document.getElementById("graph-data").textContent);
  const info = DATA.info;
  const nodeInfo = new Map(info.nodes.map((n) => [n.id, n]));
  const edgeInfo = new Map(info.edges.map((e) => [e.id, e]));
  const docTitle = new Map(info.documents.map((d) => [d.id, d.title + (d.date ? " (" + d.date + ")" : "")]));
  const state = {
    classes: new Set(info.classes.map((c) => c.name)),
    docs: new Set(info.documents.map((d) => d.id)),
    y0: info.years[0], y1: info.years[1], undated: true,
  };

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function yearOk(years) {
    if (!years.length) return state.undated;
    return years.some((y) => y >= state.y0 && y <= state.y1);
  }
  function docsOk(docs) { return docs.some((d) => state.docs.has(d)); }
  function nodeVisible(id) {
    const n = nodeInfo.get(id);
    return state.classes.has(n.group) && docsOk(n.docs) && yearOk(n.years);
  }
  function edgeVisible(id) {
    const e = edgeInfo.get(id);
    return nodeVisible(e.from) && nodeVisible(e.to) && docsOk(e.docs) && yearOk(e.years);
  }

  const nodes = new vis.DataSet(DATA.nodes);
  const edges = new vis.DataSet(DATA.edges);
  const nodeView = new vis.DataView(nodes, { filter: (n) => nodeVisible(n.id) });
  const edgeView = new vis.DataView(edges, { filter: (e) => edgeVisible(e.id) });
  const container = document.getElementById("graph");
  const started = performance.now();
  const network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, DATA.options);
  window.kgGraph = { network, nodes, edges, nodeView, edgeView, state, info, ready: false, stableMs: null };

  // Keep every node where the layout put it (or where the user dragged it), so that nodes
  // hidden by a filter come back to the same place instead of a random one.
  function storePositions(ids) {
    const pos = network.getPositions(ids);
    nodes.update(Object.keys(pos).map((id) => ({ id: Number(id), x: pos[id].x, y: pos[id].y })));
  }
  // At "fit everything" a large graph's labels are too small to read: start no further out than
  // the scale at which a label is about 12 px; the Fit button shows everything.
  const fontSize = (DATA.options.nodes && DATA.options.nodes.font && DATA.options.nodes.font.size) || 14;
  const readableScale = 12 / fontSize;
  function readableView() {
    network.fit({ animation: false });
    if (network.getScale() < readableScale) network.moveTo({ scale: readableScale, animation: false });
  }
  document.getElementById("fit").addEventListener("click", () => network.fit({ animation: { duration: 300 } }));
  function markReady() {
    if (window.kgGraph.ready) return;
    network.setOptions({ physics: { enabled: false } });
    readableView();
    storePositions();
    window.kgGraph.stableMs = performance.now() - started;  // since the network was created
    window.kgGraph.readyAt = performance.now();  // since navigation started
    window.kgGraph.ready = true;
    document.body.dataset.ready = "true";
  }
  network.on("dragEnd", (p) => { if (p.nodes.length) storePositions(p.nodes); });
  if (DATA.options.physics && DATA.options.physics.enabled) {
    network.once("stabilizationIterationsDone", () => network.once("afterDrawing", markReady));
  } else {
    network.once("afterDrawing", markReady);
  }

  // ------------------------------------------------------------------ counts
  const counts = document.getElementById("counts");
  function updateCounts() {
    counts.textContent = nodeView.length + " of " + info.nodes.length + " entities, " +
      edgeView.length + " of " + info.edges.length + " relations";
  }
  function refresh() { nodeView.refresh(); edgeView.refresh(); updateCounts(); }

  // ------------------------------------------------------------------ class (legend) and document filters
  function checkboxList(listId, kind, items, selected, parts) {
    const list = document.getElementById(listId);
    items.forEach((item) => {
      const li = el("li");
      const label = el("label");
      const box = el("input");
      box.type = "checkbox"; box.checked = true; box.value = item.key; box.dataset.filter = kind;
      box.addEventListener("change", () => { box.checked ? selected.add(item.key) : selected.delete(item.key); refresh(); });
      label.append(box, ...parts(item));
      li.append(label); list.append(li);
    });
  }
  checkboxList("legend", "class", info.classes.map((c) => ({ key: c.name, c })), state.classes, ({ c }) => {
    const sw = el("span", null, "swatch"); sw.style.background = c.color;
    return [sw, el("span", c.name), el("span", c.count, "count")];
  });
  checkboxList("documents", "document", info.documents.map((d) => ({ key: d.id, d })), state.docs,
    ({ d }) => [el("span", (d.date ? d.date + " " : "") + d.title)]);

  // ------------------------------------------------------------------ year range
  const from = document.getElementById("year-from");
  const to = document.getElementById("year-to");
  const yearLabel = document.getElementById("year-label");
  [from, to].forEach((r) => { r.min = info.years[0]; r.max = info.years[1]; r.step = 1; });
  from.value = info.years[0]; to.value = info.years[1];
  function onYears() {
    let a = Number(from.value), b = Number(to.value);
    if (a > b) { if (this === from) { b = a; to.value = b; } else { a = b; from.value = a; } }
    state.y0 = a; state.y1 = b;
    yearLabel.textContent = a + "–" + b;
    refresh();
  }
  from.addEventListener("input", onYears); to.addEventListener("input", onYears);
  yearLabel.textContent = info.years[0] + "–" + info.years[1];
  if (!info.years[0]) {  // nothing in the graph is dated
    yearLabel.textContent = "(no dated facts)";
    from.disabled = true; to.disabled = true;
  }
  document.getElementById("undated").addEventListener("change", (ev) => { state.undated = ev.target.checked; refresh(); });

  // ------------------------------------------------------------------ search
  const names = document.getElementById("names");
  const index = [];
  info.nodes.forEach((n) => {
    [n.label].concat(n.aliases).forEach((name) => {
      index.push([name.toLowerCase(), n.id]);
      const opt = el("option"); opt.value = name; names.append(opt);
    });
  });
  const search = document.getElementById("search");
  const msg = document.getElementById("search-msg");
  function find(q) {
    q = q.trim().toLowerCase();
    if (!q) return null;
    for (const test of [(k) => k === q, (k) => k.startsWith(q), (k) => k.includes(q)]) {
      const hit = index.find(([k]) => test(k));
      if (hit) return hit[1];
    }
    return null;
  }
  let lastQuery = null;
  function go() {
    // Enter and the change event both arrive for one search: act once (two overlapping view
    // animations would leave vis-network's view stuck on the first target).
    if (search.value === lastQuery) return;
    lastQuery = search.value;
    const id = find(search.value);
    msg.textContent = "";
    if (id === null) { msg.textContent = "No entity named \u201c" + search.value + "\u201d"; return; }
    if (!nodeVisible(id)) { msg.textContent = nodeInfo.get(id).label + " is hidden by the filters"; return; }
    network.selectNodes([id]);
    network.focus(id, { scale: 1.4, locked: false, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    showNode(id);
  }
  search.addEventListener("change", go);
  search.addEventListener("input", () => { lastQuery = null; });
  search.addEventListener("keydown", (ev) => { if (ev.key === "Enter") go(); });

  // ------------------------------------------------------------------ evidence panel
  const panel = document.getElementById("panel");
  function evidenceBlock(ev) {
    const frag = document.createDocumentFragment();
    frag.append(el("blockquote", ev.quote, "quote"));
    frag.append(el("div", (docTitle.get(ev.doc) || ev.doc) + " \u00b7 rule " + ev.rule + " \u00b7 chars " + ev.start + "\u2013" + ev.end, "source"));
    return frag;
  }
  function factBlock(row) {
    const div = el("div", null, "fact");
    const t = el("div", row.s + " \u2014 " + row.p + " \u2014 " + row.o, "triple");
    if (row.mode !== "asserted") t.append(el("span", row.mode + ", not asserted", "mode"));
    div.append(t);
    row.evidence.forEach((ev) => div.append(evidenceBlock(ev)));
    if (row.more) div.append(el("div", "… and " + row.more + " more quotes (query the graph for all)", "source"));
    return div;
  }
  function showNode(id) {
    const n = nodeInfo.get(id);
    panel.replaceChildren();
    panel.append(el("h2", n.label, "title"));
    panel.append(el("p", n.cls, "cls"));
    if (n.aliases.length) panel.append(el("p", "Also: " + n.aliases.join(" \u00b7 "), "aliases"));
    if (n.comment) panel.append(el("p", n.comment, "meta"));
    if (n.dates.length) panel.append(el("p", "Date: " + n.dates.join(", "), "meta"));
    panel.append(el("p", "In: " + n.docs.map((d) => docTitle.get(d) || d).join("; "), "meta"));
    const rows = info.details[String(id)] || [];
    panel.append(el("h2", rows.length + " fact" + (rows.length === 1 ? "" : "s")));
    rows.forEach((r) => panel.append(factBlock(r)));
  }
  function showEdge(id) {
    const e = edgeInfo.get(id);
    panel.replaceChildren();
    panel.append(el("h2", nodeInfo.get(e.from).label + " \u2014 " + e.label + " \u2014 " + nodeInfo.get(e.to).label, "title"));
    panel.append(el("p", e.stance ? "Stated position" : "Relation", "cls"));
    const n = e.evidence.length + (e.more || 0);
    panel.append(el("h2", n + " piece" + (n === 1 ? "" : "s") + " of evidence"));
    e.evidence.forEach((ev) => { const d = el("div", null, "fact"); d.append(evidenceBlock(ev)); panel.append(d); });
    if (e.more) panel.append(el("p", "… and " + e.more + " more quotes (query the graph for all)", "source"));
  }
  network.on("click", (p) => {
    if (p.nodes.length) showNode(p.nodes[0]);
    else if (p.edges.length) showEdge(p.edges[0]);
  });
  // ------------------------------------------------------------------ timeline view
  const SVGNS = "http://www.w3.org/2000/svg";
  const COLOURS = { "verbal-cooperation": "#9ecae1", "material-cooperation": "#3182bd",
                    "verbal-conflict": "#fcae91", "material-conflict": "#de2d26" };
  function svgEl(tag, attrs, text) {
    const e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs).forEach((k) => e.setAttribute(k, attrs[k]));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  function drawBarometer() {
    const box = document.getElementById("barometer");
    box.replaceChildren();
    const rows = info.barometer || [];
    if (!rows.length) { box.append(el("p", "No coded interactions.", "hint")); return; }
    const years = rows.map((r) => r.year);
    const y0 = Math.min(...years), y1 = Math.max(...years);
    const dyads = [...new Set(rows.map((r) => r.dyad))].sort();
    const maxUp = Math.max(1, ...rows.map((r) => (r.counts["verbal-cooperation"] || 0) + (r.counts["material-cooperation"] || 0)));
    const maxDown = Math.max(1, ...rows.map((r) => (r.counts["verbal-conflict"] || 0) + (r.counts["material-conflict"] || 0)));
    const W = 46 * (y1 - y0 + 1) + 60, H = 190, unit = 140 / (maxUp + maxDown), axis = 25 + maxUp * unit;
    dyads.forEach((dyad) => {
      const svg = svgEl("svg", { width: W, height: H, role: "img", "aria-label": dyad + " barometer" });
      svg.append(svgEl("text", { x: 4, y: 14, "font-size": 12, "font-weight": 600 }, dyad));
      svg.append(svgEl("line", { x1: 40, x2: W - 10, y1: axis, y2: axis, stroke: "#333" }));
      for (let y = y0; y <= y1; y++) {
        const x = 45 + (y - y0) * 46;
        const c = (rows.find((r) => r.dyad === dyad && r.year === y) || { counts: {} }).counts;
        let up = axis, down = axis;
        ["verbal-cooperation", "material-cooperation"].forEach((k) => {
          const h = (c[k] || 0) * unit; up -= h;
          if (h) { const r = svgEl("rect", { x, y: up, width: 30, height: h, fill: COLOURS[k] }); r.append(svgEl("title", {}, k + ": " + c[k])); svg.append(r); }
        });
        ["verbal-conflict", "material-conflict"].forEach((k) => {
          const h = (c[k] || 0) * unit;
          if (h) { const r = svgEl("rect", { x, y: down, width: 30, height: h, fill: COLOURS[k] }); r.append(svgEl("title", {}, k + ": " + c[k])); svg.append(r); }
          down += h;
        });
        svg.append(svgEl("text", { x: x + 15, y: H - 4, "font-size": 10, "text-anchor": "middle" }, y));
      }
      box.append(svg);
    });
    const legend = el("p", null, "hint");
    Object.keys(COLOURS).forEach((k) => {
      const sw = el("span", null, "swatch"); sw.style.background = COLOURS[k];
      legend.append(sw, el("span", " " + k + "  "));
    });
    box.append(legend);
  }
  function drawPositions() {
    const body = document.querySelector("#positions tbody");
    body.replaceChildren();
    (info.positions || []).forEach((p) => {
      const tr = el("tr", null, p.changed ? "changed" : "");
      const cell = el("td");
      p.stated.forEach((s, i) => {
        if (i) cell.append(el("br"));
        const title = docTitle.get(s.doc) || s.doc;
        cell.append(el("span", (s.date || "undated") + "  " + s.stance + "  (" + (title.length > 50 ? title.slice(0, 48) + "…" : title) + ")"));
      });
      tr.append(el("td", p.holder), el("td", p.about), cell);
      body.append(tr);
    });
  }
  const toggle = document.getElementById("timeline-toggle");
  const timeline = document.getElementById("timeline");
  toggle.addEventListener("click", () => {
    const show = timeline.hidden;
    timeline.hidden = !show;
    container.style.display = show ? "none" : "";
    toggle.setAttribute("aria-expanded", String(show));
    if (show) { drawBarometer(); drawPositions(); } else { network.redraw(); }
  });

  window.kgGraph.showNode = showNode;
  window.kgGraph.find = find;
  updateCounts();
})();
