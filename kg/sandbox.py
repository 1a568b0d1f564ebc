"""Walls for processes that run users' queries: no network, and no life after their parent.

`deny_network()` installs a seccomp filter (Linux, x86_64 or aarch64) under which the process and
its children can no longer create a network socket: `socket()` of any family but AF_UNIX fails
with EACCES, and so does `io_uring_setup` (which could open sockets behind seccomp's back). It
is the wall below the SPARQL parsers: should a query that the vetting parser read as harmless
still make the store call out (a SERVICE that one parser sees and the other does not), the
connection cannot be made. A filter cannot be removed, so it is installed only in processes that
do nothing else afterwards: the endpoint's query workers and `nrkg query`.

`die_with_parent()` asks the kernel to kill the process when its parent dies, so a query worker
never outlives a killed server (and never keeps its port).

`drop_inherited_sockets(keep)` points every inherited socket descriptor but `keep` at /dev/null:
a worker forked from a running server must not hold its listening socket or its clients'.

`limit_memory(bytes)` caps the process's address space, so a query cannot take the machine's
memory: the endpoint's workers run under `nrkg serve --worker-memory`.
"""
from __future__ import annotations

import ctypes
import os
import platform
import signal
import stat
import struct

_PR_SET_PDEATHSIG = 1
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_EACCES = 0x00050000 | 13
_LD_W_ABS, _JEQ_K, _RET_K = 0x20, 0x15, 0x06
_AF_UNIX = 1
_X32 = 0x40000000
# machine -> (audit arch, socket syscall numbers, io_uring_setup)
_ARCHES = {
    "x86_64": (0xC000003E, (41, 41 | _X32), 425),
    "aarch64": (0xC00000B7, (198,), 425),
}


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _program(arch: int, sockets: tuple[int, ...], uring: int) -> list[tuple[int, int, int, int]]:
    """The BPF program, as (code, jump-if-true, jump-if-false, k) rows with resolved jumps."""
    rows: list = [("ld", 4), ("jeq", arch, None, "deny"), ("ld", 0)]
    rows += [("jeq", nr, "family", None) for nr in sockets]
    rows += [("jeq", uring, "deny", None), ("ret", _RET_ALLOW),
             ("family:ld", 16), ("jeq", _AF_UNIX, "allow", None), ("deny:ret", _RET_EACCES),
             ("allow:ret", _RET_ALLOW)]
    labels = {r[0].split(":")[0]: i for i, r in enumerate(rows) if ":" in r[0]}

    def jump(i, target):
        return 0 if target is None else labels[target] - i - 1

    out = []
    for i, row in enumerate(rows):
        op = row[0].split(":")[-1]
        if op == "ld":
            out.append((_LD_W_ABS, 0, 0, row[1]))
        elif op == "ret":
            out.append((_RET_K, 0, 0, row[1]))
        else:
            out.append((_JEQ_K, jump(i, row[2]), jump(i, row[3]), row[1]))
    return out


def deny_network() -> bool:
    """Forbid network sockets in this process and its future children; False where unsupported."""
    arch = _ARCHES.get(platform.machine())
    if arch is None or os.name != "posix" or platform.system() != "Linux":
        return False
    prog = _program(*arch)
    buf = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *row) for row in prog))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(prog), ctypes.cast(buf, ctypes.c_void_p))
    libc = _libc()
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0


def die_with_parent(parent_pid: int) -> None:
    """Be killed when the parent dies; exit now if it already has."""
    if platform.system() == "Linux":
        _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(0)


def drop_inherited_sockets(keep: int) -> None:
    """Point every socket descriptor but `keep` at /dev/null (the descriptor numbers stay valid)."""
    try:
        fds = [int(n) for n in os.listdir("/proc/self/fd")]
    except OSError:
        return
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in fds:
            if fd in (keep, null):
                continue
            try:
                if stat.S_ISSOCK(os.fstat(fd).st_mode):
                    os.dup2(null, fd)
            except OSError:
                pass
    finally:
        os.close(null)


def limit_memory(limit: int) -> bool:
    """Cap this process's address space at `limit` bytes (RLIMIT_AS): past it, allocations fail
    (MemoryError in Python; Oxigraph, in Rust, aborts), and its resident memory can never exceed it.
    False where unsupported."""
    try:
        import resource
    except ImportError:
        return False
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        return False
    return True
