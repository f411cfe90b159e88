"""The inside of the sandbox: namespaces, mounts, limits, then exec the untrusted program.

Run by `codeassist.generate.sandbox` as `python -I -S sandbox_init.py ...`, so it imports
the standard library only. Three processes, the last one untrusted:

1. the launcher enters new user, mount, network, PID, IPC and UTS namespaces, maps only the
   caller's own uid and gid, forks (2) and waits for it; SIGTERM makes it SIGKILL (2);
2. the PID namespace's init (pid 1, not dumpable, dies with the launcher) makes every mount
   read-only, mounts a size-capped tmpfs as the only writable directory, a minimal /dev and a
   fresh /proc, forks (3) and exits with its status. When init exits the kernel kills every
   other process of the namespace, and init is only reaped after they are gone: the
   launcher's wait returning means the whole process tree has ended;
3. the program: rlimits, no capabilities (empty bounding set, no new privileges), a seccomp
   filter that refuses `socket()` and io_uring, then `execve`.

A setup failure is written to the error pipe (close-on-exec, so a successful exec closes it)
and ends the process with status 125; the caller turns it into a refusal.
"""

from __future__ import annotations

import ctypes
import os
import platform
import resource
import signal
import struct
import sys

SETUP_FAILED = 125

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
NAMESPACES = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x1, 0x2, 0x4, 0x8
MS_BIND, MS_MOVE, MS_REC, MS_PRIVATE = 0x1000, 0x2000, 0x4000, 0x40000
MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID = 0x1, 0x2
AT_FDCWD, AT_RECURSIVE = -100, 0x8000
SYS_MOUNT_SETATTR = 442  # the same number on every architecture (added in Linux 5.12)

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP = 1, 4, 24
PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 47, 4
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS = 0x7FFF0000, 0x00050000, 0x80000000
EPERM = 1
# architecture -> (audit arch, socket, io_uring_setup). x86_64's x32 numbers have bit 30 set.
SYSCALLS = {"x86_64": (0xC000003E, 41, 425), "aarch64": (0xC00000B7, 198, 425)}
X32_BIT = 0x40000000

DEVICES = ("null", "zero", "full", "random", "urandom")
LIMITS_ORDER = ("cpu_s", "memory_bytes", "file_bytes", "processes", "open_files")

_libc = ctypes.CDLL(None, use_errno=True)


class SetupError(Exception):
    """A step of the sandbox could not be taken here."""


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise SetupError(f"{what} failed: {os.strerror(errno)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    encode = (lambda text: None if text is None else text.encode())
    _check(_libc.mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(data)),
           f"mount {target}")


def _make_read_only(path: str) -> None:
    # struct mount_attr {u64 attr_set, attr_clr, propagation, userns_fd}
    attr = ctypes.create_string_buffer(struct.pack("QQQQ", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID, 0, 0, 0))
    _check(_libc.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), AT_RECURSIVE, attr, len(attr.raw)),
           f"making {path} read-only (mount_setattr, Linux 5.12+)")


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as file:
        file.write(text)


def enter_namespaces(flags: int) -> None:
    """Enter new namespaces and map only this process's own uid and gid into the user one."""
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(flags), "unshare (user namespaces)")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")


def build_filesystem(root: str) -> None:
    """Everything read-only, `root/work` a private tmpfs, a minimal /dev and a fresh /proc."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing we mount propagates to the host
    _make_read_only("/")
    flags = MS_NOSUID | MS_NODEV
    _mount("tmpfs", f"{root}/work", "tmpfs", flags, "size=64m,nr_inodes=4096,mode=0700")
    staging = f"{root}/dev"
    _mount("tmpfs", staging, "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=0755")
    for name in DEVICES:
        os.close(os.open(f"{staging}/{name}", os.O_CREAT | os.O_WRONLY, 0o666))
        _mount(f"/dev/{name}", f"{staging}/{name}", None, MS_BIND)
    _mount(staging, "/dev", None, MS_MOVE)
    _make_read_only("/dev")
    try:
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY)
    except SetupError:  # a container that masks parts of /proc forbids a new one: hide it instead
        _mount("tmpfs", "/proc", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, "size=4k")


def _seccomp_filter() -> bytes:
    machine = platform.machine()
    if machine not in SYSCALLS:
        raise SetupError(f"no seccomp filter for the {machine} architecture")
    arch, socket_nr, io_uring_nr = SYSCALLS[machine]
    ld, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, BPF_JMP|JGE|K, BPF_RET|K
    program = [  # (code, jump if true, jump if false, k); offsets count the instructions skipped
        (ld, 0, 0, 4),                      # seccomp_data.arch
        (jeq, 1, 0, arch),
        (ret, 0, 0, SECCOMP_RET_KILL_PROCESS),
        (ld, 0, 0, 0),                      # seccomp_data.nr
        (jge, 3, 0, X32_BIT),
        (jeq, 2, 0, socket_nr),
        (jeq, 1, 0, io_uring_nr),
        (ret, 0, 0, SECCOMP_RET_ALLOW),
        (ret, 0, 0, SECCOMP_RET_ERRNO | EPERM),
    ]
    return b"".join(struct.pack("HBBI", *instruction) for instruction in program)


def confine(limits: dict[str, int]) -> None:
    """Limits, no capabilities, no new privileges and the seccomp filter, for this process on."""
    resource.setrlimit(resource.RLIMIT_CPU, (limits["cpu_s"], limits["cpu_s"]))
    resource.setrlimit(resource.RLIMIT_AS, (limits["memory_bytes"], limits["memory_bytes"]))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"], limits["file_bytes"]))
    resource.setrlimit(resource.RLIMIT_NPROC, (limits["processes"], limits["processes"]))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits["open_files"], limits["open_files"]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for capability in range(64):  # the bounding set: no exec can give a capability back
        if _libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0 and ctypes.get_errno() != 22:
            _check(-1, "dropping capabilities")
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    code = _seccomp_filter()
    instructions = ctypes.create_string_buffer(code)
    program = struct.pack("HxxxxxxP", len(code) // 8, ctypes.addressof(instructions))  # struct sock_fprog
    _check(_libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.create_string_buffer(program), 0, 0),
           "seccomp")


def _status(status: int) -> int:
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)


def _wait_for(pid: int) -> int:
    while True:
        done, status = os.waitpid(-1, 0)
        if done == pid:
            return _status(status)


def _fail(error_fd: int, message: str) -> None:
    os.write(error_fd, message.encode(errors="replace"))
    os._exit(SETUP_FAILED)


def _run_program(error_fd: int, root: str, limits: dict[str, int], argv: list[str]) -> None:
    try:
        os.chdir(f"{root}/work")
        confine(limits)
        work = f"{root}/work"
        os.execve(argv[0], argv, {"PATH": "/usr/bin:/bin", "HOME": work, "TMPDIR": work, "LANG": "C.UTF-8",
                                  "PYTHONDONTWRITEBYTECODE": "1"})
    except (OSError, SetupError) as error:
        _fail(error_fd, f"sandbox: {error}")


def _run_init(error_fd: int, root: str, limits: dict[str, int], argv: list[str]) -> None:
    try:
        _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "parent-death signal")
        _check(_libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "not dumpable")  # the program cannot ptrace us
        build_filesystem(root)
    except (OSError, SetupError) as error:
        _fail(error_fd, f"sandbox: {error}")
    program = os.fork()
    if program == 0:
        _run_program(error_fd, root, limits, argv)
    os.close(error_fd)
    os._exit(_wait_for(program))


def main(args: list[str]) -> None:
    """`sandbox_init.py ERROR_FD NAMESPACES ROOT LIMIT... -- PROGRAM ARGS...`."""
    error_fd, flags, root = int(args[0]), int(args[1]), args[2]
    limits = dict(zip(LIMITS_ORDER, map(int, args[3:3 + len(LIMITS_ORDER)])))
    argv = args[args.index("--") + 1:]
    os.set_inheritable(error_fd, False)  # closed by the program's execve: an empty pipe means it started
    try:
        enter_namespaces(flags)
    except (OSError, SetupError) as error:
        _fail(error_fd, f"sandbox: {error}")
    init = os.fork()
    if init == 0:
        _run_init(error_fd, root, limits, argv)
    os.close(error_fd)
    signal.signal(signal.SIGTERM, lambda *_: os.kill(init, signal.SIGKILL))
    os._exit(_wait_for(init))


if __name__ == "__main__":
    main(sys.argv[1:])
