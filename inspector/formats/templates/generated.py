"""Logs generated from a fixed seed, with the true template of every line.

``generated_systems()`` writes six small logs unlike the Loghub samples: other headers
(syslog with a host and a tag, logcat, pipe-separated fields, a bracketed time before a
program and a dash, a labelled line before a syslog part, log4j with a request context)
and other variables (user and host names without digits, programs, paths, ``key=value``,
quantities written twice, durations), with events that differ in one word (``opened`` /
``closed``) next to events whose one changing word is a parameter. They are a held-out
check for ``quality.leave_one_system_out``: nothing in the miner knows them.

>>> [system.name for system in generated_systems()][:2]
['gen-syslog', 'gen-logcat']
"""

from __future__ import annotations

import random
from collections.abc import Callable

from inspector.formats.templates.quality import System

LINES = 1500
_WORDS = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
          "mallory", "oscar", "peggy", "trent", "victor", "walter", "admin", "backup",
          "deploy", "oracle", "postgres", "www-data", "nagios", "jenkins", "git")
_HOSTS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
          "india", "juliet", "kilo", "lima")
_PROGRAMS = ("chrome.exe", "firefox.exe", "outlook.exe", "teams.exe", "svchost.exe",
             "java.exe", "python.exe")
_DOMAINS = ("example.com", "corp.example.net", "internal.test", "cdn.example.org")


def _user(r: random.Random) -> str:
    return r.choice(_WORDS)


def _host(r: random.Random) -> str:
    return f"{r.choice(_HOSTS)}.{r.choice(_DOMAINS)}"


def _ip(r: random.Random) -> str:
    return f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"


def _path(r: random.Random) -> str:
    return "/" + "/".join(r.choice(("var", "srv", "data", "cache", "tmp", "opt", "app"))
                          for _ in range(r.randint(2, 4))) + f"/{r.choice(_WORDS)}.dat"


def _size(r: random.Random) -> str:
    size = r.randint(0, 90000)
    return f"{size} bytes" + (f" ({size / 1024:.1f} KB)" if size >= 1024 else "")


# Events of a generic service: (event id, template function). Pairs that differ in one word
# are distinct events (E1/E2, E7/E8); the one changing word of E3, E4, E5 is a parameter.
_EVENTS: tuple[tuple[str, Callable[[random.Random], str]], ...] = (
    ("E1", lambda r: f"session opened for user {_user(r)} by uid={r.randint(0, 999)}"),
    ("E2", lambda r: f"session closed for user {_user(r)}"),
    ("E3", lambda r: f"Invalid user {_user(r)} from {_ip(r)}"),
    ("E4", lambda r: f"Accepted publickey for {_user(r)} from {_ip(r)} port "
                     f"{r.randint(1024, 65535)}"),
    ("E5", lambda r: f"reverse mapping checking getaddrinfo for {_host(r)} failed"),
    ("E6", lambda r: f"close, {_size(r)} sent, {_size(r)} received, lifetime "
                     f"{r.choice(('<1 sec', '00:01', '00:17', '02:19'))}"),
    ("E7", lambda r: f"VM Started (Lifecycle Event) instance={r.getrandbits(64):016x}"),
    ("E8", lambda r: f"VM Stopped (Lifecycle Event) instance={r.getrandbits(64):016x}"),
    ("E9", lambda r: f"Opened {_path(r)} for reading in {r.randint(1, 900)} ms"),
    ("E10", lambda r: f"cache state={r.choice(('warm', 'cold', 'stale'))} entries="
                      f"{r.randint(0, 10**6)} owner={_user(r)}"),
    ("E11", lambda r: f"Connection to {_host(r)}:{r.randint(1, 65535)} timed out after "
                      f"{r.randint(1, 60)} s"),
    ("E12", lambda r: "Health check passed"),
)


def _messages(rng: random.Random, count: int) -> list[tuple[str, str]]:
    weights = [rng.randint(1, 20) for _ in _EVENTS]
    chosen = rng.choices(_EVENTS, weights, k=count)
    return [(event_id, template(rng)) for event_id, template in chosen]


def _syslog(r: random.Random, n: int, message: str) -> str:
    return (f"Nov {r.randint(1, 28):2d} 0{r.randint(0, 9)}:{r.randint(10, 59)}:"
            f"{r.randint(10, 59)} {r.choice(_HOSTS)} {r.choice(('sshd', 'su', 'crond'))}"
            f"[{r.randint(100, 40000)}]: {message}")


def _logcat(r: random.Random, n: int, message: str) -> str:
    return (f"11-17 09:{r.randint(10, 59)}:{r.randint(10, 59)}.{r.randint(100, 999)}  "
            f"{r.randint(100, 9999):4d}  {r.randint(100, 9999):4d} {r.choice('VDIWE')} "
            f"{r.choice(('ActivityManager', 'WindowManager', 'PowerManager'))}: {message}")


def _pipes(r: random.Random, n: int, message: str) -> str:
    return (f"20261117-09:{r.randint(10, 59)}:{r.randint(10, 59)}:{r.randint(100, 999)}|"
            f"{r.choice(('Step_LSC', 'Sync_Svc', 'Net_Mon'))}|{r.randint(10**7, 10**8)}|"
            f"{message}")


def _bracketed(r: random.Random, n: int, message: str) -> str:
    return (f"[11.17 09:{r.randint(10, 59)}:{r.randint(10, 59)}] {r.choice(_PROGRAMS)} - "
            f"{message}")


def _labelled(r: random.Random, n: int, message: str) -> str:
    host = r.choice(_HOSTS)
    return (f"- {1763370000 + n} 2026.11.17 {host} Nov 17 09:{r.randint(10, 59)}:"
            f"{r.randint(10, 59)} {host}/{host} {r.choice(('crond(pam_unix)', 'sshd', 'ntpd'))}"
            f"[{r.randint(100, 40000)}]: {message}")


def _log4j(r: random.Random, n: int, message: str) -> str:
    context = r.choice((f"req-{r.getrandbits(32):08x} {r.choice(_WORDS)} - - -", "-"))
    return (f"2026-11-17 09:{r.randint(10, 59)}:{r.randint(10, 59)}.{r.randint(100, 999)} "
            f"{r.randint(1000, 30000)} INFO {r.choice(('svc.api.server', 'svc.compute.manager'))}"
            f" [{context}] {message}")


_HEADERS = (("gen-syslog", _syslog), ("gen-logcat", _logcat), ("gen-pipes", _pipes),
            ("gen-bracketed", _bracketed), ("gen-labelled", _labelled),
            ("gen-log4j", _log4j))


def generated_systems(seed: int = 14) -> list[System]:
    """Six generated logs of ``LINES`` lines each (see the module doc)."""
    systems = []
    for index, (name, header) in enumerate(_HEADERS):
        rng = random.Random(seed * 100 + index)
        pairs = _messages(rng, LINES)
        systems.append(System(name, [header(rng, n, message) for n, (_, message)
                                     in enumerate(pairs)], [event for event, _ in pairs]))
    return systems
