"""`nrkg serve`: a read-only SPARQL 1.1 Protocol endpoint, the graph page and a query page.

Starlette routes, served by uvicorn:
  /sparql     GET ?query=, POST form (query=), POST application/sparql-query
              SELECT/ASK answer as SPARQL JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE as Turtle,
              N-Triples, JSON-LD, RDF/XML, N-Quads or TriG, chosen by the Accept header (JSON /
              Turtle by default).
  /           the query page (editor, the named queries, results table, download)
  /graph      the graph page (the same page `nrkg build` writes)
  /queries    the named queries as JSON

Hardening: every query is vetted before it runs (kg.query.check: no Update, SERVICE, FROM or
LOAD, so nothing is ever fetched); an update request gets 403; a malformed query gets 400 with
the parser's message; a body over the size limit gets 413. Queries run in worker processes
forked from the server, each holding the graph: a query past the time limit is ended by killing
its worker (Python cannot interrupt a running rdflib query any other way), the client gets 503,
and a fresh worker takes its place, so the server keeps answering. Each worker's address space
is capped (--worker-memory): a query past it gets 503 and its worker is replaced. Results are
capped at --max-rows (the headers say the limit and whether it was reached) and at
--max-response bytes (past it, 503: never a cut document); an answer is written in its worker
and copied to the client chunk by chunk, so the server holds one chunk at a time and its event
loop never waits on a large answer. A client that closes its connection has its query stopped
at once; one client address runs at most --per-client queries at once (default: all workers
but one), and a client has --read-timeout seconds to send its request (slowloris). The server
binds 127.0.0.1 and, when it does, only answers requests addressed to a loopback name (a web
page elsewhere cannot reach it by DNS rebinding); it sends no CORS headers unless --cors.
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
from kg.query import GRAPH_TYPES, SELECT_TYPES, Result, iter_result, named_queries, run
from kg.sandbox import deny_network, die_with_parent, drop_inherited_sockets, limit_memory

TEMPLATES = Path(__file__).parent / "templates"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0      # seconds a query may run
    max_rows: int = 10_000     # solutions (or triples) returned at most
    max_body: int = 64 * 1024  # bytes of request body accepted
    workers: int = 2           # queries run at once
    queue_wait: float = 30.0   # seconds a request may wait for a free worker before 503 busy
    worker_memory: int = 1024  # MiB of address space per worker (2 workers and the server fit in 4 GB)
    max_response: int = 64 * MIB  # bytes of one answer
    per_client: int = 0        # queries one client address may run at once (0: workers - 1, at least 1)
    read_timeout: float = 10.0  # seconds a client has to send a request's headers and body

    @property
    def per_client_limit(self) -> int:
        return self.per_client or max(1, self.workers - 1)


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

CHUNK = 256 * 1024  # bytes of a result sent from a worker to the server at a time


def _worker_main(conn, store, limits: Limits, server_pid: int) -> None:
    # Walls first: die with the server, hold none of its sockets, open no network socket whatever
    # a query makes the store attempt (kg.sandbox), and use no more than --worker-memory.
    die_with_parent(server_pid)
    drop_inherited_sockets(keep=conn.fileno())
    deny_network()
    limit_memory(limits.worker_memory * MIB)
    # Out of memory, Oxigraph (Rust) aborts with one line on stderr; no backtrace (it would allocate too).
    os.environ["RUST_BACKTRACE"] = "0"
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
        try:
            head, chunks = _answer(store, label, text, select_type, graph_type, limits)
        except MemoryError:  # past RLIMIT_AS: say so, then leave (the heap may stay grown) for a fresh worker
            head, chunks = ("error", 503, _memory_message(label, limits), "recycle"), []
        try:
            conn.send(head)
            for chunk in chunks:
                conn.send_bytes(chunk)
            if head[0] == "ok":
                conn.send_bytes(b"")
        except (OSError, EOFError):
            return
        if len(head) > 3 and head[3] == "recycle":
            os._exit(0)


def _memory_message(label: str, limits: Limits) -> str:
    return (f"{label}: the query needed more than the worker memory limit of {limits.worker_memory} MiB and was "
            "stopped; narrow it (LIMIT, more specific patterns, no ORDER BY over large joins) or raise --worker-memory")


def _execute(store, label: str, text: str, max_rows: int):
    """The store's Result, stopping a SELECT after max_rows + 1 solutions (enough to say it was cut)."""
    if getattr(store, "name", None) == "rdflib" and hasattr(store, "ds"):
        return run(store.ds, label, text, max_rows)
    if getattr(store, "name", None) == "oxigraph" and hasattr(store, "store"):
        return _oxigraph(store, label, text, max_rows)
    return store.query(label, text)


async def _take(aw, timeout: float, give_back):
    """Await `aw` (a semaphore's acquire, a queue's get) for at most `timeout` seconds.

    Unlike asyncio.wait_for on Python 3.11, what `aw` obtained just as the time ran out is kept,
    and what it obtained just as the caller was cancelled is handed to `give_back`: a worker or a
    client's slot is never lost to that race."""
    task = asyncio.ensure_future(aw)
    try:
        done, _ = await asyncio.wait({task}, timeout=timeout)
    except asyncio.CancelledError:
        task.cancel()
        await asyncio.wait({task})
        if not task.cancelled() and task.exception() is None:
            give_back(task.result())
        raise
    if task not in done:
        task.cancel()
        await asyncio.wait({task})
        if task.cancelled() or task.exception() is not None:
            raise asyncio.TimeoutError
    return task.result()


def _oxigraph(store, label: str, text: str, max_rows: int) -> Result:
    """OxigraphStore.query, reading at most max_rows + 1 solutions or triples from Oxigraph."""
    return store.query(label, text, max_rows)


def _answer(store, label, text, select_type, graph_type, limits: Limits) -> tuple[tuple, list[bytes]]:
    """(head, body chunks): head is ("error", status, message[, "recycle"]) or ("ok", media, truncated, size)."""
    max_rows = limits.max_rows
    try:
        res = _execute(store, label, text, max_rows)
    except QueryError as exc:
        return ("error", 400, str(exc)), []
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - a store fault must not kill the worker
        return ("error", 500, f"{label}: the store failed ({type(exc).__name__}: {str(exc)[:200]})"), []
    media = graph_type if res.kind == "graph" else select_type
    if media is None:
        wanted = ", ".join(GRAPH_TYPES if res.kind == "graph" else SELECT_TYPES)
        return ("error", 406, f"{label}: cannot answer a {'CONSTRUCT/DESCRIBE' if res.kind == 'graph' else 'SELECT/ASK'} "
                              f"query in the requested Accept types; accepted: {wanted}"), []
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
    # Written piece by piece: past --max-response the writing stops, and the client gets an error,
    # not a cut document that would parse as a smaller answer.
    chunks, buf, size = [], bytearray(), 0
    try:
        for piece in iter_result(res, offered[media]):
            data = piece.encode("utf-8")
            size += len(data)
            if size > limits.max_response:
                return ("error", 503, f"{label}: the result is over the limit of {limits.max_response} bytes "
                                      "(--max-response) and was not sent; narrow the query (LIMIT, fewer or "
                                      "shorter values)"), []
            buf += data
            if len(buf) >= CHUNK:
                chunks.append(bytes(buf))
                buf.clear()
    except QueryError as exc:
        return ("error", 406, str(exc)), []
    if buf:
        chunks.append(bytes(buf))
    return ("ok", media, truncated, size), chunks


class Body:
    """A result being read from its worker chunk by chunk; the worker is busy until it is read
    to the end or closed (closed early, the worker is replaced: it may be mid-send)."""

    def __init__(self, pool: "QueryPool", worker, release, stall: float):
        self.pool, self.worker, self.release, self.stall = pool, worker, release, stall
        self.done = False

    async def chunks(self):
        proc, conn = self.worker
        while True:
            if not await self.pool._readable(conn, self.stall):
                return
            try:
                chunk = conn.recv_bytes()
            except (EOFError, OSError):
                return
            if not chunk:
                self.done = True
                return
            yield chunk

    def close(self) -> None:
        if self.worker is None:
            return
        if self.done:
            self.pool.idle().put_nowait(self.worker)
        else:
            self.pool._replace(self.worker)
        self.worker = None
        self.release()


class QueryPool:
    """Worker processes forked with the store; a query past the time or memory limit costs its worker."""

    def __init__(self, store, limits: Limits):
        self.store, self.limits = store, limits
        self._check_memory()
        self.ctx = multiprocessing.get_context("fork")
        self.workers = [self._spawn() for _ in range(max(1, limits.workers))]
        self._idle: asyncio.Queue | None = None
        self._clients: dict[str, list] = {}  # address -> [semaphore, requests holding or waiting for it]

    def _check_memory(self) -> None:
        """A worker starts as a copy of this process: the limit must leave it room to run queries."""
        import psutil

        now = psutil.Process().memory_info().vms
        need = now + 64 * MIB
        if need > self.limits.worker_memory * MIB:
            raise KGError(f"serve: --worker-memory {self.limits.worker_memory} MiB is too small: a worker starts as a "
                          f"copy of the server, {now // MIB} MiB of address space, and needs room to run queries; "
                          f"give at least {-(-need // MIB)} MiB")

    def _spawn(self):
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker_main, args=(child, self.store, self.limits, os.getpid()), daemon=True)
        proc.start()
        child.close()
        return proc, parent

    def idle(self) -> asyncio.Queue:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for w in self.workers:
                self._idle.put_nowait(w)
        return self._idle

    def _client_slot(self, client: str):
        """The semaphore that keeps one address to --per-client workers, and its release."""
        entry = self._clients.get(client)
        if entry is None:
            entry = self._clients[client] = [asyncio.Semaphore(self.limits.per_client_limit), 0]
        entry[1] += 1
        released = False

        def release(acquired: bool = True) -> None:
            nonlocal released
            if released:
                return
            released = True
            if acquired:
                entry[0].release()
            entry[1] -= 1
            if entry[1] == 0 and self._clients.get(client) is entry:
                del self._clients[client]

        return entry[0], release

    async def _readable(self, conn, timeout: float) -> bool:
        loop = asyncio.get_running_loop()
        ready = loop.create_future()
        loop.add_reader(conn.fileno(), lambda: ready.done() or ready.set_result(None))
        try:
            await asyncio.wait_for(ready, max(0.01, timeout))
            return True
        except asyncio.TimeoutError:
            return False
        finally:
            loop.remove_reader(conn.fileno())

    async def run(self, label: str, text: str, select_type, graph_type, client: str = "") -> tuple:
        """("error", status, message) or ("ok", media, truncated, size, Body)."""
        loop = asyncio.get_running_loop()
        busy = ("error", 503, f"{label}: the server is busy; every worker has been running queries for "
                              f"{self.limits.queue_wait:g} s. Try again shortly")
        slot, release = self._client_slot(client)
        waited_until = loop.time() + self.limits.queue_wait
        try:  # waiting for a worker is bounded on its own: the time limit is for running the query
            await _take(slot.acquire(), self.limits.queue_wait, lambda _: slot.release())
        except asyncio.TimeoutError:
            release(False)
            return busy[:2] + (f"{label}: this client already has {self.limits.per_client_limit} queries running "
                               f"(--per-client) and they took over {self.limits.queue_wait:g} s. Try again shortly",)
        except asyncio.CancelledError:
            release(False)
            raise
        try:
            while True:
                worker = await _take(self.idle().get(), max(0.01, waited_until - loop.time()), self.idle().put_nowait)
                if worker[0].is_alive():
                    break
                self._replace(worker)  # killed while idle (by hand, or the system): a fresh one takes its place
        except asyncio.TimeoutError:
            release()
            return busy
        except asyncio.CancelledError:
            release()
            raise
        proc, conn = worker
        try:
            conn.send((label, text, select_type, graph_type))
            if not await self._readable(conn, self.limits.timeout):
                self._replace(worker)
                release()
                return ("error", 503, f"{label}: the query ran past the time limit of {self.limits.timeout:g} s and "
                                      "was stopped; narrow it (LIMIT, more specific patterns) or raise --timeout")
            head = conn.recv()
        except (EOFError, OSError):
            code = self._replace(worker, died=True)
            release()
            if code == -signal.SIGABRT:  # Oxigraph (Rust) aborts when an allocation fails
                return ("error", 503, _memory_message(label, self.limits))
            return ("error", 500, f"{label}: the query worker died; the server has started a new one")
        except asyncio.CancelledError:  # the client went away mid-query: stop its query now
            self._replace(worker)
            release()
            raise
        if head[0] == "error":
            if len(head) > 3 and head[3] == "recycle":
                self._replace(worker)
            else:
                self.idle().put_nowait(worker)
            release()
            return head[:3]
        return head + (Body(self, worker, release, self.limits.timeout),)

    def _replace(self, worker, died: bool = False) -> int | None:
        """Kill `worker` (if it still runs), start a fresh one in its place; the old one's exit code."""
        proc, conn = worker
        if died and proc.exitcode is None:
            proc.join(0.5)  # its pipe closed as it died: let its exit code be read
        code = proc.exitcode
        proc.kill()
        proc.join()
        conn.close()
        fresh = self._spawn()
        self.workers = [fresh if w is worker else w for w in self.workers]
        self.idle().put_nowait(fresh)
        return code

    def close(self) -> None:
        for proc, conn in self.workers:
            conn.close()
            proc.kill()
            proc.join()
        self.workers = []


# --- the web application ---------------------------------------------------------------

class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    pass


async def _until_disconnect(receive) -> None:
    """Returns when the client has closed its connection (the request body is already read)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


class StreamedResult:
    """An ASGI response that copies a result from its worker to the client chunk by chunk: the
    server holds one chunk of it at a time, and its event loop is never blocked by a large answer.
    A client that stops reading for the time limit is dropped (and the worker replaced)."""

    def __init__(self, headers: dict[str, str], body: Body, size: int, stall: float):
        self.headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        self.headers.append((b"content-length", str(size).encode()))
        self.body, self.stall = body, stall

    async def __call__(self, scope, receive, send) -> None:
        try:
            if scope.get("method") == "HEAD":  # the headers only; the worker's answer is read and dropped
                async for _ in self.body.chunks():
                    pass
            await send({"type": "http.response.start", "status": 200, "headers": self.headers})
            if scope.get("method") != "HEAD":
                async for chunk in self.body.chunks():
                    await asyncio.wait_for(send({"type": "http.response.body", "body": chunk, "more_body": True}),
                                           self.stall)
                if not self.body.done:  # the worker died or stalled mid-answer: end the connection
                    return
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except (asyncio.TimeoutError, OSError):
            return  # the server closes a connection whose response was not completed
        finally:
            self.body.close()


async def _read_body(request, limit: int) -> bytes:
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise BodyTooLarge
    from starlette.requests import ClientDisconnect

    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge
            chunks.append(chunk)
    except ClientDisconnect:
        raise ClientGone from None
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
            except ClientGone:
                return error(400, "the client closed the connection before sending the whole request")
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
        client = request.client.host if request.client else ""
        # The query runs while the connection is watched: a client that goes away has its query
        # stopped at once (its worker is replaced) instead of holding a worker to the time limit.
        task = asyncio.ensure_future(pool.run("query", query, negotiate(accept, SELECT_TYPES),
                                              negotiate(accept, GRAPH_TYPES), client=client))
        gone = asyncio.ensure_future(_until_disconnect(request.receive))
        await asyncio.wait({task, gone}, return_when=asyncio.FIRST_COMPLETED)
        if not task.done():
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
            return error(400, "the client closed the connection; its query was stopped")
        gone.cancel()
        answer = task.result()
        if answer[0] == "error":
            return error(answer[1], answer[2])
        _, media, truncated, size, body = answer
        headers = {"X-Result-Limit": str(limits.max_rows), "Vary": "Accept"}
        if truncated:
            headers["X-Result-Truncated"] = "true"
        headers["Content-Type"] = media + ("" if media.endswith("json") else "; charset=utf-8")
        return StreamedResult(headers, body, size, limits.timeout)

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

    class SecurityHeaders:
        """Pure ASGI (BaseHTTPMiddleware would hide the client's disconnect and buffer streams)."""

        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            if scope["type"] != "http":
                return await self.app(scope, receive, send)

            async def with_headers(message):
                if message["type"] == "http.response.start":
                    names = {k.lower() for k, _ in message.get("headers", [])}
                    extra = [(k, v) for k, v in ((b"x-content-type-options", b"nosniff"),
                                                 (b"referrer-policy", b"no-referrer")) if k not in names]
                    message = {**message, "headers": list(message.get("headers", [])) + extra}
                await send(message)

            await self.app(scope, receive, with_headers)

    middleware = []
    if loopback_only:
        # the loopback names, and the address actually bound (127.0.0.2 answers as 127.0.0.2)
        hosts = sorted({"127.0.0.1", "localhost", "::1", "[::1]", host, f"[{host}]" if ":" in host else host})
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=hosts))
    if cors:
        middleware.append(Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                                     allow_headers=["Content-Type", "Accept"],
                                     expose_headers=["X-Result-Limit", "X-Result-Truncated"]))
    middleware.append(Middleware(SecurityHeaders))
    routes = [Route("/sparql", sparql, methods=["GET", "HEAD", "POST"]), Route("/", index), Route("/graph", graph),
              Route("/queries", named), Route("/static/{name}", static)]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


def _protocol(read_timeout: float):
    """uvicorn's HTTP/1.1 protocol with a deadline for reading each request: a client has
    `read_timeout` seconds from connecting (or from the end of its previous answer) to send the
    request's headers and body, or it gets 408 and the connection is closed. Half-open
    connections (slowloris) are dropped; the others are served meanwhile, as ever."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class ReadDeadline(H11Protocol):
        _read_timer = None

        def connection_made(self, transport):
            super().connection_made(transport)
            self._arm()

        def _arm(self) -> None:
            self._disarm()
            self._read_timer = self.loop.call_later(read_timeout, self._read_deadline)

        def _disarm(self) -> None:
            if self._read_timer is not None:
                self._read_timer.cancel()
                self._read_timer = None

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state in (h11.DONE, h11.MUST_CLOSE, h11.CLOSED):
                self._disarm()  # the whole request is in: the query's own time limit applies now

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()

        def connection_lost(self, exc) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _read_deadline(self) -> None:
            self._read_timer = None
            if self.transport.is_closing() or self.conn.their_state in (h11.DONE, h11.MUST_CLOSE, h11.CLOSED):
                return
            started = self.conn.their_state is not h11.IDLE or bool(self.conn.trailing_data[0])
            if started and (self.cycle is None or not self.cycle.response_started):  # idle: just close
                msg = f"request not received within {read_timeout:g} s; send the headers and body at once\n".encode()
                self.transport.write(b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
                                     b"connection: close\r\ncontent-length: " + str(len(msg)).encode() + b"\r\n\r\n" + msg)
            self.transport.close()

    return ReadDeadline


def log_config(quiet: bool = False) -> dict:
    """uvicorn's logging: its own messages from warnings up, and (unless quiet) an access log of one
    line per request on stderr (stdout holds the banner): time, client, request line, status."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "default": {"()": "uvicorn.logging.DefaultFormatter", "fmt": "%(levelprefix)s %(message)s",
                        "use_colors": False},
            "access": {"()": "uvicorn.logging.AccessFormatter", "use_colors": False, "datefmt": "%Y-%m-%dT%H:%M:%S",
                       "fmt": '%(asctime)s %(client_addr)s "%(request_line)s" %(status_code)s'},
        },
        "handlers": {
            "default": {"formatter": "default", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
            "access": {"formatter": "access", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "WARNING", "propagate": False},
            "uvicorn.error": {"level": "WARNING"},
            "uvicorn.access": {"handlers": [] if quiet else ["access"], "level": "INFO", "propagate": False},
        },
    }


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
    try:
        pool = QueryPool(store, limits)  # forked now, before the server starts any thread
    except KGError:
        sock.close()
        raise
    app = make_app(store, limits, graph_page=graph_page, cors=cors, loopback_only=loopback, pool=pool, host=host)
    real_port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{real_port}"
    print(f"SPARQL endpoint  {base}/sparql   ({store.name} store, {len(store)} triples)", flush=True)
    print(f"Query page       {base}/", flush=True)
    print(f"Graph page       {base}/graph", flush=True)
    print(f"Limits: {limits.timeout:g} s and {limits.worker_memory} MiB per query, {limits.max_rows} rows and "
          f"{limits.max_response} bytes per answer, {limits.max_body} bytes per request sent within "
          f"{limits.read_timeout:g} s, {limits.workers} worker{'s' if limits.workers != 1 else ''} "
          f"({limits.per_client_limit} per client). Read-only. Ctrl-C stops the server.", flush=True)
    if not loopback:
        print(f"nrkg: warning: listening on {host}, reachable from other machines; the endpoint has no authentication",
              file=sys.stderr, flush=True)
    config = uvicorn.Config(app, log_config=log_config(quiet), log_level=None, access_log=not quiet, lifespan="on",
                            http=_protocol(limits.read_timeout))
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        pool.close()
        sock.close()
