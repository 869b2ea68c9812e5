"""The one HTTP client for SPARQL 1.1 servers: queries, updates and the Graph Store Protocol.

Every remote call of ``query --endpoint``, ``assess --endpoint`` and ``push`` goes through
:class:`Endpoint`, built on ``requests``. What it guarantees:

- only ``http`` and ``https`` URLs with a host are used; anything else is refused before a
  request is made;
- credentials (``--user``, the password from the prompt, ``CHUANGSHU_PASSWORD`` or the URL's
  ``user:password@``) go only to the origin they were given for: a redirect is never followed
  for an update or a Graph Store write, a query follows at most a few redirects that keep the
  same origin and method (307, 308), and any other redirect is an error naming where it
  pointed;
- HTTP Basic authentication, or Digest when the server asks for it (Virtuoso's
  ``/sparql-auth``);
- a timeout on every call and a cap on the size of a reply (both can be raised);
- retries with backoff for queries on connection errors and 502/503/504 replies (an update is
  sent once: a failure is reported, never repeated behind the user's back);
- a password never appears in a message: URLs are shown without their user information.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from dataclasses import dataclass, field

from rdflib import Graph

from .errors import ChuangshuError

DEFAULT_TIMEOUT = 120.0          # seconds, for a whole call (retries included)
DEFAULT_MAX_BYTES = 512 * 2**20  # largest reply read
RETRIES = 3                      # extra attempts for a query after a connection error or 502/503/504
_RETRY_STATUS = {502, 503, 504}


class RemoteError(ChuangshuError):
    exit_code = 1


def shown(url: str) -> str:
    """The URL as messages show it: without ``user:password@``."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "<malformed URL>"
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if _port(parts) else "")
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _port(parts) -> int | None:
    try:
        return parts.port
    except ValueError:
        return None


def checked_url(url: str, what: str = "--endpoint") -> tuple[str, str | None, str | None]:
    """``url`` without its user information, and that user and password; refuses every scheme
    but http(s), and URLs without a host."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        parts, port_ok = None, False
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname or not port_ok:
        raise ChuangshuError(
            f"not an http(s) URL of a SPARQL endpoint: {shown(url)!r} (http://host:port/path is expected)",
            f"不是 SPARQL 端点的 http(s) 地址：{shown(url)!r}（应为 http://主机:端口/路径）", where=what)
    user = urllib.parse.unquote(parts.username) if parts.username else None
    password = urllib.parse.unquote(parts.password) if parts.password is not None else None
    return shown(url.strip()), user, password


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), _port(parts) or default


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = ""
    location: str | None = None     # a redirect's target
    challenge: str = ""             # WWW-Authenticate of a 401
    server: str = ""                # the Server header: which store answered

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def _retry_pause(attempt: int, attempts: int, deadline: float) -> float | None:
    """How long to wait before the next attempt (backoff: 0.5, 1, 2 … 8 s), or None when no attempt is
    left or the pause would reach past the call's deadline."""
    pause = min(0.5 * 2**attempt, 8)
    return pause if attempt + 1 < attempts and deadline - time.monotonic() > pause else None


@dataclass
class Endpoint:
    """A SPARQL 1.1 service: its query URL, update URL and Graph Store URL, and credentials."""

    query: str
    update: str | None = None
    store: str | None = None
    user: str | None = None
    password: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    retries: int = RETRIES
    _digest: bool = field(default=False, repr=False)
    _session: object = field(default=None, repr=False)
    _server: str = field(default="", repr=False)

    @classmethod
    def from_url(cls, url: str, update: str | None = None, store: str | None = None,
                 user: str | None = None, password: str | None = None, **limits) -> "Endpoint":
        query, url_user, url_password = checked_url(url)
        update = checked_url(update, "--update")[0] if update else None
        store = checked_url(store, "--store")[0] if store else None
        user = user or url_user
        password = password if password is not None else url_password
        base = query.rstrip("/")
        for dialect in DIALECTS:
            for query_path, store_path in dialect.layout:
                if base.endswith(query_path):
                    root = base[: -len(query_path)]
                    store = store or (root + store_path if store_path else None)
                    if dialect.update_path:
                        update = update or root + dialect.update_path
        return cls(query, update or query, store, user, password, **limits)

    @property
    def dialect(self) -> "Dialect":
        """What this store does differently, known once it has answered (its Server header)."""
        if not self._server:
            try:
                self.request(self.query + ("&" if "?" in self.query else "?") + "query=ASK%7B%7D", "GET", None,
                             accept="application/sparql-results+json", follow=True, retry=True)
            except RemoteError:
                pass
        for d in DIALECTS:
            if d.server and d.server in self._server.lower():
                return d
        return DIALECTS[-1]

    # ---- transport ---------------------------------------------------------------------

    def _auth(self):
        if not self.user:
            return None
        from requests.auth import HTTPBasicAuth, HTTPDigestAuth

        return (HTTPDigestAuth if self._digest else HTTPBasicAuth)(self.user, self.password or "")

    def _send(self, url: str, method: str, body: bytes | None, headers: dict, deadline: float | None = None) -> Reply:
        """One HTTP exchange, over by ``deadline`` (time.monotonic(); default: --timeout from now)."""
        import requests

        if self._session is None:
            self._session = requests.Session()
            self._session.trust_env = False  # no proxy or .netrc credentials picked up on the way
        deadline = deadline if deadline is not None else time.monotonic() + self.timeout
        left = self._time_left(deadline, url)
        try:
            resp = self._session.request(method, url, data=body, headers=headers, auth=self._auth(),
                                         allow_redirects=False, timeout=(min(left, 30), left),
                                         stream=True)
        except requests.exceptions.Timeout:
            raise RemoteError(f"no answer within {self.timeout:g} s (raise it with --timeout)",
                              f"{self.timeout:g} 秒内没有应答（可用 --timeout 放宽）", where=shown(url)) from None
        except (requests.exceptions.RequestException, OSError) as err:
            raise _unreachable(url, err) from None
        try:
            chunks, size = [], 0
            for chunk in resp.iter_content(64 * 1024):
                self._time_left(deadline, url)  # a reply that trickles in is bounded as a whole
                size += len(chunk)
                if size > self.max_bytes:
                    raise RemoteError(
                        f"the reply is larger than {self.max_bytes // 2**20} MiB; stopped reading (raise it with --max-reply)",
                        f"应答超过 {self.max_bytes // 2**20} MiB，已停止读取（可用 --max-reply 放宽）", where=shown(url))
                chunks.append(chunk)
        except requests.exceptions.Timeout:
            raise RemoteError(f"the reply stalled for more than {self.timeout:g} s",
                              f"应答停滞超过 {self.timeout:g} 秒", where=shown(url)) from None
        except (requests.exceptions.RequestException, OSError) as err:
            raise RemoteError(f"the reply was cut off ({type(err).__name__})",
                              f"应答被中断（{type(err).__name__}）", where=shown(url)) from None
        finally:
            resp.close()
        reply = Reply(resp.status_code, b"".join(chunks), resp.headers.get("Content-Type", ""),
                      resp.headers.get("Location"), resp.headers.get("WWW-Authenticate", ""), resp.headers.get("Server", ""))
        if reply.server:
            self._server = reply.server
        return reply

    def _time_left(self, deadline: float, url: str) -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise RemoteError(f"no whole answer within {self.timeout:g} s, retries included (raise it with --timeout)",
                              f"{self.timeout:g} 秒内（含重试）没有完整应答（可用 --timeout 放宽）", where=shown(url))
        return left

    def request(self, url: str, method: str, body: bytes | None, content_type: str | None = None,
                accept: str | None = None, *, follow: bool = False, retry: bool = False) -> Reply:
        """One call. ``follow``: a same-origin 307/308 redirect may be followed (queries only);
        ``retry``: connection errors and 502/503/504 are retried with backoff (queries only)."""
        headers = {k: v for k, v in (("Content-Type", content_type), ("Accept", accept)) if v}
        target = url
        attempts = 1 + (self.retries if retry else 0)
        deadline = time.monotonic() + self.timeout  # --timeout bounds the whole call, retries included
        for hop in range(6):
            for attempt in range(attempts):
                try:
                    reply = self._send(target, method, body, headers, deadline)
                except RemoteError:
                    pause = _retry_pause(attempt, attempts, deadline)
                    if pause is None:
                        raise
                    time.sleep(pause)
                    continue
                if reply.status in _RETRY_STATUS and (pause := _retry_pause(attempt, attempts, deadline)) is not None:
                    time.sleep(pause)
                    continue
                break
            if reply.status == 401 and self.user and not self._digest and not reply.challenge.lower().startswith("basic"):
                # the server wants Digest (Virtuoso's /sparql-auth, which refuses Basic without a new
                # challenge): answer its challenge
                self._digest = True
                reply = self._send(target, method, body, headers, deadline)
            if not 300 <= reply.status < 400 or reply.status == 304:
                return reply
            where = urllib.parse.urljoin(target, reply.location or "")
            if not (follow and reply.status in (307, 308) and reply.location and _origin(where) == _origin(target)):
                raise RemoteError(
                    f"the server redirected (HTTP {reply.status}) to {shown(where)}; not followed — "
                    f"{'credentials are never sent to another address, and ' if self.user else ''}"
                    f"give the final endpoint URL instead",
                    f"服务器重定向（HTTP {reply.status}）到 {shown(where)}，未跟随——"
                    f"{'凭据绝不发往其他地址，' if self.user else ''}请直接给出最终的端点地址",
                    where=shown(target))
            target = where
        raise RemoteError("too many redirects", "重定向次数过多", where=shown(url))

    # ---- SPARQL protocol -------------------------------------------------------------

    def update_(self, text: str) -> None:
        reply = self.request(self.update, "POST", text.encode("utf-8"), "application/sparql-update")
        if not reply.ok:
            raise refused(self.update, reply)

    def _query(self, text: str, default_graphs, accept: str) -> Reply:
        params = [("query", text)] + [("default-graph-uri", g) for g in default_graphs]
        reply = self.request(self.query, "POST", urllib.parse.urlencode(params).encode(),
                             "application/x-www-form-urlencoded", accept, follow=True, retry=True)
        if not reply.ok:
            raise refused(self.query, reply)
        return reply

    def results(self, text: str, default_graphs=()) -> dict:
        """SELECT or ASK: the SPARQL 1.1 JSON results document."""
        reply = self._query(text, default_graphs, "application/sparql-results+json")
        try:
            data = json.loads(reply.body.decode("utf-8"))
            if not isinstance(data, dict) or not ("boolean" in data or isinstance(data.get("results", {}).get("bindings"), list)):
                raise ValueError("no results")
            return data
        except (UnicodeDecodeError, ValueError, AttributeError):
            raise _not_results(self.query, reply, "SPARQL JSON results") from None

    def select(self, text: str, default_graphs=()) -> list[dict]:
        data = self.results(text, default_graphs)
        if "results" not in data:
            raise _not_results(self.query, Reply(200, b"", ""), "SPARQL JSON results with bindings")
        return data["results"]["bindings"]

    def construct(self, text: str, default_graphs=()) -> Graph:
        reply = self._query(text, default_graphs, "application/n-triples")
        try:
            return Graph().parse(data=reply.body.decode("utf-8"), format="nt")
        except Exception:  # rdflib raises several parser types; the cause is reported as one line
            raise _not_results(self.query, reply, "N-Triples") from None

    def put_graph(self, graph_iri: str | None, ntriples: bytes) -> Reply:
        """Graph Store Protocol PUT (replaces the graph in one request); never redirected."""
        target = self.store + ("?" + urllib.parse.urlencode({"graph": graph_iri}) if graph_iri else "?default")
        return self.request(target, "PUT", ntriples, "application/n-triples")


@dataclass(frozen=True)
class Dialect:
    """Where SPARQL stores differ, in one place: URL layouts, the largest update they accept, and
    whether they can run the rule files (or the rules run here and their conclusions go back)."""

    name: str
    server: str                          # a word of the Server header ("" for the generic dialect)
    layout: tuple = ()                   # (query path, Graph Store path) pairs this store uses
    update_path: str | None = None       # the update URL beside a query URL of the layout
    max_chunk: int = 5000                # triples per update request
    runs_rules: bool = True


DIALECTS = (
    Dialect("oxigraph", "oxigraph", layout=(("/query", "/store"),), update_path="/update"),
    # Virtuoso 7: /sparql and /sparql-auth take updates too, the Graph Store is /sparql-graph-crud(-auth); an
    # update template over ~1,500 triples exceeds its 10,000 lines of generated SQL; its SPARQL compiler fails
    # on some of the rule files (an internal error on 30-cycles, a crash on 50-gaps, Virtuoso 07.20.3229)
    Dialect("virtuoso", "virtuoso", layout=(("/sparql-auth", "/sparql-graph-crud-auth"), ("/sparql", "/sparql-graph-crud")),
            max_chunk=1000, runs_rules=False),
    Dialect("generic", ""),
)


def refused(url: str, reply: Reply) -> RemoteError:
    detail = _printable(reply.body.decode("utf-8", "replace").strip().splitlines()[0][:200]) if reply.body.strip() else ""
    if reply.status in (401, 403):
        why_en, why_zh = "check --user and the password", "请检查 --user 与密码"
        return RemoteError(f"the server refused: HTTP {reply.status} (not authorized: {why_en}) {detail}".rstrip(),
                           f"服务器拒绝：HTTP {reply.status}（未获授权：{why_zh}）{detail}".rstrip(), where=shown(url))
    return RemoteError(f"the server refused: HTTP {reply.status} {detail}".rstrip(),
                       f"服务器拒绝：HTTP {reply.status} {detail}".rstrip(), where=shown(url))


def _not_results(url: str, reply: Reply, expected: str) -> RemoteError:
    kind = _printable(reply.content_type.split(";")[0].strip()) or "no content type"
    return RemoteError(f"the reply is not {expected} (it is {kind}, {len(reply.body)} bytes); is this a SPARQL endpoint?",
                       f"应答不是 {expected}（而是 {kind}，{len(reply.body)} 字节）；这是 SPARQL 端点吗？", where=shown(url))


def _unreachable(url: str, err) -> RemoteError:
    reason = type(err).__name__
    inner = getattr(err, "args", None)
    text = str(inner[0]) if inner else ""
    for marker in ("Name or service not known", "Connection refused", "No route to host", "timed out",
                   "certificate verify failed", "Temporary failure in name resolution"):
        if marker in text:
            reason = marker
            break
    return RemoteError(f"cannot reach the server ({reason})", f"无法连接服务器（{reason}）", where=shown(url))


def _printable(text: str) -> str:
    """Server text as it may reach a terminal: no control characters (no ANSI escapes)."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)
