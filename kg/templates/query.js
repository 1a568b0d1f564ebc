// The query page: pick a named query or write one, run it against /sparql, show the table,
// download the result in any SPARQL format. Every value is inserted as text, never as HTML.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const editor = $("editor"), named = $("named"), status = $("status");
  let queries = [];
  const PREFIXES = [];

  function short(iri) {
    for (const [p, ns] of PREFIXES) if (iri.startsWith(ns)) return p + ":" + iri.slice(ns.length);
    return iri;
  }

  function post(accept) {
    return fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", "Accept": accept },
      body: editor.value,
    });
  }

  function clear() {
    table = null; $("pager").hidden = true;
    $("error").hidden = true; $("notice").hidden = true; $("graph-result").hidden = true;
    $("results").querySelector("thead").replaceChildren();
    $("results").querySelector("tbody").replaceChildren();
  }

  // An entity of the graph opens in the graph page, focused on it (its key is the IRI after /id/)
  const ENTITY = "https://w3id.org/nato-russia-kg/id/";
  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri" && term.value.startsWith(ENTITY) && !term.value.startsWith(ENTITY + "graph/")) {
      const key = term.value.slice(ENTITY.length);
      const a = document.createElement("a");
      a.className = "entity";
      a.href = "/graph#entity=" + encodeURIComponent(key).replace(/%2F/g, "/") + "&focus=" + encodeURIComponent(key).replace(/%2F/g, "/");
      a.textContent = short(term.value);
      a.title = term.value + " (open in the graph page)";
      td.appendChild(a);
    } else if (term.type === "uri") {
      td.textContent = short(term.value);
      td.title = term.value;
    } else {
      td.textContent = term.value;
      if (term["xml:lang"] || term.datatype) {
        const dt = document.createElement("span");
        dt.className = "dt";
        dt.textContent = " " + (term["xml:lang"] ? "@" + term["xml:lang"] : short(term.datatype));
        td.appendChild(dt);
      }
    }
    return td;
  }

  async function run() {
    clear();
    status.textContent = "running…";
    const t0 = performance.now();
    let resp;
    try {
      resp = await post("application/sparql-results+json, text/turtle;q=0.9");
    } catch (e) {
      status.textContent = "";
      $("error").textContent = "The server did not answer: " + e;
      $("error").hidden = false;
      return;
    }
    const ms = Math.round(performance.now() - t0);
    const text = await resp.text();
    if (!resp.ok) {
      status.textContent = `HTTP ${resp.status} in ${ms} ms`;
      $("error").textContent = text;
      $("error").hidden = false;
      return;
    }
    const type = (resp.headers.get("Content-Type") || "").split(";")[0];
    if (resp.headers.get("X-Result-Truncated") === "true") {
      $("notice").textContent = `Only the first ${resp.headers.get("X-Result-Limit")} results are shown: the server caps results. Add LIMIT/OFFSET or narrow the query.`;
      $("notice").hidden = false;
    }
    if (type === "text/turtle") {
      $("graph-result").textContent = text;
      $("graph-result").hidden = false;
      status.textContent = `graph result in ${ms} ms`;
      return;
    }
    const data = JSON.parse(text);
    if ("boolean" in data) {
      status.textContent = `ASK answered ${data.boolean} in ${ms} ms`;
      return;
    }
    const vars = data.head.vars, rows = data.results.bindings;
    table = { vars, rows: rows.slice(), sortBy: null, desc: false, page: 0 };
    draw();
    status.textContent = `${rows.length} row${rows.length === 1 ? "" : "s"} in ${ms} ms`;
  }

  // ---------------------------------------------------------------- results: sortable by any column, paged
  const PAGE = 100;
  let table = null;
  const NUMERIC = /#(integer|decimal|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger|negativeInteger|nonPositiveInteger|unsigned\w+)$/;
  function sortKey(term) {
    if (!term) return [2, ""];
    if (term.datatype && NUMERIC.test(term.datatype) && term.value.trim() !== "" && !Number.isNaN(Number(term.value))) return [0, Number(term.value)];
    return [1, term.type === "uri" ? short(term.value) : term.value];
  }
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  function compare(a, b) {
    const x = sortKey(a), y = sortKey(b);
    if (x[0] !== y[0]) return x[0] - y[0];
    return x[0] === 0 ? x[1] - y[1] : collator.compare(x[1], y[1]);
  }
  function sortBy(v) {
    if (table.sortBy === v) table.desc = !table.desc; else { table.sortBy = v; table.desc = false; }
    const sign = table.desc ? -1 : 1;
    const keyed = table.rows.map((r, i) => [r, i]);
    keyed.sort((p, q) => {
      const empty = (p[0][v] ? 0 : 1) - (q[0][v] ? 0 : 1);  // empty cells last either way
      return empty || sign * compare(p[0][v], q[0][v]) || p[1] - q[1];
    });
    table.rows = keyed.map((k) => k[0]);
    table.page = 0;
    draw();
  }
  function draw() {
    const head = $("results").querySelector("thead"), body = $("results").querySelector("tbody");
    head.replaceChildren(); body.replaceChildren();
    const tr = document.createElement("tr");
    for (const v of table.vars) {
      const th = document.createElement("th");
      const b = document.createElement("button");
      b.type = "button"; b.className = "sort"; b.textContent = v; b.title = "Sort by " + v;
      b.addEventListener("click", () => sortBy(v));
      th.appendChild(b);
      th.setAttribute("aria-sort", table.sortBy === v ? (table.desc ? "descending" : "ascending") : "none");
      tr.appendChild(th);
    }
    head.appendChild(tr);
    const pages = Math.max(1, Math.ceil(table.rows.length / PAGE));
    table.page = Math.min(table.page, pages - 1);
    const first = table.page * PAGE, shown = table.rows.slice(first, first + PAGE);
    for (const row of shown) {
      const r = document.createElement("tr");
      for (const v of table.vars) r.appendChild(cell(row[v]));
      body.appendChild(r);
    }
    $("pager").hidden = table.rows.length <= PAGE;
    $("page-info").textContent = `rows ${table.rows.length ? first + 1 : 0}\u2013${first + shown.length} of ${table.rows.length} (page ${table.page + 1} of ${pages})`;
    $("prev").disabled = table.page === 0;
    $("next").disabled = table.page >= pages - 1;
  }
  $("prev").addEventListener("click", () => { if (table && table.page > 0) { table.page--; draw(); } });
  $("next").addEventListener("click", () => { if (table) { table.page++; draw(); } });

  // ---------------------------------------------------------------- share link: ?query=... loads and runs
  function shareLink() {
    const url = location.origin + location.pathname + "?query=" + encodeURIComponent(editor.value);
    history.replaceState(null, "", "?query=" + encodeURIComponent(editor.value));
    const box = $("share-link");
    box.value = url; box.hidden = false; box.focus(); box.select();
    if (navigator.clipboard) navigator.clipboard.writeText(url).then(() => { status.textContent = "link copied"; }, () => {});
  }

  async function download() {
    const accept = $("download-format").value;
    const resp = await post(accept);
    const text = await resp.text();
    if (!resp.ok) { clear(); $("error").textContent = text; $("error").hidden = false; return; }
    const ext = { "text/csv": "csv", "text/tab-separated-values": "tsv", "application/sparql-results+json": "srj",
      "application/sparql-results+xml": "srx", "text/turtle": "ttl", "application/n-triples": "nt",
      "application/ld+json": "jsonld" }[accept];
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: accept }));
    a.download = (named.value || "query") + "." + ext;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  named.addEventListener("change", () => {
    const q = queries.find((x) => x.name === named.value);
    $("summary").textContent = q ? q.summary : "";
    if (q) editor.value = q.text;
  });
  editor.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); } });
  $("run").addEventListener("click", run);
  $("download").addEventListener("click", download);
  $("share").addEventListener("click", shareLink);
  const shared = new URLSearchParams(location.search).get("query");
  if (shared) editor.value = shared;

  fetch("/queries").then((r) => r.json()).then((data) => {
    queries = data.queries;
    for (const [p, ns] of Object.entries(data.prefixes || {})) PREFIXES.push([p, ns]);
    PREFIXES.sort((a, b) => b[1].length - a[1].length);
    $("store").textContent = `${data.store} store, ${data.limits.timeout} s and ${data.limits.max_rows} rows per query`;
    for (const q of queries) {
      const o = document.createElement("option");
      o.value = q.name;
      o.textContent = q.name + ": " + q.summary;
      named.appendChild(o);
    }
    if (shared) run();  // a shared link runs its query once the prefixes are known
  });
})();
