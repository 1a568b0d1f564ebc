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
    $("error").hidden = true; $("notice").hidden = true; $("graph-result").hidden = true;
    $("results").querySelector("thead").replaceChildren();
    $("results").querySelector("tbody").replaceChildren();
  }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
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
    const tr = document.createElement("tr");
    for (const v of vars) { const th = document.createElement("th"); th.textContent = v; tr.appendChild(th); }
    $("results").querySelector("thead").appendChild(tr);
    const body = $("results").querySelector("tbody");
    for (const row of rows) {
      const r = document.createElement("tr");
      for (const v of vars) r.appendChild(cell(row[v]));
      body.appendChild(r);
    }
    status.textContent = `${rows.length} row${rows.length === 1 ? "" : "s"} in ${ms} ms`;
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
  });
})();
