// The graph page: drawers for narrow windows, filters, ranked search, focus mode (neighbourhood,
// expand, hide, back/forward), the evidence panel, the path tool, permalinks in the URL hash,
// export, the timeline. All text from the data is inserted with textContent (never innerHTML),
// so labels and quotes render literally. The page's CSP allows this script by its hash only.
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
    focus: null,  // focus mode: {roots: [node ids], depth: 1 | 2, expanded: [node ids]}; null shows everything
    hidden: new Set(),  // nodes the user hid
  };
  // Undirected adjacency: node id -> edge ids
  const adjEdges = new Map(info.nodes.map((n) => [n.id, []]));
  info.edges.forEach((e) => { adjEdges.get(e.from).push(e.id); if (e.to !== e.from) adjEdges.get(e.to).push(e.id); });
  function neighbours(id) { return adjEdges.get(id).map((eid) => { const e = edgeInfo.get(eid); return e.from === id ? e.to : e.from; }); }
  let focusSet = null;  // the nodes of the focus, or null for all
  function computeFocus() {
    if (!state.focus) return null;
    const seen = new Set(state.focus.roots);
    let frontier = [...state.focus.roots];
    for (let d = 0; d < state.focus.depth; d++) {
      const next = [];
      frontier.forEach((id) => neighbours(id).forEach((m) => { if (!seen.has(m)) { seen.add(m); next.push(m); } }));
      frontier = next;
    }
    state.focus.expanded.forEach((id) => { seen.add(id); neighbours(id).forEach((m) => seen.add(m)); });
    (state.focus.extra || []).forEach((id) => seen.add(id));  // entities added alone (a path's)
    return seen;
  }

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
  function filterOk(id) {  // the class, document and year filters
    const n = nodeInfo.get(id);
    return state.classes.has(n.group) && docsOk(n.docs) && yearOk(n.years);
  }
  function nodeVisible(id) { return filterOk(id) && !state.hidden.has(id) && (!focusSet || focusSet.has(id)); }
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
  // a large graph moves without animation: each frame of an animated fit would draw every node
  const LARGE = info.nodes.length > (info.large || 1500);
  document.getElementById("fit").addEventListener("click", () => network.fit({ animation: LARGE ? false : { duration: 300 } }));
  // ... and draws arrow heads only when zoomed in far enough to see them (they cost more than the lines)
  let arrowsOn = true;
  const ARROW_SCALE = 0.45;  // a head is then 3 px long
  function arrowsForScale() {
    if (!LARGE) return;
    const want = network.getScale() >= ARROW_SCALE;
    if (want !== arrowsOn) { arrowsOn = want; network.setOptions({ edges: { arrows: { to: { enabled: want, scaleFactor: 0.5 } } } }); }
  }
  network.on("zoom", arrowsForScale);
  network.on("animationFinished", arrowsForScale);
  network.on("afterDrawing", () => { if (LARGE && arrowsOn !== (network.getScale() >= ARROW_SCALE)) setTimeout(arrowsForScale, 0); });
  const readyHooks = [];
  function markReady() {
    if (window.kgGraph.ready) return;
    network.setOptions({ physics: { enabled: false } });
    readableView();
    storePositions();
    readyHooks.forEach((f) => f());
    window.kgGraph.stableMs = performance.now() - started;  // since the network was created
    window.kgGraph.readyAt = performance.now();  // since navigation started
    window.kgGraph.ready = true;
    document.body.dataset.ready = "true";
  }
  // Level of detail for a large graph (over info.large visible nodes). vis-network strokes each
  // edge with its own path, draws every edge and its label even off screen, and fades labels in
  // at small sizes (a faded label costs tens of times a plain one): a full frame of 5,000 nodes
  // and 7,500 edges took 70-85 ms at Fit all, and over a second at the scales where edge labels
  // fade in. Here edges off screen are skipped, the straight edges' lines go in one path per
  // colour (and dash), their labels are drawn only from the scale where they are plain and only
  // when their middle is on screen; below the scale where node labels show, the nodes go in one
  // path per colour, each keeping its class's shape. Selected and hovered elements, curved edges
  // and loops are drawn by vis-network as before; clicking, hovering and selecting are unchanged.
  const renderer = network.renderer;  // vis-network 9.1.2's (embedded, so it cannot change under us)
  const draw0 = { nodes: renderer._drawNodes, edges: renderer._drawEdges, arrows: renderer._drawArrows };
  const edgeFont = (DATA.options.edges && DATA.options.edges.font && DATA.options.edges.font.size) || 14;
  const EDGE_LABEL_SCALE = 5 / edgeFont;  // vis-network draws a label plainly from 5 px (drawThreshold), faded from 4 px
  // node labels start at 6 px (not 4 px, faded, as vis-network's): the many tiny labels of a
  // large graph cost more than the rest of the frame and cannot be read
  const NODE_LOD_SCALE = 6 / fontSize;
  const lodLarge = () => renderer.body.nodeIndices.length > (info.large || 1500);
  const lod = { nodes: 0, edges: 0, labels: 0 };  // what the last frame drew batched (for the tests)
  function viewRect(pad) {  // the visible canvas area in graph coordinates, pad screen pixels wider
    const cv = renderer.canvas, a = cv.DOMtoCanvas({ x: -pad, y: -pad });
    const b = cv.DOMtoCanvas({ x: cv.frame.canvas.clientWidth + pad, y: cv.frame.canvas.clientHeight + pad });
    return { left: a.x, top: a.y, right: b.x, bottom: b.y };
  }
  const straight = (e) => e.from !== e.to && !(e.options.smooth && e.options.smooth.enabled);
  const offView = (e, v) => Math.max(e.from.x, e.to.x) < v.left || Math.min(e.from.x, e.to.x) > v.right ||
    Math.max(e.from.y, e.to.y) < v.top || Math.min(e.from.y, e.to.y) > v.bottom;
  renderer._drawEdges = function (ctx) {
    lod.edges = lod.labels = 0;
    if (!lodLarge()) return draw0.edges.call(renderer, ctx);
    const scale = renderer.body.view.scale, v = viewRect(20), vl = viewRect(120), labels = scale >= EDGE_LABEL_SCALE;
    const all = renderer.body.edges, idx = renderer.body.edgeIndices, batches = new Map(), labelled = [], single = [];
    let width = 1;
    for (let i = 0; i < idx.length; i++) {
      const e = all[idx[i]];
      if (!e.connected || e.options.hidden) continue;
      const st = straight(e);
      if (st && offView(e, v)) continue;
      if (!st || e.selected || e.hover) { single.push(e); continue; }
      const key = e.options.color.color + (e.options.dashes ? "|dashed" : "");
      let b = batches.get(key);
      if (!b) batches.set(key, (b = []));
      b.push(e.from.x, e.from.y, e.to.x, e.to.y);
      width = e.options.width;
      if (labels && e.options.label !== undefined) {
        const mx = (e.from.x + e.to.x) / 2, my = (e.from.y + e.to.y) / 2;
        if (mx > vl.left && mx < vl.right && my > vl.top && my < vl.bottom) labelled.push(e);
      }
    }
    lod.labels = labelled.length;
    ctx.save();
    ctx.lineWidth = Math.max(width, 0.3 / scale);  // as vis-network: at least 0.3 px on screen
    batches.forEach((xy, key) => {
      ctx.beginPath();
      for (let i = 0; i < xy.length; i += 4) { ctx.moveTo(xy[i], xy[i + 1]); ctx.lineTo(xy[i + 2], xy[i + 3]); }
      lod.edges += xy.length / 4;
      ctx.strokeStyle = key.split("|")[0];
      const dashed = key.endsWith("|dashed");
      ctx.setLineDash(dashed ? [5, 5] : []);
      ctx.lineCap = dashed ? "round" : "butt";
      ctx.stroke();
    });
    ctx.restore();
    if (labelled.length) {  // the labels in one pass: the halos, then the text by colour (vis-network sets the font per label)
      const f = labelled[0].options.font;
      ctx.save();
      ctx.font = f.size + "px " + f.face;
      ctx.textAlign = "center"; ctx.textBaseline = "middle"; ctx.lineJoin = "round";
      const mid = (e) => [(e.from.x + e.to.x) / 2, (e.from.y + e.to.y) / 2];
      if (f.strokeWidth > 0) {
        ctx.lineWidth = f.strokeWidth; ctx.strokeStyle = f.strokeColor;
        labelled.forEach((e) => { const [x, y] = mid(e); ctx.strokeText(e.options.label, x, y); });
      }
      labelled.sort((a, b) => (a.options.font.color < b.options.font.color ? -1 : a.options.font.color > b.options.font.color ? 1 : 0));
      labelled.forEach((e) => { const [x, y] = mid(e); ctx.fillStyle = e.options.font.color; ctx.fillText(e.options.label, x, y); });
      ctx.restore();
    }
    single.forEach((e) => e.draw(ctx));
  };
  renderer._drawArrows = function (ctx) {
    if (!lodLarge()) return draw0.arrows.call(renderer, ctx);
    // a head sits at the end it points to: only the edges with such an end on screen
    const v = viewRect(40), all = renderer.body.edges, idx = renderer.body.edgeIndices;
    const near = (n) => n.x > v.left && n.x < v.right && n.y > v.top && n.y < v.bottom;
    for (let i = 0; i < idx.length; i++) {
      const e = all[idx[i]], a = e.options.arrows;
      if (e.connected && (!straight(e) || a.middle.enabled || (a.to.enabled && near(e.to)) || (a.from.enabled && near(e.from)))) e.drawArrows(ctx);
    }
  };
  const SHAPE_PATH = {  // the outlines of vis-network's shapes of the same name, radius r
    square: (c, x, y, r) => { c.rect(x - r, y - r, 2 * r, 2 * r); },
    diamond: (c, x, y, r) => { c.moveTo(x, y + r); c.lineTo(x + r, y); c.lineTo(x, y - r); c.lineTo(x - r, y); c.closePath(); },
    triangle: (c, x, y, r) => { const s = 2 * r, ir = Math.sqrt(3) / 6 * s, h = Math.sqrt(s * s - r * r);
      c.moveTo(x, y - (h - ir)); c.lineTo(x + r, y + ir); c.lineTo(x - r, y + ir); c.closePath(); },
    triangleDown: (c, x, y, r) => { const s = 2 * r, ir = Math.sqrt(3) / 6 * s, h = Math.sqrt(s * s - r * r);
      c.moveTo(x, y + (h - ir)); c.lineTo(x + r, y - ir); c.lineTo(x - r, y - ir); c.closePath(); },
    star: (c, x, y, r) => { r *= 0.82; y += 0.1 * r;
      for (let k = 0; k < 10; k++) { const rr = k % 2 ? r * 0.5 : r * 1.3, a = k * Math.PI / 5;
        (k ? c.lineTo : c.moveTo).call(c, x + rr * Math.sin(a), y - rr * Math.cos(a)); } c.closePath(); },
    hexagon: (c, x, y, r) => { c.moveTo(x + r, y); for (let k = 1; k < 6; k++) c.lineTo(x + r * Math.cos(k * Math.PI / 3), y + r * Math.sin(k * Math.PI / 3)); c.closePath(); },
    dot: (c, x, y, r) => { c.moveTo(x + r, y); c.arc(x, y, r, 0, 2 * Math.PI); },
  };
  renderer._drawNodes = function (ctx, always) {
    const scale = renderer.body.view.scale;
    lod.nodes = 0;
    if (!lodLarge() || scale >= NODE_LOD_SCALE) return draw0.nodes.call(renderer, ctx, always);
    const v = viewRect(20), all = renderer.body.nodes, idx = renderer.body.nodeIndices, batches = new Map(), later = [];
    let border = 1;
    for (let i = 0; i < idx.length; i++) {
      const n = all[idx[i]], o = n.options;
      if (n.hover || n.isSelected()) { later.push(n); continue; }
      if (o.hidden) continue;
      // what vis-network's click and hover tests read (drawing a node updates it)
      if (n.lodX !== n.x || n.lodY !== n.y) { n.updateBoundingBox(ctx, false); n.lodX = n.x; n.lodY = n.y; }
      const r = o.size;
      if (!always && (n.x + r < v.left || n.x - r > v.right || n.y + r < v.top || n.y - r > v.bottom)) continue;
      const key = o.color.background + "|" + o.color.border;
      let b = batches.get(key);
      if (!b) batches.set(key, (b = []));
      b.push(n);
      lod.nodes++;
      border = o.borderWidth;
    }
    ctx.save();
    batches.forEach((list, key) => {
      const [bg, bd] = key.split("|");
      ctx.beginPath();
      list.forEach((n) => (SHAPE_PATH[n.options.shape] || SHAPE_PATH.dot)(ctx, n.x, n.y, n.options.size));
      ctx.fillStyle = bg; ctx.fill();
      ctx.lineWidth = Math.min(2 * list[0].options.size, border / scale); ctx.strokeStyle = bd; ctx.stroke();
    });
    ctx.restore();
    const labels = [];
    later.sort((a, b) => (a.hover ? 1 : 0) - (b.hover ? 1 : 0)).forEach((n) => {  // selected, then hovered, as vis-network
      const d = n.draw(ctx);
      if (d && d.drawExternalLabel) labels.push(d.drawExternalLabel);
    });
    return { drawExternalLabels: () => labels.forEach((f) => f()) };
  };
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
  const afterRefresh = [];
  function refresh() { nodeView.refresh(); edgeView.refresh(); updateCounts(); afterRefresh.forEach((f) => f()); }

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
      const only = el("button", "only", "only"); only.type = "button"; only.title = "Show only this one"; only.dataset.only = item.key;
      only.addEventListener("click", () => setAll(false, item.key));
      li.append(label, only); list.append(li);
    });
    function setAll(on, except) {
      list.querySelectorAll("input[type=checkbox]").forEach((b) => {
        b.checked = on || b.value === except;
        b.checked ? selected.add(b.value) : selected.delete(b.value);
      });
      refresh();
    }
    const bar = el("div", null, "all-none");
    [["all", true], ["none", false]].forEach(([t, on]) => {
      const b = el("button", t); b.type = "button"; b.dataset.set = t; b.addEventListener("click", () => setAll(on)); bar.append(b);
    });
    list.before(bar);
  }
  checkboxList("legend", "class", info.classes.map((c) => ({ key: c.name, c })), state.classes, ({ c }) => {
    const sw = el("span", null, "swatch"); sw.style.background = c.color;
    const name = el("span", c.name); name.title = c.name;
    return [sw, name, el("span", c.count, "count")];
  });
  document.getElementById("doc-count").textContent = "(" + info.documents.length + ")";
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

  // ------------------------------------------------------------------ drawers (narrow windows)
  const narrow = window.matchMedia("(max-width: 999px)");
  function setDrawer(id, open) {
    document.getElementById(id).classList.toggle("open", open);
    document.getElementById(id + "-toggle").setAttribute("aria-expanded", String(open));
  }
  ["filters", "panel"].forEach((id) => {
    document.getElementById(id + "-toggle").addEventListener("click", () => {
      const open = !document.getElementById(id).classList.contains("open");
      if (open) setDrawer(id === "filters" ? "panel" : "filters", false);  // one drawer at a time
      setDrawer(id, open);
    });
  });
  document.querySelectorAll(".drawer-close").forEach((b) => b.addEventListener("click", () => setDrawer(b.dataset.close, false)));
  // the graph's canvas follows its box when the window or a column changes size
  if (window.ResizeObserver) new ResizeObserver(() => { network.setSize("100%", "100%"); network.redraw(); }).observe(container);

  // ------------------------------------------------------------------ search with ranked suggestions
  // Ranks: 0 exact label, 1 exact alias, 2 prefix, 3 a word starts with it, 4 substring; then the
  // shorter name, then the label. The lower-cased names are computed once (the index).
  function norm(s) { return s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim(); }
  const index = [];
  info.nodes.forEach((n) => {
    index.push({ k: norm(n.label), name: n.label, id: n.id, isLabel: true });
    n.aliases.forEach((a) => index.push({ k: norm(a), name: a, id: n.id, isLabel: false }));
  });
  // the index sorted by name: exact and prefix matches are one binary search away; the substring
  // scan runs only when they give fewer than `limit` entities
  const sortedIndex = index.slice().sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  function lowerBound(q) {
    let lo = 0, hi = sortedIndex.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (sortedIndex[mid].k < q) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function suggest(q, limit) {
    q = norm(q);
    limit = limit || 12;
    if (!q) return [];
    const best = new Map();
    function offer(it, r) {
      const cur = best.get(it.id);
      if (!cur || r < cur.rank || (r === cur.rank && (it.name.length < cur.name.length || (it.name.length === cur.name.length && it.isLabel && !cur.isLabel)))) best.set(it.id, { rank: r, id: it.id, name: it.name, isLabel: it.isLabel });
    }
    for (let i = lowerBound(q); i < sortedIndex.length && sortedIndex[i].k.startsWith(q); i++) {
      const it = sortedIndex[i];
      offer(it, it.k === q ? (it.isLabel ? 0 : 1) : 2);
    }
    if (best.size < limit) {
      for (const it of index) {
        const at = it.k.indexOf(q);
        if (at <= 0) continue;  // no match, or a prefix (seen above)
        offer(it, /[^a-z0-9]/.test(it.k[at - 1]) ? 3 : 4);
      }
    }
    const label = (id) => nodeInfo.get(id).label;
    return [...best.values()].sort((a, b) => a.rank - b.rank || a.name.length - b.name.length ||
      (label(a.id) < label(b.id) ? -1 : label(a.id) > label(b.id) ? 1 : a.id - b.id)).slice(0, limit);
  }
  function find(q) { const s = suggest(q, 1); return s.length ? s[0].id : null; }
  const search = document.getElementById("search");
  const list = document.getElementById("suggestions");
  const msg = document.getElementById("search-msg");
  let hits = [], active = -1;
  function closeList() { list.hidden = true; list.replaceChildren(); hits = []; active = -1; search.setAttribute("aria-expanded", "false"); search.removeAttribute("aria-activedescendant"); }
  function markActive() {
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
    if (active >= 0) { search.setAttribute("aria-activedescendant", "sugg-" + active); list.children[active].scrollIntoView({ block: "nearest" }); }
  }
  function openList() {
    hits = suggest(search.value, 12);
    list.replaceChildren();
    msg.textContent = "";
    if (!hits.length) { closeList(); if (search.value.trim()) msg.textContent = "No entity named \u201c" + search.value.trim() + "\u201d"; return; }
    hits.forEach((h, i) => {
      const n = nodeInfo.get(h.id);
      const li = el("li", null, filterOk(h.id) ? "" : "hidden-node");
      li.id = "sugg-" + i; li.setAttribute("role", "option"); li.dataset.id = h.id;
      const sw = el("span", null, "swatch"); sw.style.background = n.color;
      li.append(sw, el("span", n.label, "name"));
      if (!h.isLabel && norm(h.name) !== norm(n.label)) li.append(el("span", "(" + h.name + ")", "alias"));
      li.append(el("span", n.cls + (filterOk(h.id) ? "" : ", hidden by filters"), "cls"));
      li.addEventListener("mousedown", (ev) => { ev.preventDefault(); choose(h.id); });
      list.append(li);
    });
    active = 0; list.hidden = false; search.setAttribute("aria-expanded", "true"); markActive();
  }
  function choose(id) {
    closeList();
    const n = nodeInfo.get(id);
    search.value = n.label;
    msg.textContent = "";
    if (!filterOk(id)) { msg.textContent = n.label + " is hidden by the filters"; return; }
    reveal(id);
    selectNode(id, true);
  }
  search.addEventListener("input", openList);
  search.addEventListener("focus", () => { if (search.value.trim()) openList(); });
  search.addEventListener("blur", closeList);  // leaving the box never runs a search
  search.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      if (list.hidden) { openList(); return; }
      active = (active + (ev.key === "ArrowDown" ? 1 : hits.length - 1)) % hits.length;
      markActive();
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      if (list.hidden) openList();
      if (hits.length) choose(hits[Math.max(active, 0)].id);
    } else if (ev.key === "Escape") {
      closeList();
    }
  });

  // ------------------------------------------------------------------ selection and the evidence panel
  const panel = document.getElementById("panel");
  const panelBody = document.getElementById("panel-body");
  let selected = null;  // {kind: "node" | "edge", id}
  function selectNode(id, centre) {
    network.selectNodes([id]);
    if (centre) network.focus(id, { scale: Math.max(network.getScale(), 1.2), locked: false, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    showNode(id);
    if (narrow.matches && centre) setDrawer("panel", true);
  }
  function clearSelection() {
    selected = null;
    network.unselectAll();
    setDim(null);
    panelBody.replaceChildren(el("p", "Select a node or an edge.", "hint"));
    document.getElementById("panel-toggle").classList.remove("has-selection");
  }
  function hideTooltips() { container.querySelectorAll("div.vis-tooltip").forEach((t) => { t.style.visibility = "hidden"; }); }
  function evidenceBlock(ev) {
    const frag = document.createDocumentFragment();
    frag.append(el("blockquote", ev.quote, "quote"));
    frag.append(el("div", (docTitle.get(ev.doc) || ev.doc) + " \u00b7 rule " + ev.rule + " \u00b7 chars " + ev.start + "\u2013" + ev.end, "source"));
    return frag;
  }
  // An entity's name as a link that selects it (in focus mode, outside the focus: focus on it)
  function entityLink(id, text, self) {
    if (id === null || id === undefined || id === self) return el("span", text, self === id ? "self" : "");
    const b = el("button", text, "entity-link");
    b.type = "button"; b.dataset.id = id; b.title = nodeInfo.get(id).cls;
    b.addEventListener("click", () => {
      if (!filterOk(id)) { showNode(id); network.unselectAll(); return; }  // hidden by the filters: its facts still show
      reveal(id);
      selectNode(id, true);
    });
    return b;
  }
  const QUOTES_SHOWN = 2;
  function factBlock(row, self) {
    const div = el("div", null, "fact");
    const t = el("div", null, "triple");
    t.append(entityLink(row.si, row.s, self), el("span", " \u2014 " + row.p + " \u2014 "), entityLink(row.oi, row.o, self));
    if (row.mode !== "asserted") t.append(el("span", row.mode + ", not asserted", "mode"));
    div.append(t);
    row.evidence.slice(0, QUOTES_SHOWN).forEach((ev) => div.append(evidenceBlock(ev)));
    if (row.evidence.length > QUOTES_SHOWN) {
      const more = el("details", null, "more-quotes");
      more.append(el("summary", (row.evidence.length - QUOTES_SHOWN) + " more quote" + (row.evidence.length - QUOTES_SHOWN === 1 ? "" : "s")));
      row.evidence.slice(QUOTES_SHOWN).forEach((ev) => more.append(evidenceBlock(ev)));
      div.append(more);
    }
    if (row.more) div.append(el("div", "… and " + row.more + " more quotes (query the graph for all)", "source"));
    return div;
  }
  const DOCS_SHOWN = 3, GROUP_OPEN = 4;
  function docList(docs) {
    const p = el("div", null, "meta docs");
    const names = docs.map((d) => docTitle.get(d) || d);
    p.append(el("span", "In " + docs.length + " document" + (docs.length === 1 ? "" : "s") + ": " + names.slice(0, DOCS_SHOWN).join("; ")));
    if (names.length > DOCS_SHOWN) {
      const more = el("details", null, "more-docs");
      more.append(el("summary", "and " + (names.length - DOCS_SHOWN) + " more"));
      const ul = el("ul");
      names.slice(DOCS_SHOWN).forEach((t) => ul.append(el("li", t)));
      more.append(ul);
      p.append(more);
    }
    return p;
  }
  function showNode(id) {
    const n = nodeInfo.get(id);
    selected = { kind: "node", id };
    setDim(id);
    document.getElementById("panel-toggle").classList.add("has-selection");
    panelBody.replaceChildren();
    panelBody.append(el("h2", n.label, "title"));
    panelBody.append(el("p", n.cls, "cls"));
    const tools = el("div", null, "node-tools");
    [["Focus", "Show only this entity and its neighbours (focus mode)", () => { focusOn(id); selectNode(id, false); }],
     ["Expand", "Add this entity's neighbours to the view (or double-click the node)", () => expand(id)],
     ["Hide", "Hide this entity (key H or Delete when the graph has the focus)", () => hideNode(id)]].forEach(([t, title, f]) => {
      const b = el("button", t); b.type = "button"; b.title = title; b.dataset.action = t.toLowerCase(); b.addEventListener("click", f); tools.append(b);
    });
    panelBody.append(tools);
    if (n.aliases.length) panelBody.append(el("p", "Also: " + n.aliases.join(" \u00b7 "), "aliases"));
    if (n.comment) panelBody.append(el("p", n.comment, "meta"));
    if (n.dates.length) panelBody.append(el("p", "Date: " + n.dates.join(", "), "meta"));
    panelBody.append(docList(n.docs));
    const rows = info.details[String(id)] || [];
    panelBody.append(el("h2", rows.length + " fact" + (rows.length === 1 ? "" : "s")));
    // grouped by relation, largest group first; long groups start collapsed
    const groups = new Map();
    rows.forEach((r) => { if (!groups.has(r.p)) groups.set(r.p, []); groups.get(r.p).push(r); });
    [...groups.entries()].sort((x, y) => y[1].length - x[1].length || (x[0] < y[0] ? -1 : 1)).forEach(([p, list]) => {
      const g = el("details", null, "group");
      g.dataset.relation = p;
      g.open = list.length <= GROUP_OPEN && rows.length <= 20 || groups.size === 1;
      const sum = el("summary");
      sum.append(el("span", p, "rel"), el("span", String(list.length), "n"));
      g.append(sum);
      list.forEach((r) => g.append(factBlock(r, id)));
      panelBody.append(g);
    });
    panel.scrollTop = 0;
  }
  function showEdge(id) {
    const e = edgeInfo.get(id);
    selected = { kind: "edge", id };
    setDim(null);
    document.getElementById("panel-toggle").classList.add("has-selection");
    panelBody.replaceChildren();
    panelBody.append(el("h2", nodeInfo.get(e.from).label + " \u2014 " + e.label + " \u2014 " + nodeInfo.get(e.to).label, "title"));
    const ends = el("p", null, "ends");
    ends.append(entityLink(e.from, nodeInfo.get(e.from).label), el("span", " \u2192 "), entityLink(e.to, nodeInfo.get(e.to).label));
    panelBody.append(ends);
    panelBody.append(el("p", e.stance ? "Stated position" : "Relation", "cls"));
    const n = e.evidence.length + (e.more || 0);
    panelBody.append(el("h2", n + " piece" + (n === 1 ? "" : "s") + " of evidence"));
    e.evidence.forEach((ev) => { const d = el("div", null, "fact"); d.append(evidenceBlock(ev)); panelBody.append(d); });
    if (e.more) panelBody.append(el("p", "… and " + e.more + " more quotes (query the graph for all)", "source"));
    panel.scrollTop = 0;
  }
  network.on("click", (p) => {
    if (p.nodes.length) showNode(p.nodes[0]);
    else if (p.edges.length) showEdge(p.edges[0]);
    else clearSelection();  // empty canvas
  });
  network.on("dragStart", hideTooltips);
  network.on("zoom", hideTooltips);
  container.addEventListener("mouseleave", hideTooltips);
  // after a filter change: the selection may be gone, and a tooltip may point at nothing
  afterRefresh.push(() => {
    hideTooltips();
    if (selected && selected.kind === "path") return;
    if (selected && !(selected.kind === "node" ? nodeVisible(selected.id) : edgeVisible(selected.id))) clearSelection();
    else if (selected && selected.kind === "node") setDim(selected.id);  // newly shown nodes dim too
  });

  // ------------------------------------------------------------------ dimming outside the selection's neighbourhood
  const FADED_NODE = { background: "#eceef0", border: "#d5d9dd" };
  let dimN = new Set(), dimE = new Set();
  function setDim(centre) {
    const keepN = new Set(), keepE = new Set();
    if (centre !== null) {
      keepN.add(centre);
      adjEdges.get(centre).forEach((eid) => { keepE.add(eid); const e = edgeInfo.get(eid); keepN.add(e.from); keepN.add(e.to); });
    }
    setDimKeep(centre === null ? null : keepN, keepE);
  }
  const DIM_MAX = 1500;  // above this many visible nodes, restyling them all would take most of a second
  function setDimKeep(keepN, keepE) {  // dim every visible node and edge outside keepN / keepE (null: dim nothing)
    if (keepN !== null && nodeView.length > DIM_MAX) keepN = null;
    const wantN = new Set(keepN === null ? [] : nodeView.getIds().filter((id) => !keepN.has(id)));
    const wantE = new Set(keepN === null ? [] : edgeView.getIds().filter((id) => !keepE.has(id)));
    const nu = [], eu = [];
    wantN.forEach((id) => { if (!dimN.has(id)) nu.push({ id, color: FADED_NODE, font: { color: "#b9bfc5" } }); });
    dimN.forEach((id) => { if (!wantN.has(id)) nu.push({ id, color: nodeInfo.get(id).color, font: { color: "#343434" } }); });
    wantE.forEach((id) => { if (!dimE.has(id)) eu.push({ id, color: { color: "#e6e9ec", highlight: "#222" }, font: { color: "#d3d7db" } }); });
    dimE.forEach((id) => { if (!wantE.has(id)) eu.push({ id, color: { color: "#9aa3ad", highlight: "#222" }, font: { color: "#444" } }); });
    dimN = wantN; dimE = wantE;
    if (nu.length) nodes.update(nu);
    if (eu.length) edges.update(eu);
  }

  // ------------------------------------------------------------------ focus mode, hiding, back/forward
  const hist = { stack: [], at: -1 };
  function snapshot() {
    return { focus: state.focus && { roots: [...state.focus.roots], depth: state.focus.depth, expanded: [...state.focus.expanded], extra: [...(state.focus.extra || [])] },
             hidden: [...state.hidden].sort((a, b) => a - b) };
  }
  function restore(s) {
    state.focus = s.focus && { roots: [...s.focus.roots], depth: s.focus.depth, expanded: [...s.focus.expanded], extra: [...(s.focus.extra || [])] };
    state.hidden = new Set(s.hidden);
  }
  function applyFocus(fit) {
    focusSet = computeFocus();
    refresh();
    updateFocusUi();
    if (fit && nodeView.length) network.fit({ nodes: nodeView.getIds(), animation: false });
  }
  function record(fit) {  // a new step of the exploration
    hist.stack = hist.stack.slice(0, hist.at + 1);
    hist.stack.push(snapshot());
    hist.at = hist.stack.length - 1;
    applyFocus(fit);
  }
  function go(step) {
    const at = hist.at + step;
    if (at < 0 || at >= hist.stack.length) return;
    hist.at = at;
    restore(hist.stack[at]);
    applyFocus(true);
  }
  const depthSel = document.getElementById("depth");
  function focusOn(id, depth) {
    state.focus = { roots: [id], depth: depth || Number(depthSel.value) || 1, expanded: [], extra: [] };
    record(true);
  }
  function expand(id) {
    if (!state.focus) { focusOn(id); return; }
    if (!state.focus.expanded.includes(id) && !state.focus.roots.includes(id)) state.focus.expanded.push(id);
    else if (state.focus.roots.includes(id) && state.focus.depth < 2) state.focus.depth += 1;
    record(true);  // the new neighbours may lie outside the view
  }
  function reveal(id) {  // bring a node the filters allow into view: unhide it, or move the focus to it
    if (nodeVisible(id)) return;
    state.hidden.delete(id);
    if (state.focus && !computeFocus().has(id)) focusOn(id); else record(false);
  }
  function hideNode(id) {
    state.hidden.add(id);
    if (state.focus) { state.focus.expanded = state.focus.expanded.filter((x) => x !== id); }
    record(false);
  }
  function showAll() { state.focus = null; state.hidden = new Set(); record(true); }
  function updateFocusUi() {
    document.getElementById("back").disabled = hist.at <= 0;
    document.getElementById("forward").disabled = hist.at >= hist.stack.length - 1;
    document.getElementById("show-all").disabled = !state.focus && !state.hidden.size;
    const f = document.getElementById("focus-info");
    if (state.focus) {
      depthSel.value = String(state.focus.depth);
      f.textContent = "Around " + state.focus.roots.map((id) => nodeInfo.get(id).label).join(", ") +
        (state.focus.expanded.length ? " + " + state.focus.expanded.length + " expanded" : "") +
        (state.hidden.size ? " \u00b7 " + state.hidden.size + " hidden" : "");
    } else {
      f.textContent = state.hidden.size ? state.hidden.size + " hidden" : "";
    }
  }
  depthSel.addEventListener("change", () => {
    if (state.focus) { state.focus.depth = Number(depthSel.value); record(true); }
  });
  document.getElementById("back").addEventListener("click", () => go(-1));
  document.getElementById("forward").addEventListener("click", () => go(1));
  document.getElementById("show-all").addEventListener("click", showAll);
  document.getElementById("start").addEventListener("click", () => {
    const id = selected && selected.kind === "node" ? selected.id : info.start;
    if (id !== null && id !== undefined) { focusOn(id); selectNode(id, false); }
  });
  network.on("doubleClick", (p) => { if (p.nodes.length) { expand(p.nodes[0]); showNode(p.nodes[0]); network.selectNodes([p.nodes[0]]); } });
  // keys on the graph (it has the focus once clicked or tabbed to): H or Delete hides the selected node
  container.addEventListener("keydown", (ev) => {
    if ((ev.key === "h" || ev.key === "H" || ev.key === "Delete") && selected && selected.kind === "node") {
      const id = selected.id; clearSelection(); hideNode(id);
    }
  });
  // right-click menu on a node
  const menu = el("div");  // made here: vis-network empties its container when it starts
  menu.id = "node-menu"; menu.setAttribute("role", "menu"); menu.hidden = true;
  container.append(menu);
  function closeMenu() { menu.hidden = true; }
  network.on("oncontext", (p) => {
    p.event.preventDefault();
    const id = network.getNodeAt(p.pointer.DOM);
    if (id === undefined) { closeMenu(); return; }
    menu.replaceChildren();
    [["Focus", () => { focusOn(id); selectNode(id, false); }], ["Expand", () => expand(id)],
     ["Hide", () => { if (selected && selected.id === id) clearSelection(); hideNode(id); }]].forEach(([t, f]) => {
      const b = el("button", t); b.type = "button"; b.setAttribute("role", "menuitem"); b.dataset.action = t.toLowerCase();
      b.addEventListener("click", () => { closeMenu(); f(); });
      menu.append(b);
    });
    menu.style.left = p.pointer.DOM.x + "px"; menu.style.top = p.pointer.DOM.y + "px";
    menu.hidden = false;
  });
  network.on("click", closeMenu);
  network.on("dragStart", closeMenu);
  document.addEventListener("keydown", (ev) => { if (ev.key === "Escape") closeMenu(); });


  // ------------------------------------------------------------------ path tool: shortest connections between two entities
  // Over the whole graph, edges taken both ways, as `nrkg path` (kg.analysis.paths) does.
  function shortestPaths(a, b, limit) {
    if (a === b) return [[a]];
    const dist = new Map([[a, 0]]), preds = new Map([[a, []]]);
    let frontier = [a];
    while (frontier.length && !dist.has(b)) {
      const next = [];
      frontier.forEach((x) => neighbours(x).forEach((y) => {
        if (!dist.has(y)) { dist.set(y, dist.get(x) + 1); preds.set(y, [x]); next.push(y); }
        else if (dist.get(y) === dist.get(x) + 1 && !preds.get(y).includes(x)) preds.get(y).push(x);
      }));
      frontier = next;
    }
    if (!dist.has(b)) return [];
    const out = [];
    (function walk(node, tail) {
      if (out.length >= limit) return;
      if (node === a) { out.push([a].concat(tail)); return; }
      preds.get(node).slice().sort((x, y) => x - y).forEach((p) => walk(p, [node].concat(tail)));
    })(b, []);
    return out;
  }
  function edgesBetween(x, y) { return adjEdges.get(x).filter((eid) => { const e = edgeInfo.get(eid); return (e.from === x && e.to === y) || (e.from === y && e.to === x); }); }
  const PATH_LIMIT = 5;
  function pathField(labelText, id) {
    const wrap = el("label", null, "path-field");
    wrap.append(el("span", labelText));
    const input = el("input"); input.type = "text"; input.autocomplete = "off"; input.spellcheck = false; input.id = id;
    input.placeholder = "name or alias";
    const hint = el("span", "", "path-match"); hint.id = id + "-match";
    input.addEventListener("input", () => {
      const hit = suggest(input.value, 1)[0];
      input.dataset.id = hit ? hit.id : "";
      hint.textContent = hit ? "\u2192 " + nodeInfo.get(hit.id).label + " (" + nodeInfo.get(hit.id).cls + ")" : (input.value.trim() ? "no match" : "");
    });
    wrap.append(input, hint);
    return wrap;
  }
  function showPathTool(fromId) {
    selected = { kind: "path" };
    setDim(null);
    panelBody.replaceChildren(el("h2", "Path between two entities", "title"));
    panelBody.append(el("p", "The shortest connections between two entities over the whole graph, each step with its evidence (as nrkg path).", "hint"));
    const form = el("form", null, "path-form");
    form.append(pathField("From", "path-from"), pathField("To", "path-to"));
    const go = el("button", "Find paths"); go.type = "submit"; go.id = "path-go";
    form.append(go);
    const result = el("div"); result.id = "path-result";
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const a = form.querySelector("#path-from").dataset.id, b = form.querySelector("#path-to").dataset.id;
      if (!a || !b) { result.replaceChildren(el("p", "Choose two entities.", "hint")); return; }
      showPaths(Number(a), Number(b), result);
    });
    panelBody.append(form, result);
    if (fromId !== undefined && fromId !== null) {
      const f = form.querySelector("#path-from"); f.value = nodeInfo.get(fromId).label; f.dispatchEvent(new Event("input"));
      form.querySelector("#path-to").focus();
    } else form.querySelector("#path-from").focus();
    if (narrow.matches) setDrawer("panel", true);
  }
  function showPaths(a, b, box) {
    const found = shortestPaths(a, b, PATH_LIMIT);
    box.replaceChildren();
    const la = nodeInfo.get(a).label, lb = nodeInfo.get(b).label;
    if (!found.length) { box.append(el("p", "No connection between " + la + " and " + lb + " in the graph.", "path-none")); return; }
    const onPath = new Set(), pathEdges = new Set();
    found.forEach((p, i) => {
      p.forEach((id) => onPath.add(id));
      const div = el("div", null, "path");
      const hops = p.length - 1;
      div.append(el("h3", "Path " + (i + 1) + " (" + hops + " hop" + (hops !== 1 ? "s" : "") + "): " + p.map((id) => nodeInfo.get(id).label).join(" \u2192 "), "path-title"));
      for (let k = 0; k + 1 < p.length; k++) {
        edgesBetween(p[k], p[k + 1]).forEach((eid) => {
          pathEdges.add(eid);
          const e = edgeInfo.get(eid);
          const hop = el("div", null, "fact hop");
          const t = el("div", null, "triple");
          t.append(entityLink(e.from, nodeInfo.get(e.from).label), el("span", " \u2014 " + e.label + " \u2014 "), entityLink(e.to, nodeInfo.get(e.to).label));
          hop.append(t);
          if (e.evidence.length) hop.append(evidenceBlock(e.evidence[0]));
          div.append(hop);
        });
      }
      box.append(div);
    });
    if (found.length >= PATH_LIMIT) box.append(el("p", "The first " + PATH_LIMIT + " shortest paths; `nrkg path --limit N` lists more.", "hint"));
    // show the paths: their entities join the view, everything else dims
    const missing = [...onPath].filter((id) => filterOk(id) && !nodeVisible(id));
    if (missing.length) {
      missing.forEach((id) => state.hidden.delete(id));
      if (state.focus) state.focus.extra = (state.focus.extra || []).concat(missing.filter((id) => !computeFocus().has(id)));
      record(false);
    }
    const blocked = [...onPath].filter((id) => !filterOk(id));
    if (blocked.length) box.prepend(el("p", blocked.length + " of the path's entities are hidden by the filters.", "hint"));
    setDimKeep(onPath, pathEdges);
    network.setSelection({ nodes: [...onPath].filter(nodeVisible), edges: [...pathEdges].filter(edgeVisible) }, { highlightEdges: false });
    network.fit({ nodes: [...onPath].filter(nodeVisible), animation: { duration: 300 } });
  }
  document.getElementById("path-tool").addEventListener("click", () => showPathTool(selected && selected.kind === "node" ? selected.id : null));
  // ------------------------------------------------------------------ permalinks: the URL hash carries the state
  // #entity=<key>&focus=<keys>&depth=1&expanded=<keys>&hidden=<keys>&noclass=<classes>&docs=<ids>|nodocs=<ids>
  //  &years=<from>-<to>&undated=0&view=<x>,<y>,<scale>; an entity's key is its IRI after /id/.
  const keyOf = (id) => nodeInfo.get(id).iri.replace(/^.*?\/id\//, "");
  const byKey = new Map(info.nodes.map((n) => [keyOf(n.id), n.id]));
  const keys = (ids) => ids.map(keyOf).join(",");
  const ids = (text) => (text || "").split(",").filter((k) => byKey.has(k)).map((k) => byKey.get(k));
  function stateHash() {
    const h = new URLSearchParams();
    if (selected && selected.kind === "node") h.set("entity", keyOf(selected.id));
    if (state.focus) {
      h.set("focus", keys(state.focus.roots)); h.set("depth", state.focus.depth);
      if (state.focus.expanded.length) h.set("expanded", keys(state.focus.expanded));
      if ((state.focus.extra || []).length) h.set("extra", keys(state.focus.extra));
    }
    if (state.hidden.size) h.set("hidden", keys([...state.hidden].sort((a, b) => a - b)));
    const noClass = info.classes.map((c) => c.name).filter((c) => !state.classes.has(c));
    if (noClass.length) h.set("noclass", noClass.join(","));
    const off = info.documents.map((d) => d.id).filter((d) => !state.docs.has(d));
    if (off.length) {
      const on = info.documents.map((d) => d.id).filter((d) => state.docs.has(d));
      if (on.length < off.length) h.set("docs", on.join(",")); else h.set("nodocs", off.join(","));
    }
    if (info.years[0] && (state.y0 !== info.years[0] || state.y1 !== info.years[1])) h.set("years", state.y0 + "-" + state.y1);
    if (!state.undated) h.set("undated", "0");
    const c = network.getViewPosition();
    h.set("view", [c.x.toFixed(1), c.y.toFixed(1), network.getScale().toFixed(4)].join(","));
    return h.toString().replace(/%2C/g, ",").replace(/%2F/g, "/");
  }
  let hashTimer = null;
  function saveHash() {
    if (!window.kgGraph.ready) return;
    clearTimeout(hashTimer);
    hashTimer = setTimeout(() => { history.replaceState(null, "", "#" + stateHash()); }, 200);
  }
  function applyHash(text) {
    const h = new URLSearchParams(text.replace(/^#/, ""));
    if (![...h.keys()].length) return false;
    const noClass = (h.get("noclass") || "").split(",");
    state.classes.clear(); info.classes.forEach((c) => { if (!noClass.includes(c.name)) state.classes.add(c.name); });
    const allDocs = info.documents.map((d) => d.id);
    const only = h.has("docs") ? new Set(h.get("docs").split(",")) : null, off = new Set((h.get("nodocs") || "").split(","));
    state.docs.clear(); allDocs.forEach((d) => { if (only ? only.has(d) : !off.has(d)) state.docs.add(d); });
    document.querySelectorAll("input[data-filter=class]").forEach((b) => { b.checked = state.classes.has(b.value); });
    document.querySelectorAll("input[data-filter=document]").forEach((b) => { b.checked = state.docs.has(b.value); });
    const ys = /^(\d+)-(\d+)$/.exec(h.get("years") || "");
    state.y0 = ys ? Number(ys[1]) : info.years[0]; state.y1 = ys ? Number(ys[2]) : info.years[1];
    from.value = state.y0; to.value = state.y1;
    if (info.years[0]) yearLabel.textContent = state.y0 + "\u2013" + state.y1;
    state.undated = h.get("undated") !== "0";
    document.getElementById("undated").checked = state.undated;
    const roots = ids(h.get("focus"));
    state.focus = roots.length ? { roots, depth: h.get("depth") === "2" ? 2 : 1, expanded: ids(h.get("expanded")), extra: ids(h.get("extra")) } : null;
    state.hidden = new Set(ids(h.get("hidden")));
    hist.stack = hist.stack.slice(0, hist.at + 1); hist.stack.push(snapshot()); hist.at = hist.stack.length - 1;
    applyFocus(false);
    const ent = ids(h.get("entity"));
    if (ent.length && nodeVisible(ent[0])) { network.selectNodes([ent[0]]); showNode(ent[0]); } else clearSelection();
    const v = (h.get("view") || "").split(",").map(Number);
    if (v.length === 3 && v.every(Number.isFinite) && v[2] > 0) network.moveTo({ position: { x: v[0], y: v[1] }, scale: v[2], animation: false });
    return true;
  }
  readyHooks.push(() => { if (location.hash) applyHash(location.hash); });
  window.addEventListener("hashchange", () => applyHash(location.hash));
  ["zoom", "dragEnd", "animationFinished", "click", "doubleClick"].forEach((ev) => network.on(ev, saveHash));
  afterRefresh.push(saveHash);

  // ------------------------------------------------------------------ export: PNG and SVG of the view, CSV of what is visible
  function download(name, blob) {
    const a = el("a");
    a.href = URL.createObjectURL(blob); a.download = name;
    document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }
  function exportPng() {
    const src = container.querySelector("canvas");
    const out = document.createElement("canvas");
    out.width = src.width; out.height = src.height;
    const ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, out.width, out.height); ctx.drawImage(src, 0, 0);
    out.toBlob((b) => download("graph.png", b), "image/png");
  }
  function svgOfView() {
    const NS = "http://www.w3.org/2000/svg";
    const r = container.getBoundingClientRect(), W = Math.round(r.width), H = Math.round(r.height), scale = network.getScale();
    const mk = (tag, attrs, text) => { const e = document.createElementNS(NS, tag); Object.keys(attrs).forEach((k) => e.setAttribute(k, attrs[k])); if (text !== undefined) e.textContent = String(text); return e; };
    const svg = mk("svg", { xmlns: NS, width: W, height: H, viewBox: "0 0 " + W + " " + H, "font-family": "sans-serif" });
    svg.append(mk("rect", { width: W, height: H, fill: "#ffffff" }));
    const ids = nodeView.getIds(), pos = network.getPositions(ids), at = {};
    ids.forEach((id) => { at[id] = network.canvasToDOM(pos[id]); });
    const round = (x) => Math.round(x * 10) / 10;
    const ge = mk("g", { stroke: "#9aa3ad", "stroke-width": 1, fill: "none" });
    edgeView.get().forEach((e) => {
      const a = at[e.from], b = at[e.to];
      const line = mk("line", { x1: round(a.x), y1: round(a.y), x2: round(b.x), y2: round(b.y) });
      if (e.dashes) line.setAttribute("stroke-dasharray", "5 4");
      line.append(mk("title", {}, nodeInfo.get(e.from).label + " \u2014 " + e.label + " \u2014 " + nodeInfo.get(e.to).label));
      ge.append(line);
      if (scale > 0.5) ge.append(mk("text", { x: round((a.x + b.x) / 2), y: round((a.y + b.y) / 2), "font-size": 9, fill: "#444", stroke: "none", "text-anchor": "middle" }, e.label));
    });
    svg.append(ge);
    const gn = mk("g", {});
    ids.forEach((id) => {
      const n = nodeInfo.get(id), p = at[id], rad = Math.max(3, 14 * scale);
      gn.append(mk("circle", { cx: round(p.x), cy: round(p.y), r: round(rad), fill: n.color, stroke: "#333", "stroke-width": 0.5 }));
      gn.append(mk("text", { x: round(p.x), y: round(p.y + rad + 14 * Math.min(1, Math.max(scale, 0.6))), "font-size": round(Math.max(8, 16 * scale)), "text-anchor": "middle", fill: "#222" }, n.label));
    });
    svg.append(gn);
    return new XMLSerializer().serializeToString(svg);
  }
  function csvCell(v) {
    let t = String(v === undefined || v === null ? "" : v);
    if (/^[=+\-@\t\r]/.test(t)) t = "'" + t;  // a spreadsheet would run it as a formula
    return '"' + t.replace(/"/g, '""') + '"';
  }
  function csv(rows) { return rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n"; }
  function nodesCsv() {
    return csv([["id", "iri", "label", "class", "group", "aliases", "years", "documents"]].concat(
      nodeView.getIds().sort((a, b) => a - b).map((id) => { const n = nodeInfo.get(id); return [id, n.iri, n.label, n.cls, n.group, n.aliases.join("; "), n.years.join(" "), n.docs.join(" ")]; })));
  }
  function edgesCsv() {
    return csv([["id", "from", "from_label", "relation", "to", "to_label", "stance", "years", "documents", "evidence"]].concat(
      edgeView.getIds().sort((a, b) => a - b).map((id) => { const e = edgeInfo.get(id);
        return [id, nodeInfo.get(e.from).iri, nodeInfo.get(e.from).label, e.label, nodeInfo.get(e.to).iri, nodeInfo.get(e.to).label,
                e.stance ? "yes" : "", e.years.join(" "), e.docs.join(" "), e.evidence.length + (e.more || 0)]; })));
  }
  document.getElementById("export-png").addEventListener("click", exportPng);
  document.getElementById("export-svg").addEventListener("click", () => download("graph.svg", new Blob([svgOfView()], { type: "image/svg+xml" })));
  document.getElementById("export-nodes").addEventListener("click", () => download("nodes.csv", new Blob([nodesCsv()], { type: "text/csv" })));
  document.getElementById("export-edges").addEventListener("click", () => download("edges.csv", new Blob([edgesCsv()], { type: "text/csv" })));
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
  const SERIES = { "verbal-cooperation": "Verbal cooperation", "material-cooperation": "Material cooperation",
                  "verbal-conflict": "Verbal conflict", "material-conflict": "Material conflict" };
  const UP = ["verbal-cooperation", "material-cooperation"], DOWN = ["verbal-conflict", "material-conflict"];
  const docYear = new Map(info.documents.map((d) => [d.id, d.date ? Number(d.date.slice(0, 4)) : null]));
  function inYears(y) { return y === null || y === undefined || Number.isNaN(y) ? state.undated : y >= state.y0 && y <= state.y1; }
  function niceStep(max) { const raw = max / 4, p = Math.pow(10, Math.floor(Math.log10(raw || 1))); return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) || raw; }
  // Stacked bars per year: cooperation up, conflict down; drawn to the column's width, with a value
  // axis; only the interactions of the checked documents and the chosen years are counted.
  function drawBarometer() {
    const box = document.getElementById("barometer");
    box.replaceChildren();
    const all = info.barometer || [];
    if (!all.length) { box.append(el("p", "No coded interactions.", "hint")); return; }
    const rows = all.filter((r) => state.docs.has(r.doc) && inYears(r.year));
    const dyads = [...new Map(all.map((r) => [r.dyad, r.name || r.dyad])).entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1));
    const years = all.map((r) => r.year);
    const y0 = Math.max(Math.min(...years), info.years[0] || -Infinity), y1 = Math.min(Math.max(...years), info.years[1] || Infinity);
    const sum = new Map();  // dyad|year -> counts
    rows.forEach((r) => {
      const k = r.dyad + "|" + r.year, c = sum.get(k) || {};
      Object.keys(r.counts).forEach((cls) => { c[cls] = (c[cls] || 0) + r.counts[cls]; });
      sum.set(k, c);
    });
    const tot = (c, keys) => keys.reduce((t, k) => t + (c[k] || 0), 0);
    const maxUp = Math.max(1, ...[...sum.values()].map((c) => tot(c, UP)));
    const maxDown = Math.max(1, ...[...sum.values()].map((c) => tot(c, DOWN)));
    const W = Math.max(260, Math.floor(box.clientWidth || 600)), H = 200, left = 40, right = 8, top = 26, bottom = 22;
    const n = Math.max(1, y1 - y0 + 1), slot = (W - left - right) / n, bw = Math.max(2, Math.min(34, slot * 0.7));
    const unit = (H - top - bottom) / (maxUp + maxDown), axis = top + maxUp * unit;
    const labelEvery = Math.ceil(34 / slot);
    if (!rows.length) box.append(el("p", "No coded interactions in the documents and years chosen.", "hint"));
    dyads.forEach(([dyad, name]) => {
      const svg = svgEl("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": name + " barometer" });
      svg.dataset.dyad = dyad;
      svg.append(svgEl("text", { x: left, y: 14, "font-size": 13, "font-weight": 600 }, name));
      // value axis: ticks above (cooperation) and below (conflict) the zero line
      const step = niceStep(Math.max(maxUp, maxDown));
      for (let v = 0; v <= maxUp; v += step) {
        const y = axis - v * unit;
        svg.append(svgEl("line", { x1: left, x2: W - right, y1: y, y2: y, stroke: v ? "#e6e9ec" : "#333" }));
        svg.append(svgEl("text", { x: left - 4, y: y + 3, "font-size": 10, "text-anchor": "end", fill: "#4a5560", class: "tick" }, v));
      }
      for (let v = step; v <= maxDown; v += step) {
        const y = axis + v * unit;
        svg.append(svgEl("line", { x1: left, x2: W - right, y1: y, y2: y, stroke: "#e6e9ec" }));
        svg.append(svgEl("text", { x: left - 4, y: y + 3, "font-size": 10, "text-anchor": "end", fill: "#4a5560", class: "tick" }, "\u2212" + v));
      }
      svg.append(svgEl("line", { x1: left, x2: left, y1: top - 4, y2: H - bottom, stroke: "#9aa3ad" }));
      for (let y = y0; y <= y1; y++) {
        const x = left + (y - y0) * slot + (slot - bw) / 2;
        const c = sum.get(dyad + "|" + y) || {};
        let up = axis, down = axis;
        UP.forEach((k) => {
          const h = (c[k] || 0) * unit; up -= h;
          if (h) { const r = svgEl("rect", { x, y: up, width: bw, height: h, fill: COLOURS[k], "data-cls": k, "data-year": y, "data-n": c[k] }); r.append(svgEl("title", {}, y + " \u00b7 " + SERIES[k] + ": " + c[k])); svg.append(r); }
        });
        DOWN.forEach((k) => {
          const h = (c[k] || 0) * unit;
          if (h) { const r = svgEl("rect", { x, y: down, width: bw, height: h, fill: COLOURS[k], "data-cls": k, "data-year": y, "data-n": c[k] }); r.append(svgEl("title", {}, y + " \u00b7 " + SERIES[k] + ": " + c[k])); svg.append(r); }
          down += h;
        });
        if ((y - y0) % labelEvery === 0) svg.append(svgEl("text", { x: x + bw / 2, y: H - 6, "font-size": 10, "text-anchor": "middle", class: "year" }, y));
      }
      box.append(svg);
    });
    const legend = el("p", null, "hint legend");
    Object.keys(COLOURS).forEach((k) => {
      const sw = el("span", null, "swatch"); sw.style.background = COLOURS[k];
      const item = el("span", null, "item"); item.append(sw, el("span", " " + SERIES[k] + (UP.includes(k) ? " (up)" : " (down)")));
      legend.append(item);
    });
    box.append(legend);
  }
  const labelToId = new Map();
  info.nodes.forEach((n) => { if (!labelToId.has(n.label)) labelToId.set(n.label, n.id); });
  function stanceEdge(holder, about, stance) {
    const h = labelToId.get(holder), a = labelToId.get(about);
    if (h === undefined || a === undefined) return null;
    const e = info.edges.find((e) => e.stance && e.from === h && e.to === a && e.label === stance);
    return e ? e.id : null;
  }
  function drawPositions() {
    const body = document.querySelector("#positions tbody");
    body.replaceChildren();
    let shown = 0;
    (info.positions || []).forEach((p) => {
      const stated = p.stated.filter((s) => state.docs.has(s.doc) && inYears(s.date ? Number(s.date.slice(0, 4)) : docYear.get(s.doc)));
      if (!stated.length) return;
      shown++;
      const tr = el("tr", null, p.changed ? "changed" : "");
      const cell = el("td");
      stated.forEach((s, i) => {
        if (i) cell.append(el("br"));
        const title = docTitle.get(s.doc) || s.doc;
        const text = (s.date || "undated") + "  " + s.stance + "  (" + (title.length > 50 ? title.slice(0, 48) + "…" : title) + ")";
        const eid = stanceEdge(p.holder, p.about, s.stance);
        if (eid === null) { cell.append(el("span", text)); return; }
        const b = el("button", text, "stance-link"); b.type = "button"; b.dataset.edge = eid; b.title = "Show the evidence";
        b.addEventListener("click", () => { showEdge(eid); if (narrow.matches) setDrawer("panel", true); });
        cell.append(b);
      });
      const holder = el("td"), about = el("td");
      holder.append(entityLink(labelToId.get(p.holder), p.holder)); about.append(entityLink(labelToId.get(p.about), p.about));
      tr.append(holder, about, cell);
      body.append(tr);
    });
    if (!shown) { const tr = el("tr"); const td = el("td", "No stated positions in the documents and years chosen.", "hint"); td.colSpan = 3; tr.append(td); body.append(tr); }
  }
  function drawTimeline() { drawBarometer(); drawPositions(); }
  afterRefresh.push(() => { if (!document.getElementById("timeline").hidden) drawTimeline(); });
  if (window.ResizeObserver) {
    let lastW = 0;
    new ResizeObserver(() => {
      const w = document.getElementById("barometer").clientWidth;
      if (!document.getElementById("timeline").hidden && Math.abs(w - lastW) > 4) { lastW = w; drawBarometer(); }
    }).observe(document.getElementById("timeline"));
  }
  const toggle = document.getElementById("timeline-toggle");
  const timeline = document.getElementById("timeline");
  toggle.addEventListener("click", () => {
    const show = timeline.hidden;
    timeline.hidden = !show;
    document.getElementById("graph-wrap").style.display = show ? "none" : "";
    toggle.setAttribute("aria-expanded", String(show));
    if (show) drawTimeline(); else network.redraw();
  });

  Object.assign(window.kgGraph, { showNode, showEdge, find, suggest, selectNode, clearSelection, refresh,
    focusOn, expand, hideNode, showAll, back: () => go(-1), forward: () => go(1), hist, visibleIds: () => nodeView.getIds(),
    stateHash, applyHash, svgOfView, lod, nodesCsv, edgesCsv, shortestPaths, showPathTool });
  hist.stack.push(snapshot()); hist.at = 0;
  if (info.startFocused && info.start !== null) { state.focus = { roots: [info.start], depth: 1, expanded: [], extra: [] }; hist.stack[0] = snapshot(); focusSet = computeFocus(); refresh(); }
  updateFocusUi();
  updateCounts();
})();
