"""The benchmark: one command builds a dataset, starts the real server, drives it with `wrk`
and reports throughput, latency and server CPU per request, each also as a ratio to a bare JSON
POST measured in the same run, plus growth curves and send -> SSE delivery latency.

    python bench/run.py --scale small --db sqlite --workers 1
    python bench/run.py --scale small --db postgresql --workers 2 --duration 10
    python bench/run.py --scale large --db sqlite --only inmail_send,inbox
    python bench/run.py --members 200000 --db sqlite           # a scale in between
    python bench/run.py --scale small --db sqlite --profile --only inmail_send,inbox

See bench/README.md for what each figure means. Results are appended to bench/RESULTS.md
(section "Throughput and latency") unless `--no-record` or `--profile`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402
import dataset  # noqa: E402
import recording  # noqa: E402

PYTHON = sys.executable
WRK = "/usr/bin/wrk"
CLK_TCK = os.sysconf("SC_CLK_TCK")
SCENARIOS = ["inmail_send", "message_send", "inbox", "conversation", "preflight", "review",
             "insights"]
GROWTH = ["inbox_growth", "conversation_growth", "bulk_growth"]
EXTRA = ["sse"]
GROWTH_ROUNDS = 3
TARGETS_NOTE = ("Targets are stated for one uvicorn worker, SQLite and the `large` dataset; "
                "on other configurations they are shown for orientation. Growth verdicts use "
                "server CPU per request, app + PostgreSQL backends (p50 at c=1 shown too: on "
                "this shared machine it moves by +-50% between runs).")


# ---------------------------------------------------------------------------------------------
# the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SERVER_SETTINGS: dict[str, str] = {}  # from --set, applied last


def server_env(url: str, redis: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INROAD_")}
    env.update({
        "INROAD_DATABASE_URL": url,
        "INROAD_SECRET_KEY": "bench-secret-key-not-for-production-0123456789",
        "INROAD_BENCH_ENDPOINTS": "true",
        "INROAD_RUN_DUTIES_IN_PROCESS": "false",
        "INROAD_ARGON2_TIME_COST": "1",
        "INROAD_ARGON2_MEMORY_KIB": "1024",
        # The full policy path, never refusing: the daily limit, the bulk rule's recipient
        # count and the low-response cap are what would stop a benchmark sender.
        "INROAD_INMAILS_PER_DAY": "1000000",
        "INROAD_BULK_MAX_RECIPIENTS": "1000000",
        "INROAD_LOW_RESPONSE_RATE": "0",
    })
    if redis:
        env["INROAD_REDIS_URL"] = redis
    env.update(SERVER_SETTINGS)
    return env


class Server:
    def __init__(self, url: str, workers: int, redis: str | None, log: Path) -> None:
        self.url, self.workers, self.redis, self.log = url, workers, redis, log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def command(self) -> list[str]:
        return [PYTHON, "-m", "uvicorn", "inroad.web.asgi:app", "--workers", str(self.workers),
                "--host", "127.0.0.1", "--port", str(self.port), "--no-access-log"]

    def start(self) -> None:
        self.logf = self.log.open("ab")
        self.proc = subprocess.Popen(self.command, cwd=REPO, env=server_env(self.url, self.redis),
                                     stdout=self.logf, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited ({self.proc.returncode}); see {self.log}")
            with contextlib.suppress(httpx.HTTPError):
                healthy = httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200
                if healthy and len(self.pids()) >= (1 if self.workers == 1 else self.workers + 1):
                    return
            time.sleep(0.2)
        raise SystemExit(f"server did not answer /healthz within 120 s; see {self.log}")

    def pids(self) -> list[int]:
        """The server process and its descendants (uvicorn's workers)."""
        assert self.proc is not None
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
        out, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, []))
        return out

    def cpu_seconds(self) -> float:
        return sum(proc_cpu(pid) for pid in self.pids())

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.logf.close()


def proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


class PostgresCPU:
    """CPU of the PostgreSQL backends serving the benchmark database (`pg_stat_activity`):
    other databases on the same server (other engineers' tests) are left out. A backend that
    starts during a run counts from zero; one that ends during it is lost (pools keep theirs)."""

    def __init__(self, url: str) -> None:
        self.dbname = url.rsplit("/", 1)[1]
        self.seen: dict[int, float] = {}

    def _pids(self) -> list[int]:
        import psycopg

        with psycopg.connect(dataset.PG_ADMIN_URL, autocommit=True) as conn:
            rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s",
                                (self.dbname,)).fetchall()
        return [int(r[0]) for r in rows]

    def start(self) -> None:
        self.seen = {pid: proc_cpu(pid) for pid in self._pids()}

    def stop(self) -> float:
        """Seconds of CPU the backends used since `start`."""
        total = 0.0
        for pid in set(self._pids()) | set(self.seen):
            total += max(0.0, proc_cpu(pid) - self.seen.get(pid, 0.0))
        return total


# ---------------------------------------------------------------------------------------------
# load scripts


def lua_list(values: list[str]) -> str:
    return "{" + ",".join(json.dumps(v) for v in values) + "}"


LUA_COMMON = r"""
-- generated by bench/run.py: __NAME__
local base = __BASE__
local max_requests = __MAX__
local tc = 0
local threads = {}
tid = 0
sent = 0
received = 0
ok = 0
s401 = 0 s402 = 0 s403 = 0 s404 = 0 s409 = 0 s422 = 0 s429 = 0 s5xx = 0 sother = 0
first_error = ""

function setup(thread)
  thread:set("tid", tc)
  tc = tc + 1
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(__SEED__ + tid * 7919)
end

local words = __WORDS__
local subjects = __SUBJECTS__
local purposes = __PURPOSES__

local function word() return words[math.random(#words)] end

local function load_list(path)
  local t = {}
  for line in io.lines(path) do
    if line ~= "" then t[#t + 1] = line end
  end
  return t
end

local function sentence(lo, hi)
  local n = math.random(lo, hi)
  local w = word()
  local out = {string.upper(string.sub(w, 1, 1)) .. string.sub(w, 2)}
  for i = 2, n do out[i] = word() end
  return table.concat(out, " ") .. "."
end

local function inmail_body()
  local out = {}
  for i = 1, math.random(4, 6) do out[i] = sentence(8, 13) end
  return table.concat(out, " ")
end

local function message_body()
  local out = {}
  for i = 1, math.random(1, 3) do out[i] = sentence(4, 12) end
  return table.concat(out, " ")
end

local function subject()
  local s = subjects[math.random(#subjects)]
  s = string.gsub(s, "{w}", word())
  s = string.gsub(s, "{v}", word())
  return s
end

local function purpose() return purposes[math.random(#purposes)] end

local function next_k()
  local k = base + sent * __THREADS__ + tid
  sent = sent + 1
  return k
end

local function auth(token)
  return {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
end

function response(status, headers, body)
  received = received + 1
  if status < 300 then ok = ok + 1
  elseif status == 401 then s401 = s401 + 1
  elseif status == 402 then s402 = s402 + 1
  elseif status == 403 then s403 = s403 + 1
  elseif status == 404 then s404 = s404 + 1
  elseif status == 409 then s409 = s409 + 1
  elseif status == 422 then s422 = s422 + 1
  elseif status == 429 then s429 = s429 + 1
  elseif status >= 500 then s5xx = s5xx + 1
  else sother = sother + 1 end
  if status >= 300 and first_error == "" then
    first_error = status .. " " .. string.gsub(string.sub(body or "", 1, 300), "%c", " ")
  end
  if received >= max_requests then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local names = {"ok", "s401", "s402", "s403", "s404", "s409", "s422", "s429", "s5xx",
                 "sother", "sent"}
  local total = {}
  local err = ""
  for _, t in ipairs(threads) do
    for _, n in ipairs(names) do total[n] = (total[n] or 0) + t:get(n) end
    local e = t:get("first_error")
    if err == "" and e ~= "" then err = e end
  end
  local parts = {}
  for _, n in ipairs(names) do table.insert(parts, '"' .. n .. '":' .. total[n]) end
  io.write("BENCHJSON {" .. table.concat(parts, ",") ..
    ',"p50_us":' .. latency:percentile(50) .. ',"p99_us":' .. latency:percentile(99) ..
    ',"mean_us":' .. latency.mean .. ',"requests":' .. summary.requests ..
    ',"duration_us":' .. summary.duration ..
    ',"socket_errors":' .. (summary.errors.connect + summary.errors.read +
      summary.errors.write + summary.errors.timeout) ..
    ',"first_error":' .. string.format("%q", err) .. "}\n")
end
"""


@dataclass
class Script:
    name: str
    data: dict[str, list[str]]  # Lua globals: name -> list of strings
    request: str  # Lua body of request()


def scenario_scripts(m: dict[str, Any]) -> dict[str, Script]:
    """One Lua `request()` per scenario. `k` numbers requests across threads and runs (the
    state file keeps the next `base`), so InMail sends reach a new (sender, recipient) pair
    every time: never a follow-up, never a duplicate."""
    lc = m["long_conversation"]
    g = m["growth"]
    s, r = len(m["inmail_senders"]), len(m["clean_recipients"])
    stride = max(1, r // s) * 7 + 1
    inmail = """
  local k = next_k()
  local s = k % #senders
  local r = (math.floor(k / #senders) + s * %d) %% #recipients
  local body = '{"to_member_id":"' .. recipients[r + 1] .. '","subject":"' .. subject() ..
    '","body":"' .. inmail_body() .. '","purpose":"' .. purpose() .. '"}'
  return wrk.format("POST", "/api/v1/inmails", auth(senders[s + 1]), body)
""".replace("%d", str(stride)).replace("%%", "%")
    growth_send = """
  local k = next_k()
  local body = '{"to_member_id":"' .. recipients[(k %% #recipients) + 1] .. '","subject":"' ..
    subject() .. '","body":"' .. inmail_body() .. '","purpose":"' .. purpose() .. '"}'
  return wrk.format("POST", "/api/v1/inmails", auth(token), body)
""".replace("%%", "%")
    get_with = """
  local k = next_k()
  return wrk.format("GET", path, auth(tokens[(k % #tokens) + 1]))
"""
    scripts = {
        "echo": Script("echo", {"senders": m["inmail_senders"][:50],
                                "recipients": m["clean_recipients"][:50]}, """
  local k = next_k()
  local body = '{"to_member_id":"' .. recipients[(k % #recipients) + 1] .. '","subject":"' ..
    subject() .. '","body":"' .. inmail_body() .. '","purpose":"' .. purpose() .. '"}'
  return wrk.format("POST", "/api/v1/bench/echo", auth(senders[(k % #senders) + 1]), body)
"""),
        "inmail_send": Script("inmail_send", {"senders": m["inmail_senders"],
                                              "recipients": m["clean_recipients"]}, inmail),
        "message_send": Script("message_send", {
            "tokens": [p[0] for p in m["message_pairs"]],
            "targets": [p[1] for p in m["message_pairs"]]}, """
  local k = next_k()
  local i = (k % #tokens) + 1
  local body = '{"to_member_id":"' .. targets[i] .. '","body":"' .. message_body() .. '"}'
  return wrk.format("POST", "/api/v1/messages", auth(tokens[i]), body)
"""),
        "inbox": Script("inbox", {"tokens": m["inbox_tokens"], "paths": ["/api/v1/conversations"]},
                        "  local path = paths[1]" + get_with),
        "conversation": Script("conversation", {
            "tokens": [p[0] for p in m["conversation_pages"]],
            "convs": [p[1] for p in m["conversation_pages"]]}, """
  local k = next_k()
  local i = (k % #tokens) + 1
  return wrk.format("GET", "/api/v1/conversations/" .. convs[i] .. "/messages", auth(tokens[i]))
"""),
        "preflight": Script("preflight", {"tokens": m["premium_tokens"],
                                          "recipients": m["clean_recipients"]}, """
  local k = next_k()
  local body = '{"to_member_id":"' .. recipients[((k * 7919) % #recipients) + 1] .. '"}'
  return wrk.format("POST", "/api/v1/inmails/preflight", auth(tokens[(k % #tokens) + 1]), body)
"""),
        "review": Script("review", {"tokens": m["premium_tokens"],
                                    "recipients": m["any_members"]}, """
  local k = next_k()
  local body = '{"to_member_id":"' .. recipients[((k * 7919) % #recipients) + 1] ..
    '","subject":"' .. subject() .. '","body":"' .. inmail_body() .. '"}'
  return wrk.format("POST", "/api/v1/inmails/review", auth(tokens[(k % #tokens) + 1]), body)
"""),
        "insights": Script("insights", {"tokens": m["insight_tokens"],
                                        "paths": ["/api/v1/me/insights"]},
                           "  local path = paths[1]" + get_with),
    }
    # limit=10: the smallest mailbox holds 10, so every point renders the same page size
    for size in m["mailboxes"]:
        scripts[f"inbox_{size}"] = Script(f"inbox_{size}", {
            "tokens": [g[str(size)]["token"]], "paths": ["/api/v1/conversations?limit=10"]},
            "  local path = paths[1]" + get_with)
    for page, query in ((1, ""), (lc["deep_page"], "?cursor=" + lc["deep_cursor"])):
        scripts[f"conversation_page_{page}"] = Script(f"conversation_page_{page}", {
            "tokens": [lc["token"]],
            "paths": [f"/api/v1/conversations/{lc['id']}/messages{query}"]},
            "  local path = paths[1]" + get_with)
    for size in m["bulk_senders"]:
        scripts[f"bulk_send_{size}"] = Script(f"bulk_send_{size}", {
            "tokenv": [g[str(size)]["token"]], "recipients": m["clean_recipients"]},
            "  local token = tokenv[1]" + growth_send)
    return scripts


def write_lua(script: Script, base: int, max_requests: int, threads: int, path: Path) -> None:
    src = (LUA_COMMON.replace("__NAME__", script.name).replace("__BASE__", str(base))
           .replace("__MAX__", str(max_requests)).replace("__THREADS__", str(threads))
           .replace("__SEED__", str(random.randrange(1 << 30)))
           .replace("__WORDS__", lua_list(corpus.VOCABULARY))
           .replace("__SUBJECTS__", lua_list(corpus.SUBJECTS))
           .replace("__PURPOSES__", lua_list(corpus.PURPOSES)))
    # Data lists are read from files: a long table constructor would hit LuaJIT's limit on
    # constants per function.
    data = []
    for k, values in script.data.items():
        listing = path.with_name(f"{path.stem}.{k}.txt")
        listing.write_text("\n".join(values) + "\n")
        data.append(f'local {k} = load_list("{listing}")')
    path.write_text(f"{src}\n" + "\n".join(data)
                    + f"\n\nfunction request()\n{script.request}\nend\n")


# ---------------------------------------------------------------------------------------------
# running wrk


@dataclass
class Result:
    name: str
    connections: int
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non2xx: int
    cpu_ms: float  # server CPU per request
    db_cpu_ms: float | None  # PostgreSQL CPU per request
    statuses: dict[str, int] = field(default_factory=dict)
    first_error: str = ""
    socket_errors: int = 0
    duration: float = 0.0

    @property
    def non2xx_share(self) -> float:
        return self.non2xx / self.requests if self.requests else 0.0


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def parse_wrk(text: str) -> dict[str, float]:
    """Requests/sec and the 50% / 99% latencies from `wrk --latency` output (in ms)."""
    out: dict[str, float] = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if m:
        out["rps"] = float(m.group(1))
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
        if m:
            out[f"p{pct}"] = float(m.group(1)) * _UNITS[m.group(2)]
    m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", text)
    if m:
        out["requests"] = float(m.group(1))
    return out


class Runner:
    def __init__(self, server: Server, manifest: dict[str, Any], state_path: Path,
                 workdir: Path, db: str, max_requests: int, console: Console) -> None:
        self.server, self.m, self.state_path, self.workdir = server, manifest, state_path, workdir
        self.db, self.max_requests, self.console = db, max_requests, console
        self.scripts = scenario_scripts(manifest)
        self.state: dict[str, int] = (json.loads(state_path.read_text())
                                      if state_path.exists() else {})
        self.threads = 1

    def warm(self, name: str) -> None:
        """2 s of load at c=8. The inbox scenario first reads each member's page once: its
        figures are then the cached pages it is about, however many members it reads (at
        500,000 members a first read takes ~2 ms, and 5,000 of them would fill most of a
        measured run). `--set inbox_cache_mb=0` measures pages read afresh."""
        if name == "inbox":
            inbox = self.scripts[name].data  # the very page the scenario reads
            asyncio.run(read_each(self.server.base, inbox["paths"][0], inbox["tokens"]))
        self.run(name, 8, 2, record=False)

    def run(self, name: str, connections: int, duration: float, record: bool = True,
            profile: Path | None = None) -> Result | None:
        script = self.scripts[name]
        key = "inmail_send" if name in ("inmail_send",) else name
        base = self.state.get(key, 0)
        lua = self.workdir / f"{name}.lua"
        write_lua(script, base, self.max_requests, self.threads, lua)
        duration = max(1, round(duration))  # wrk takes whole seconds
        cmd = [WRK, f"-t{self.threads}", f"-c{connections}", f"-d{duration}s", "--latency",
               "--timeout", "10s", "-s", str(lua), self.server.base]
        spy = None
        if profile is not None:
            spy = start_pyspy(self.server, profile, duration)
        pg = PostgresCPU(self.server.url) if self.db != "sqlite" else None
        if pg:
            pg.start()
        cpu0 = self.server.cpu_seconds()
        proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                              timeout=duration + 60)
        cpu1 = self.server.cpu_seconds()
        db_cpu = pg.stop() if pg else 0.0
        if spy is not None:
            spy.wait(60)
        out = proc.stdout
        data = next((json.loads(line[len("BENCHJSON "):]) for line in out.splitlines()
                     if line.startswith("BENCHJSON ")), None)
        if data is None:
            self.console.print(f"[red]wrk failed for {name}[/red]\n{out}\n{proc.stderr}")
            return None
        self.state[key] = base + int(data["sent"]) + 1
        self.state_path.write_text(json.dumps(self.state))
        parsed = parse_wrk(out)
        requests = int(parsed.get("requests", data["requests"]))
        statuses = {k: int(v) for k, v in data.items()
                    if k in ("ok", "s401", "s402", "s403", "s404", "s409", "s422", "s429",
                             "s5xx", "sother") and v}
        answered = sum(statuses.values())
        non2xx = answered - statuses.get("ok", 0)
        if not record:
            return None
        return Result(
            name=name, connections=connections, rps=parsed.get("rps", 0.0),
            p50_ms=parsed.get("p50", data["p50_us"] / 1000),
            p99_ms=parsed.get("p99", data["p99_us"] / 1000), requests=requests, non2xx=non2xx,
            cpu_ms=(cpu1 - cpu0) * 1000 / max(answered, 1),
            db_cpu_ms=db_cpu * 1000 / max(answered, 1) if pg else None,
            statuses=statuses, first_error=data.get("first_error", ""),
            socket_errors=int(data.get("socket_errors", 0)), duration=duration)


async def read_each(base: str, path: str, tokens: list[str], connections: int = 8) -> None:
    """GET `path` once as each member, `connections` at a time. Not wrk: wrk cannot stop at a
    count, it always runs its whole duration."""
    pending = iter(tokens)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        async def reader() -> None:
            for token in pending:
                response = await client.get(path, headers={"Authorization": f"Bearer {token}"})
                response.raise_for_status()

        await asyncio.gather(*(reader() for _ in range(connections)))


def start_pyspy(server: Server, out: Path, duration: float) -> subprocess.Popen[bytes]:
    """py-spy on the server (and its workers) for the run: a raw (collapsed) profile; the
    caller turns it into a flame graph and a text summary."""
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(Path(PYTHON).parent / "py-spy"), "record", "--pid", str(server.proc.pid),  # type: ignore[union-attr]
           "--rate", "250", "--duration", str(int(duration)), "--format", "raw", "--nolineno",
           "--output", str(out), "--nonblocking"]
    if server.workers > 1:
        cmd.append("--subprocesses")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return proc


# ---------------------------------------------------------------------------------------------
# send -> SSE delivery


async def sse_latency(base: str, sse: dict[str, str], count: int) -> dict[str, Any]:
    """A recipient holds /api/v1/events open; a sender posts `count` messages one after the
    other. For each: time from the POST's response to the `message.created` frame (negative
    when the frame arrived before the response), and from the POST's start to the frame."""
    arrived: dict[str, float] = {}
    connected = asyncio.Event()

    async def listen(client: httpx.AsyncClient) -> None:
        headers = {"Authorization": f"Bearer {sse['recipient_token']}"}
        async with client.stream("GET", "/api/v1/events", headers=headers) as resp:
            event = None
            async for line in resp.aiter_lines():
                now = time.monotonic()
                if line.startswith(": connected"):
                    connected.set()
                elif line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "message.created":
                    arrived[json.loads(line[6:])["message_id"]] = now

    timings: dict[str, tuple[float, float]] = {}
    async with httpx.AsyncClient(base_url=base, timeout=30) as listener, \
            httpx.AsyncClient(base_url=base, timeout=30) as sender:
        task = asyncio.create_task(listen(listener))
        await asyncio.wait_for(connected.wait(), 10)
        headers = {"Authorization": f"Bearer {sse['sender_token']}"}
        rng = random.Random(5)
        for _ in range(count):
            t0 = time.monotonic()
            r = await sender.post("/api/v1/messages", headers=headers, json={
                "to_member_id": sse["recipient_id"], "body": corpus.message_body(rng)})
            t1 = time.monotonic()
            if r.status_code == 201:
                timings[r.json()["id"]] = (t0, t1)
            await asyncio.sleep(0.002)
        deadline = time.monotonic() + 3
        while len(arrived) < len(timings) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
            await task
    after_resp = sorted((arrived[k] - t1) * 1000 for k, (_, t1) in timings.items()
                        if k in arrived)
    after_start = sorted((arrived[k] - t0) * 1000 for k, (t0, _) in timings.items()
                         if k in arrived)
    post = sorted((t1 - t0) * 1000 for t0, t1 in timings.values())
    return {"sent": count, "ok": len(timings), "delivered": len(after_resp),
            "p50_ms": pct(after_resp, 50), "p99_ms": pct(after_resp, 99),
            "from_start_p50_ms": pct(after_start, 50), "from_start_p99_ms": pct(after_start, 99),
            "post_p50_ms": pct(post, 50), "post_p99_ms": pct(post, 99),
            "before_response": sum(1 for x in after_resp if x < 0)}


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return sorted(values)[k]


# ---------------------------------------------------------------------------------------------
# bulk check in-process (the check alone, without HTTP)


def bulk_check_curve(m: dict[str, Any], url: str, iterations: int = 200) -> dict[str, Any]:
    """`services.compliance.bulk` for the senders with 100 and 100,000 past InMails, with fresh
    bodies (so the fingerprint is not cached): fingerprint time, then the check itself
    (candidate lookup and signature comparison), in a read transaction."""
    try:
        from inroad.services import compliance
    except ImportError as exc:
        return {"error": f"not measured: inroad.services.compliance missing ({exc})"}
    from inroad.clock import Clock
    from inroad.config import load_settings
    from inroad.context import Context
    from inroad.db import Database
    from inroad.domain import similarity

    settings = load_settings(database_url=url, bulk_max_recipients=1_000_000)
    ctx = Context(settings, Database(url), Clock())
    rng = random.Random(11)
    out: dict[str, Any] = {}
    recipient = m["clean_recipients"][0]
    try:
        for size in m["bulk_senders"]:
            sender = _member_id(ctx, m["growth"][str(size)]["token"])
            fp_ms, check_ms, cands = [], [], []
            for _ in range(iterations):
                body = corpus.inmail_body(rng)
                t0 = time.perf_counter()
                fp = similarity.fingerprint(body, "", settings.minhash_permutations,
                                            settings.minhash_bands)
                t1 = time.perf_counter()
                with ctx.db.read() as s:
                    now = ctx.now()
                    t2 = time.perf_counter()
                    compliance.bulk(ctx, s, sender, recipient, "", body, now)
                    t3 = time.perf_counter()
                    cands.append(len(ctx.fingerprints.candidates(
                        s, sender, fp.band_keys,
                        now - timedelta(days=settings.bulk_window_days), recipient)))
                fp_ms.append((t1 - t0) * 1000)
                check_ms.append((t3 - t2) * 1000)
            # The first check reads the sender's window into the process's index.
            out[str(size)] = {"first_check_ms": check_ms[0],
                              "fingerprint_p50_ms": pct(fp_ms, 50),
                              "check_p50_ms": pct(check_ms, 50),
                              "check_p99_ms": pct(check_ms, 99),
                              "candidates_mean": statistics.fmean(cands)}
    finally:
        ctx.db.dispose()
    return out


def _member_id(ctx: Any, token: str) -> str:
    from inroad.services import accounts

    return str(accounts.authenticate(ctx, token).id)


# ---------------------------------------------------------------------------------------------
# profiles


def summarize_profile(raw: Path, title: str, top: int = 30) -> str:
    """Collapsed stacks -> the heaviest frames: own time (leaf) and total time (anywhere on
    the stack, once per sample), as a share of the server's non-idle samples."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    inroad_own: Counter[str] = Counter()
    samples = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [f for f in stack.split(";") if f]
        if not frames:
            continue
        samples += n
        own[frames[-1]] += n
        for f in set(frames):
            total[f] += n
        app = next((f for f in reversed(frames) if "inroad/" in f), None)
        if app:
            inroad_own[app] += n
    lines = [f"# {title}", f"# {samples} samples (non-idle), py-spy --rate 250", "",
             "## Own time (leaf frames)"]
    lines += [f"{100 * n / samples:5.1f}%  {f}" for f, n in own.most_common(top)]
    lines += ["", "## Total time (frame anywhere on the stack)"]
    lines += [f"{100 * n / samples:5.1f}%  {f}" for f, n in total.most_common(top + 20)]
    lines += ["", "## Innermost inroad frame (time charged to app code and what it calls)"]
    lines += [f"{100 * n / samples:5.1f}%  {f}" for f, n in inroad_own.most_common(top)]
    return "\n".join(lines) + "\n"


def flamegraph_svg(raw: Path, svg: Path, title: str) -> None:
    """A minimal icicle/flame graph from collapsed stacks (py-spy writes either format per
    run; this keeps one run for both)."""
    root: dict[str, Any] = {"n": 0, "c": {}}
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        node = root
        node["n"] += int(count)
        for f in stack.split(";"):
            node = node["c"].setdefault(f, {"n": 0, "c": {}})
            node["n"] += int(count)
    width, row = 1600, 16
    rects: list[str] = []
    depth_max = [0]

    def walk(node: dict[str, Any], name: str, x: float, depth: int) -> None:
        w = width * node["n"] / max(root["n"], 1)
        if w < 0.5:
            return
        depth_max[0] = max(depth_max[0], depth)
        y = depth * row
        if depth:
            hue = 20 + (hash(name.split(" ")[0]) % 40)
            label = name if len(name) * 6.5 < w else name[: max(0, int(w / 6.5) - 2)] + ".."
            esc = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            lab = label.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            share = 100 * node["n"] / max(root["n"], 1)
            rects.append(f'<g><title>{esc} ({share:.1f}%)</title><rect x="{x:.1f}" y="{y}" '
                         f'width="{w:.1f}" height="{row - 1}" fill="hsl({hue},90%,60%)"/>'
                         f'<text x="{x + 2:.1f}" y="{y + 12}" font-size="11">'
                         f'{lab if w > 20 else ""}</text></g>')
        cx = x
        for child_name, child in sorted(node["c"].items()):
            walk(child, child_name, cx, depth + 1)
            cx += width * child["n"] / max(root["n"], 1)

    walk(root, "all", 0, 0)
    height = (depth_max[0] + 2) * row + 20
    svg.write_text(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                   f'font-family="monospace"><text x="4" y="{height - 6}" font-size="12">'
                   f'{title} (icicle: callers on top; hover for names)</text>'
                   + "".join(rects) + "</svg>")


# ---------------------------------------------------------------------------------------------
# reporting


def fmt(x: float | None, digits: int = 2) -> str:
    if x is None or x != x:
        return "-"
    return f"{x:,.{digits}f}"


def ratio(a: float | None, b: float | None) -> str:
    if not a or not b or a != a or b != b:
        return "-"
    return f"{a / b:.2f}"


def build_tables(results: list[Result], echo: dict[int, Result], db: str) -> list[list[str]]:
    rows = []
    for r in results:
        e = echo.get(r.connections)
        rows.append([r.name, str(r.connections), fmt(r.rps, 0), ratio(r.rps, e.rps if e else None),
                     fmt(r.p50_ms), fmt(r.p99_ms), ratio(r.p50_ms, e.p50_ms if e else None),
                     fmt(r.cpu_ms), ratio(r.cpu_ms, e.cpu_ms if e else None),
                     *([fmt(r.db_cpu_ms)] if db != "sqlite" else []),
                     f"{100 * r.non2xx_share:.1f}%"])
    return rows


HEAD = ["scenario", "conns", "req/s", "xecho", "p50 ms", "p99 ms", "p50 xecho", "CPU ms/req",
        "CPU xecho"]


def average_echo(first: list[Result], last: list[Result]) -> dict[int, Result]:
    """The bare POST measured at the start and at the end of the run, averaged."""
    out: dict[int, Result] = {}
    for r in first:
        later = next((x for x in last if x.connections == r.connections), None)
        if later is None:
            out[r.connections] = r
            continue
        out[r.connections] = Result(
            "echo (mean)", r.connections, (r.rps + later.rps) / 2, (r.p50_ms + later.p50_ms) / 2,
            (r.p99_ms + later.p99_ms) / 2, r.requests + later.requests, r.non2xx + later.non2xx,
            (r.cpu_ms + later.cpu_ms) / 2,
            None if r.db_cpu_ms is None or later.db_cpu_ms is None
            else (r.db_cpu_ms + later.db_cpu_ms) / 2)
    return out


def targets(results: list[Result], echo: dict[int, Result], sse: dict[str, Any] | None,
            growth: dict[str, dict[str, dict[str, float]]]) -> list[tuple[str, str, str]]:
    def get(name: str, c: int) -> Result | None:
        return next((r for r in results if r.name == name and r.connections == c), None)

    out = []
    send = get("inmail_send", 32)
    if send:
        e = echo.get(32)
        out.append(("InMail send ≥ 1,000/s (c=32)", fmt(send.rps, 0),
                    "yes" if send.rps >= 1000 else "no"))
        out.append(("InMail send ≤ 1 ms server CPU", fmt(send.cpu_ms),
                    "yes" if send.cpu_ms <= 1 else "no"))
        if e:
            share = send.rps / e.rps
            out.append(("InMail send ≥ 20% of bare POST (c=32)", f"{100 * share:.1f}%",
                        "yes" if share >= 0.2 else "no"))
    inbox = get("inbox", 32)
    if inbox:
        out.append(("inbox ≥ 3,000/s (c=32)", fmt(inbox.rps, 0),
                    "yes" if inbox.rps >= 3000 else "no"))
        out.append(("inbox p99 ≤ 20 ms (c=32)", fmt(inbox.p99_ms),
                    "yes" if inbox.p99_ms <= 20 else "no"))
    if sse and sse.get("delivered"):
        out.append(("send → SSE p99 ≤ 10 ms", fmt(sse["p99_ms"]),
                    "yes" if sse["p99_ms"] <= 10 else "no"))
    for curve, points in growth.items():
        cpu, p50 = spread(points, "cpu"), spread(points, "p50")
        if cpu is not None and p50 is not None:
            out.append((f"{curve} flat within 20% (CPU/req; p50)",
                        f"{100 * cpu:+.0f}%; {100 * p50:+.0f}%",
                        "yes" if abs(cpu) <= 0.2 else "no"))
    return out


def spread(points: dict[str, dict[str, float]], key: str) -> float | None:
    """The largest departure from the first (smallest) point, signed."""
    vals = [v[key] for v in points.values()]
    if len(vals) < 2 or not vals[0]:
        return None
    return max((v / vals[0] - 1 for v in vals[1:]), key=abs)


def growth_lines(growth: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    out = []
    for curve, points in growth.items():
        first = next(iter(points.values()))
        out.append(f"{curve}: " + "; ".join(
            f"{k}: p50 {fmt(v['p50'])} ms (x{v['p50'] / first['p50']:.2f}), server CPU "
            f"{fmt(v['cpu'])} ms/req (x{v['cpu'] / first['cpu']:.2f})"
            for k, v in points.items()))
    return out


def append_results(text: str) -> None:
    """Add this run under "## Throughput and latency" in bench/RESULTS.md."""
    recording.append_block(
        "## Throughput and latency",
        "Written by `bench/run.py` (see bench/README.md): one block per run, newest last. Ratios "
        "are to the bare JSON POST (`POST /api/v1/bench/echo`) measured in the same run; they "
        "are what to compare across runs on this noisy, shared machine.", text)


def markdown(results: list[Result], echo_first: list[Result], echo_last: list[Result],
             echo: dict[int, Result], db: str, growth: dict[str, dict[str, dict[str, float]]],
             growth_detail: list[Result], bulk: dict[str, Any], sse: dict[str, Any] | None,
             meta: dict[str, Any]) -> str:
    mach = meta["machine"]
    lines = [
        f"### {meta['date']} — {meta['scale']} dataset, {db}, {meta['workers']} worker"
        f"{'s' if meta['workers'] > 1 else ''}",
        "",
        f"* command: `{meta['command']}`",
        f"* machine: {mach['cores']} cores ({mach['cpu']}), {mach['memory']}, Linux "
        f"{mach['kernel']}, Python {mach['python']}; load average at start {mach['load']} "
        "(the machine is shared: other engineers' test suites run on it)",
        f"* code: commit {meta['commit']} plus the working tree as it was during the run",
        f"* dataset: {meta['dataset']}",
        f"* server: `uvicorn inroad.web.asgi:app --workers {meta['workers']}` (uvloop, "
        f"httptools), events via {meta['broker']}; load: wrk 4.1, 1 thread, "
        f"{meta['duration']:g} s per figure after a 2 s warm-up",
        "",
    ]
    head = HEAD + (["DB CPU ms/req"] if db != "sqlite" else []) + ["non-2xx"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for row in build_tables(echo_first + results + echo_last, echo, db):
        lines.append("| " + " | ".join(row) + " |")
    bad = [r for r in results if r.non2xx]
    if bad:
        lines.append("")
        for r in bad:
            lines.append(f"* non-2xx in {r.name} c={r.connections}: {r.statuses} — "
                         f"`{r.first_error[:160]}`")
    if growth:
        lines += ["", "Growth curves (c=1; ratios to the smallest point):", ""]
        lines += [f"* {line}" for line in growth_lines(growth)]
    if bulk:
        if "error" in bulk:
            lines.append(f"* bulk check in-process: {bulk['error']}")
        else:
            lines.append("* bulk check in-process (`services.compliance.bulk`, fresh bodies): "
                         + "; ".join(f"{k} past InMails: check p50 {fmt(v['check_p50_ms'])} ms, "
                                     f"p99 {fmt(v['check_p99_ms'])} ms, "
                                     f"{v['candidates_mean']:.1f} candidates; fingerprint "
                                     f"{fmt(v['fingerprint_p50_ms'])} ms; first check "
                                     f"{fmt(v['first_check_ms'])} ms"
                                     for k, v in bulk.items()))
    if sse:
        lines.append(f"* send → SSE (`message.created`, {sse['delivered']}/{sse['sent']} "
                     f"delivered): response→frame p50 {fmt(sse['p50_ms'])} ms, p99 "
                     f"{fmt(sse['p99_ms'])} ms; request start→frame p50 "
                     f"{fmt(sse['from_start_p50_ms'])} ms, p99 {fmt(sse['from_start_p99_ms'])} "
                     f"ms; POST p50 {fmt(sse['post_p50_ms'])} ms; frames that beat the "
                     f"response: {sse['before_response']}")
    tg = targets(results, echo, sse, growth)
    if tg:
        lines += ["", TARGETS_NOTE, "", "| target | measured | met |", "|---|---|---|"]
        lines += [f"| {a} | {b} | {c} |" for a, b, c in tg]
    return "\n".join(lines) + "\n"


def print_tables(console: Console, results: list[Result], echo_first: list[Result],
                 echo_last: list[Result], echo: dict[int, Result], db: str,
                 growth: dict[str, dict[str, dict[str, float]]], bulk: dict[str, Any],
                 sse: dict[str, Any] | None) -> None:
    table = Table(title="Throughput, latency, server CPU (ratios to the bare JSON POST)")
    for h in HEAD + (["DB CPU ms/req"] if db != "sqlite" else []) + ["non-2xx"]:
        table.add_column(h, justify="left" if h == "scenario" else "right")
    for row in build_tables(echo_first + results + echo_last, echo, db):
        table.add_row(*row)
    console.print(table)
    for r in results:
        if r.non2xx:
            console.print(f"[yellow]{r.name} c={r.connections}: {r.statuses} "
                          f"{r.first_error[:200]}[/yellow]")
    if growth:
        console.rule("Growth curves (c=1; ratios to the smallest point)")
        for line in growth_lines(growth):
            console.print(line)
    if bulk:
        console.print("bulk check in-process:", bulk)
    if sse:
        console.print("send → SSE:", sse)
    tg = targets(results, echo, sse, growth)
    if tg:
        t = Table(title="Targets (" + TARGETS_NOTE + ")")
        for h in ("target", "measured", "met"):
            t.add_column(h)
        for row in tg:
            t.add_row(*row)
        console.print(t)


# ---------------------------------------------------------------------------------------------
# main


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", choices=["small", "large"], default="small")
    p.add_argument("--members", type=int, help="regular members instead of the scale's")
    p.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--duration", type=float, default=8.0, help="seconds per measured figure")
    p.add_argument("--growth-duration", type=float, default=6.0,
                   help="seconds per growth point, in 3 interleaved rounds")
    p.add_argument("--connections", default="1,32")
    p.add_argument("--only", help="comma-separated: " + ",".join(SCENARIOS + GROWTH + EXTRA))
    p.add_argument("--reuse", action="store_true",
                   help="reuse the dataset from an earlier run if there is one")
    p.add_argument("--data-dir", type=Path,
                   default=Path(os.environ.get("INROAD_BENCH_DATA", "/tmp/inroad-bench")))
    p.add_argument("--redis", nargs="?", const="redis://127.0.0.1:6379/0",
                   help="events through Redis (the default with --workers > 1)")
    p.add_argument("--sse-messages", type=int, default=500)
    p.add_argument("--max-requests", type=int, default=2_000_000,
                   help="safety bound on requests per wrk run")
    p.add_argument("--profile", action="store_true",
                   help="py-spy the server during each selected scenario (c=32) and write "
                        "bench/profiles/<db>-w<workers>-<scenario>.{txt,svg}; nothing recorded")
    p.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a server setting, e.g. --set request_threads=40 (INROAD_NAME=VALUE)")
    args = p.parse_args()
    SERVER_SETTINGS.update(
        (f"INROAD_{name.upper()}", value) for name, value in
        (item.split("=", 1) for item in args.set))

    console = Console()
    if not console.is_terminal:
        console = Console(width=160)
    only = set(args.only.split(",")) if args.only else set(SCENARIOS + GROWTH + EXTRA)
    unknown = only - set(SCENARIOS + GROWTH + EXTRA)
    if unknown:
        raise SystemExit(f"unknown --only names: {sorted(unknown)}")
    conns = [int(c) for c in args.connections.split(",")]
    scale = dataset.Scale.of(args.scale, args.members)
    manifest_path = args.data_dir / f"{scale.name}-{args.db}.json"
    state_path = args.data_dir / f"{scale.name}-{args.db}-state.json"
    if args.reuse and manifest_path.exists():
        m = json.loads(manifest_path.read_text())
        console.print(f"reusing {m['url']} (built {m['built_at']})")
    else:
        console.rule(f"dataset: {scale.name} on {args.db}")
        m = dataset.build(scale, args.db, args.data_dir, console)
        state_path.unlink(missing_ok=True)
        console.print(f"built in {m['build_seconds']} s: "
                      + ", ".join(f"{k} {v:,}" for k, v in m["rows"].items()))
    url = m["url"]
    redis = args.redis or ("redis://127.0.0.1:6379/0" if args.workers > 1 else None)

    bulk: dict[str, Any] = {}
    if "bulk_growth" in only and not args.profile:
        console.rule("bulk check (in-process)")
        bulk = bulk_check_curve(m, url)

    log = args.data_dir / "server.log"
    server = Server(url, args.workers, redis, log)
    console.rule(f"server: {shlex.join(server.command[1:])}")
    server.start()
    workdir = Path(tempfile.mkdtemp(prefix="inroad-wrk-"))
    runner = Runner(server, m, state_path, workdir, args.db, args.max_requests, console)
    results: list[Result] = []
    echo_first: list[Result] = []
    echo_last: list[Result] = []
    growth: dict[str, dict[str, dict[str, float]]] = {}
    growth_detail: list[Result] = []
    sse: dict[str, Any] | None = None
    selected = [s for s in SCENARIOS if s in only]
    try:
        plan: list[tuple[str, Any]] = []
        if args.profile:
            for name in selected:
                plan.append((f"profile {name}", ("profile", name)))
        else:
            plan += [(f"echo c={c}", ("echo", c, echo_first)) for c in conns]
            for name in selected:
                plan.append((f"{name} warm-up", ("warm", name)))
                plan += [(f"{name} c={c}", ("measure", name, c)) for c in conns]
            deep = m["long_conversation"]["deep_page"]
            curves = {
                "inbox_growth": ("inbox page (limit 10) by mailbox size", [
                    (f"inbox_{n}", f"{n:,} conversations") for n in m["mailboxes"]]),
                "conversation_growth": ("conversation page", [
                    (f"conversation_page_{n}", f"page {n:,}") for n in (1, deep)]),
                "bulk_growth": ("InMail send by sender's past InMails", [
                    (f"bulk_send_{n}", f"{n:,} past") for n in m["bulk_senders"]]),
            }
            plan += [(curve, ("growth", curve, points)) for key, (curve, points) in
                     curves.items() if key in only]
            if "sse" in only:
                plan.append(("send → SSE", ("sse",)))
            plan += [(f"echo c={c} (again)", ("echo", c, echo_last)) for c in conns]
        with Progress(TextColumn("{task.description:<28}"), BarColumn(), TextColumn(
                "{task.completed}/{task.total}"), TimeElapsedColumn(), console=console) as bar:
            task = bar.add_task("benchmark", total=len(plan))
            for label, step in plan:
                bar.update(task, description=label)
                kind = step[0]
                if kind == "echo":
                    runner.run("echo", 8, 2, record=False)
                    r = runner.run("echo", step[1], args.duration)
                    if r:
                        if step[2] is echo_last:
                            r.name = "echo (end)"
                        step[2].append(r)
                elif kind == "warm":
                    runner.warm(step[1])
                elif kind == "measure":
                    r = runner.run(step[1], step[2], args.duration)
                    if r:
                        results.append(r)
                elif kind == "growth":
                    # The points of a curve take turns, GROWTH_ROUNDS times, so that a change
                    # in the machine's background load hits all of them alike.
                    _, curve, points = step
                    for name, _ in points:
                        runner.run(name, 1, 1, record=False)
                    rounds: dict[str, list[Result]] = {name: [] for name, _ in points}
                    for _ in range(GROWTH_ROUNDS):
                        for name, _ in points:
                            r = runner.run(name, 1, args.growth_duration / GROWTH_ROUNDS)
                            if r:
                                rounds[name].append(r)
                                growth_detail.append(r)
                                if r.non2xx:
                                    console.print(f"[yellow]{name}: {r.statuses} "
                                                  f"{r.first_error}")
                    for name, point in points:
                        rs = rounds[name]
                        if rs:
                            answered = sum(x.requests for x in rs) or 1
                            growth.setdefault(curve, {})[point] = {
                                "p50": statistics.median(x.p50_ms for x in rs),
                                # app + database CPU (PostgreSQL's share is real work too)
                                "cpu": sum((x.cpu_ms + (x.db_cpu_ms or 0.0)) * x.requests
                                           for x in rs) / answered}
                elif kind == "sse":
                    sse = asyncio.run(sse_latency(server.base, m["sse"], args.sse_messages))
                elif kind == "profile":
                    name = step[1]
                    runner.warm(name)
                    stem = BENCH / "profiles" / f"{args.db}-w{args.workers}-{name}"
                    raw = stem.with_suffix(".raw")
                    r = runner.run(name, 32, args.duration, profile=raw)
                    if raw.exists():
                        title = (f"{name}, c=32, {scale.name} {args.db}, {args.workers} worker(s)"
                                 + (f": {r.rps:,.0f} req/s, {r.cpu_ms:.2f} ms CPU/req "
                                    "(py-spy attached)" if r else ""))
                        stem.with_suffix(".txt").write_text(summarize_profile(raw, title))
                        flamegraph_svg(raw, stem.with_suffix(".svg"), title)
                        raw.unlink()
                        console.print(f"profile: {stem}.txt / .svg")
                bar.advance(task)
    finally:
        server.stop()

    if args.profile:
        return
    echo = average_echo(echo_first, echo_last)
    print_tables(console, results, echo_first, echo_last, echo, args.db, growth, bulk, sse)
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "scale": scale.name, "workers": args.workers, "duration": args.duration,
        "command": "python bench/run.py " + shlex.join(sys.argv[1:]),
        "machine": recording.machine(), "commit": recording.git_commit(),
        "broker": "Redis pub/sub" if redis else "the in-process broker",
        "dataset": (f"{m['members']:,} members; " + ", ".join(
            f"{k} {v:,}" for k, v in m["rows"].items()
            if k in ("connections", "conversations", "messages", "inmails", "inmail_fingerprints"))
            + f"; built in {m['build_seconds']} s" + (" (reused)" if args.reuse else "")),
    }
    stamp = int(time.time())
    raw_out = args.data_dir / f"results-{scale.name}-{args.db}-w{args.workers}-{stamp}.json"
    raw_out.write_text(json.dumps({
        "meta": meta, "results": [asdict(r) for r in results],
        "echo_first": [asdict(r) for r in echo_first], "echo_last": [asdict(r) for r in echo_last],
        "growth": growth, "growth_detail": [asdict(r) for r in growth_detail], "bulk": bulk,
        "sse": sse}, indent=1))
    console.print(f"raw results: {raw_out}")
    if not args.no_record:
        append_results(markdown(results, echo_first, echo_last, echo, args.db, growth,
                                growth_detail, bulk, sse, meta))
        console.print("appended to bench/RESULTS.md")


if __name__ == "__main__":
    main()
