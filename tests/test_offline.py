"""No network access during build, query, validate, viz or export, proved with an audit hook.

The hook is installed through sitecustomize on PYTHONPATH, so it is in every Python process a
command starts (the HermiT child too). It logs each network event to a file, as well as raising,
so an exception swallowed somewhere cannot hide an attempt.
"""
import shutil

import pytest

from conftest import run_cli

HOOK = '''
import os, socket, sys

LOG = os.environ["NRKG_AUDIT_LOG"]
NETWORK = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr",
           "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect", "webbrowser.open"}


def hook(event, args):
    if event == "socket.connect" and getattr(args[0], "family", None) in (socket.AF_INET, socket.AF_INET6):
        pass
    elif event not in NETWORK:
        return
    with open(LOG, "a", encoding="utf-8") as fh:
        fh.write(f"{os.getpid()} {event} {args!r}\\n")
    raise RuntimeError(f"network access: {event}")


sys.addaudithook(hook)
with open(LOG + ".loaded", "a", encoding="utf-8") as fh:  # proof that this process was watched
    fh.write(f"{os.getpid()}\\n")
'''

COMMANDS = [
    ("build", ["build", "--out", "{tmp}/out"]),
    ("query", ["query", "documents-mentioning"]),
    ("query-built-file", ["query", "agreements", "--graph", "{tmp}/out/nato-russia.trig", "--store", "oxigraph"]),
    ("validate", ["validate"]),
    ("viz", ["viz", "--out", "{tmp}/page.html"]),
    ("export-jsonld", ["export", "--format", "jsonld", "-o", "{tmp}/g.jsonld"]),
    ("explain", ["explain", "RNC"]),
]


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("offline")
    (tmp / "site").mkdir()
    (tmp / "site" / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    return tmp


def test_the_hook_catches_an_attempt(audited):
    """The proof is only as good as the hook: a real attempt must be logged and refused."""
    import subprocess
    import sys

    log = audited / "probe.log"
    env = {"PYTHONPATH": str(audited / "site"), "NRKG_AUDIT_LOG": str(log), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-c", "import urllib.request; urllib.request.urlopen('http://example.org/')"],
                       env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "network access: urllib.Request" in r.stderr
    assert "urllib.Request" in log.read_text(encoding="utf-8")


@pytest.mark.parametrize("name,args", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_command_makes_no_network_access(audited, name, args):
    import os

    log = audited / f"{name}.log"
    env = {"PYTHONPATH": str(audited / "site") + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "NRKG_AUDIT_LOG": str(log)}
    if name == "validate" and shutil.which("java") is None and os.environ.get("CI") != "true":
        pytest.skip("Java is not installed (HermiT needs it)")
    r = run_cli(*[a.format(tmp=audited) for a in args], env=env)
    assert r.returncode == 0, r.stderr
    assert not log.exists(), log.read_text(encoding="utf-8")
    watched = (audited / f"{name}.log.loaded").read_text(encoding="utf-8").split()
    assert len(watched) >= (2 if name in ("build", "validate") else 1)  # with HermiT's child process
