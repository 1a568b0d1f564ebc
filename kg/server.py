"""`nrkg serve`: a read-only SPARQL 1.1 Protocol endpoint, the graph page and a query page.

Starlette routes, served by uvicorn:
  /sparql     GET ?query=, POST form (query=), POST application/sparql-query
              SELECT/ASK answer as SPARQL JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE as Turtle,
              N-Triples or JSON-LD, chosen by the Accept header (JSON / Turtle by default).
  /           the query page (editor, the named queries, results table, download)
  /graph      the graph page (the same page `nrkg build` writes)
  /queries    the named queries as JSON

Hardening: every query is vetted before it runs (kg.query.check: no Update, SERVICE, FROM or
LOAD, so nothing is ever fetched); an update request gets 403; a malformed query gets 400 with
the parser's message; a body over the size limit gets 413. Queries run in worker processes
forked from the server, each holding the graph: a query past the time limit is ended by killing
its worker (Python cannot interrupt a running rdflib query any other way), the client gets 503,
and a fresh worker takes its place, so the server keeps answering. Results are capped at
--max-rows; the headers say the limit and whether it was reached. The server binds 127.0.0.1
and, when it does, only answers requests addressed to a loopback name (a web page elsewhere
cannot reach it by DNS rebinding); it sends no CORS headers unless --cors.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

from kg.errors import KGError, QueryError
from kg.graph import PREFIXES
from kg.query import GRAPH_TYPES, SELECT_TYPES, format_result, named_queries
from kg.sandbox import deny_network, die_with_parent, drop_inherited_sockets

TEMPLATES = Path(__file__).parent / "templates"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0      # seconds a query may run
    max_rows: int = 10_000     # solutions (or triples) returned at most
    max_body: int = 64 * 1024  # bytes of request body accepted
    workers: int = 2           # queries run at once
    queue_wait: float = 30.0   # seconds a request may wait for a free worker before 503 busy


# --- content negotiation ---------------------------------------------------------------

def _accepted(header: str) -> list[tuple[str, float]]:
    out = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if fields[0]:
            out.append((fields[0].lower(), q, -i))
    out.sort(key=lambda t: (-t[1], -t[2]))
    return [(m, q) for m, q, _ in out if q > 0]


def negotiate(header: str | None, offered: dict[str, str]) -> str | None:
    """The media type of `offered` the Accept header prefers (first offered for */*), or None."""
    if not header:
        return next(iter(offered))
    for media, _ in _accepted(header):
        if media in offered:
            return media
        if media in ("*/*", "application/*", "text/*"):
            major = media.split("/")[0]
            return next((m for m in offered if major == "*" or m.startswith(major + "/")), None) or (
                next(iter(offered)) if major == "*" else None)
    return None


# --- worker processes ------------------------------------------------------------------

def _worker_main(conn, store, max_rows: int, server_pid: int) -> None:
    # Walls first: die with the server, hold none of its sockets, and open no network socket
    # whatever a query makes the store attempt (kg.sandbox).
    die_with_parent(server_pid)
    drop_inherited_sockets(keep=conn.fileno())
    deny_network()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        signal.set_wakeup_fd(-1)
    except ValueError:
        pass
    while True:
        try:
            label, text, select_type, graph_type = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_answer(store, label, text, select_type, graph_type, max_rows))


def _answer(store, label, text, select_type, graph_type, max_rows) -> tuple:
    try:
        res = store.query(label, text)
    except QueryError as exc:
        return ("error", 400, str(exc))
    except Exception as exc:  # noqa: BLE001 - a store fault must not kill the worker
        return ("error", 500, f"{label}: the store failed ({type(exc).__name__}: {str(exc)[:200]})")
    media = graph_type if res.kind == "graph" else select_type
    if media is None:
        wanted = ", ".join(GRAPH_TYPES if res.kind == "graph" else SELECT_TYPES)
        return ("error", 406, f"{label}: cannot answer a {'CONSTRUCT/DESCRIBE' if res.kind == 'graph' else 'SELECT/ASK'} "
                              f"query in the requested Accept types; accepted: {wanted}")
    truncated = False
    if res.kind == "select" and len(res.rows) > max_rows:
        res.rows, truncated = res.rows[:max_rows], True
    elif res.kind == "graph" and len(res.graph) > max_rows:
        from rdflib import Graph

        kept = Graph()
        for t in sorted(res.graph)[:max_rows]:
            kept.add(t)
        res.graph, truncated = kept, True
    offered = GRAPH_TYPES if res.kind == "graph" else SELECT_TYPES
    body = format_result(res, offered[media]).encode("utf-8")
    return ("ok", media, body, truncated)


class QueryPool:
    """Worker processes forked with the store; a query past the time limit costs its worker."""

    def __init__(self, store, limits: Limits):
        self.store, self.limits = store, limits
        self.ctx = multiprocessing.get_context("fork")
        self.workers = [self._spawn() for _ in range(max(1, limits.workers))]
        self._idle: asyncio.Queue | None = None

    def _spawn(self):
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker_main, args=(child, self.store, self.limits.max_rows, os.getpid()),
                                daemon=True)
        proc.start()
        child.close()
        return proc, parent

    def idle(self) -> asyncio.Queue:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for w in self.workers:
                self._idle.put_nowait(w)
        return self._idle

    async def run(self, label: str, text: str, select_type, graph_type) -> tuple:
        loop = asyncio.get_running_loop()
        try:  # waiting for a worker is bounded on its own: the time limit is for running the query
            worker = await asyncio.wait_for(self.idle().get(), self.limits.queue_wait)
        except asyncio.TimeoutError:
            return ("error", 503, f"{label}: the server is busy; every worker has been running queries for "
                                  f"{self.limits.queue_wait:g} s. Try again shortly")
        deadline = loop.time() + self.limits.timeout
        proc, conn = worker
        done = loop.create_future()
        try:
            conn.send((label, text, select_type, graph_type))
            loop.add_reader(conn.fileno(), lambda: done.done() or done.set_result(None))
            try:
                await asyncio.wait_for(done, max(0.01, deadline - loop.time()))
            except asyncio.TimeoutError:
                loop.remove_reader(conn.fileno())
                self._replace(worker)
                return ("error", 503, f"{label}: the query ran past the time limit of {self.limits.timeout:g} s and was "
                                      "stopped; narrow it (LIMIT, more specific patterns) or raise --timeout")
            loop.remove_reader(conn.fileno())
            answer = conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            return ("error", 500, f"{label}: the query worker died; the server has started a new one")
        except asyncio.CancelledError:  # the client went away mid-query: that worker's answer is lost
            self._replace(worker)
            raise
        self.idle().put_nowait(worker)
        return answer

    def _replace(self, worker) -> None:
        proc, conn = worker
        proc.kill()
        proc.join()
        conn.close()
        fresh = self._spawn()
        self.workers = [fresh if w is worker else w for w in self.workers]
        self.idle().put_nowait(fresh)

    def close(self) -> None:
        for proc, conn in self.workers:
            conn.close()
            proc.kill()
            proc.join()
        self.workers = []


# --- the web application ---------------------------------------------------------------

class BodyTooLarge(Exception):
    pass


async def _read_body(request, limit: int) -> bytes:
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def make_app(store, limits: Limits = Limits(), *, graph_page: str | None = None, cors: bool = False,
             loopback_only: bool = True, pool: QueryPool | None = None, host: str = "127.0.0.1"):
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    pool = pool or QueryPool(store, limits)
    queries = [{"name": q.name, "summary": q.summary, "text": q.text} for q in named_queries().values()]
    page_csp = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")

    def error(status: int, message: str) -> Response:
        headers = {"Retry-After": "5"} if status == 503 else None
        return PlainTextResponse(message.splitlines()[0] + "\n", status_code=status, headers=headers)

    async def sparql(request):
        params = request.query_params
        query = None
        if len(request.url.query.encode()) > limits.max_body:
            return error(414, f"query string over {limits.max_body} bytes; POST the query instead")
        if len(params.getlist("query")) > 1:
            return error(400, "more than one query parameter; send exactly one query")
        if request.method in ("GET", "HEAD"):
            if "update" in params:
                return error(403, "SPARQL Update is not allowed: this endpoint is read-only")
            query = params.get("query")
            fields = params
        else:
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            try:
                body = await _read_body(request, limits.max_body)
            except BodyTooLarge:
                return error(413, f"request body over {limits.max_body} bytes; send a shorter query")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return error(400, "the request body is not UTF-8")
            if ctype == "application/sparql-update":
                return error(403, "SPARQL Update is not allowed: this endpoint is read-only")
            if ctype == "application/x-www-form-urlencoded":
                parsed_form = parse_qs(text, keep_blank_values=True)
                if len(parsed_form.get("query", [])) > 1 or ("query" in parsed_form and "query" in params):
                    return error(400, "more than one query parameter; send exactly one query")
                form = {k: v[0] for k, v in parsed_form.items()}
                if "update" in form:
                    return error(403, "SPARQL Update is not allowed: this endpoint is read-only")
                query, fields = form.get("query"), {**dict(params), **form}
            elif ctype == "application/sparql-query":
                query, fields = text, params
            else:
                return error(415, "POST a query as application/sparql-query or as a form "
                                  "(application/x-www-form-urlencoded, field query)")
        if any(k in fields for k in ("default-graph-uri", "named-graph-uri")):
            return error(400, "default-graph-uri / named-graph-uri are not supported: the dataset is fixed "
                              "(use GRAPH <iri> { } on the local named graphs)")
        if not query or not query.strip():
            return error(400, "no query: send ?query=... (GET), a form field query, or a application/sparql-query body")
        accept = request.headers.get("accept")
        answer = await pool.run("query", query, negotiate(accept, SELECT_TYPES), negotiate(accept, GRAPH_TYPES))
        if answer[0] == "error":
            return error(answer[1], answer[2])
        _, media, body, truncated = answer
        headers = {"X-Result-Limit": str(limits.max_rows), "Vary": "Accept"}
        if truncated:
            headers["X-Result-Truncated"] = "true"
        charset = "" if media.endswith("json") else "; charset=utf-8"
        return Response(body, headers=headers, media_type=media + charset)

    async def index(request):
        return HTMLResponse((TEMPLATES / "query.html").read_text(encoding="utf-8"),
                            headers={"Content-Security-Policy": page_csp})

    async def graph(request):
        if graph_page is None:
            return error(404, "no graph page: serve with --seeds, or run `nrkg build` so that graph.html lies beside --graph")
        return HTMLResponse(graph_page, headers={"X-Frame-Options": "DENY"})

    async def static(request):
        name = request.path_params["name"]
        media = {"query.js": "text/javascript", "query.css": "text/css"}.get(name)
        if media is None:
            return error(404, "not found")
        return Response((TEMPLATES / name).read_bytes(), media_type=media + "; charset=utf-8")

    async def named(request):
        return JSONResponse({"queries": queries, "limits": {"timeout": limits.timeout, "max_rows": limits.max_rows},
                             "store": store.name, "prefixes": {p: str(ns) for p, ns in sorted(PREFIXES.items())}})

    @asynccontextmanager
    async def lifespan(app):
        yield
        pool.close()

    async def security_headers(request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    middleware = []
    if loopback_only:
        # the loopback names, and the address actually bound (127.0.0.2 answers as 127.0.0.2)
        hosts = sorted({"127.0.0.1", "localhost", "::1", "[::1]", host, f"[{host}]" if ":" in host else host})
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=hosts))
    if cors:
        middleware.append(Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                                     allow_headers=["Content-Type", "Accept"],
                                     expose_headers=["X-Result-Limit", "X-Result-Truncated"]))
    from starlette.middleware.base import BaseHTTPMiddleware

    middleware.append(Middleware(BaseHTTPMiddleware, dispatch=security_headers))
    routes = [Route("/sparql", sparql, methods=["GET", "HEAD", "POST"]), Route("/", index), Route("/graph", graph),
              Route("/queries", named), Route("/static/{name}", static)]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


def serve(store, *, host: str = "127.0.0.1", port: int = 8000, limits: Limits = Limits(),
          graph_page: str | None = None, cors: bool = False, quiet: bool = False) -> None:
    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise KGError(f"cannot listen on {host}:{port} ({exc.strerror}); pick another --port or --host") from None
    sock.listen(128)
    sock.set_inheritable(True)
    loopback = host in LOOPBACK or host.startswith("127.")
    pool = QueryPool(store, limits)  # forked now, before the server starts any thread
    app = make_app(store, limits, graph_page=graph_page, cors=cors, loopback_only=loopback, pool=pool, host=host)
    real_port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{real_port}"
    print(f"SPARQL endpoint  {base}/sparql   ({store.name} store, {len(store)} triples)", flush=True)
    print(f"Query page       {base}/", flush=True)
    print(f"Graph page       {base}/graph", flush=True)
    print(f"Limits: {limits.timeout:g} s per query, {limits.max_rows} rows, {limits.max_body} bytes per request, "
          f"{limits.workers} worker{'s' if limits.workers != 1 else ''}. Read-only. Ctrl-C stops the server.", flush=True)
    if not loopback:
        print(f"nrkg: warning: listening on {host}, reachable from other machines; the endpoint has no authentication",
              file=sys.stderr, flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=not quiet, lifespan="on")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        pool.close()
        sock.close()
