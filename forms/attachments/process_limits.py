"""The attachment worker's memory limit on each OS, and what each one actually enforces.

- Linux: ``RLIMIT_AS``, set by the worker on itself before the file is read. An allocation past
  it fails, Python raises MemoryError and the worker answers ``attach.memory``.
- Windows: no rlimits. The runner puts the worker into a Job Object (``ctypes``, kernel32) with
  ``JOB_OBJECT_LIMIT_PROCESS_MEMORY`` (committed memory: an allocation past it fails, as above)
  and ``JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE`` (the worker dies with the runner's handle, so a
  crashed app leaves no worker behind).
- macOS: the kernel accepts ``RLIMIT_AS`` but does not enforce it. The worker sets
  ``RLIMIT_DATA`` (enforced for what the kernel counts as data; large allocations that malloc
  maps are not always counted, so it is not relied on), and the runner watches the worker's
  resident size (libproc's ``proc_pidinfo``) while it waits, killing it past the limit:
  ``attach.memory`` as well. Resident, not virtual: between two looks (``runner._POLL_S``) a
  worker can overshoot.
- Everywhere: the runner's wall clock (``IntakeLimits.timeout_s``) stops the worker.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Any

# Windows: the NTSTATUS a process ends with when an allocation it did not check fails.
STATUS_NO_MEMORY = 0xC0000017


def cap_own_memory(limit: int) -> str | None:
    """Limit this process's memory to ``limit`` bytes where the OS lets a process do it itself;
    returns the name of the limit set (``RLIMIT_AS``, ``RLIMIT_DATA``) or None."""
    if sys.platform == "win32":  # no rlimits: the runner's Job Object limits the worker
        return None
    import resource

    name = "RLIMIT_DATA" if sys.platform == "darwin" else "RLIMIT_AS"
    which = getattr(resource, name)
    try:
        _, hard = resource.getrlimit(which)
        soft = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
        resource.setrlimit(which, (soft, hard))
    except (ValueError, OSError):
        return None
    return name


def watches_resident_size() -> bool:
    """Whether the runner must watch the worker's resident size: where no limit the worker
    sets on itself is enforced (macOS)."""
    return sys.platform == "darwin"


def resident_bytes(pid: int) -> int | None:
    """The resident memory of process ``pid`` in bytes, or None when it cannot be read (it
    ended, or this OS has no way here)."""
    if sys.platform == "darwin":
        return _darwin_resident_bytes(pid)
    if sys.platform == "win32":  # not needed there: the Job Object's cap is enforced
        return None
    statm = Path(f"/proc/{pid}/statm")
    try:
        return int(statm.read_text().split()[1]) * int(os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, IndexError):
        return None


def _darwin_resident_bytes(pid: int) -> int | None:
    found = _libproc()
    if found is None:
        return None
    proc_pidinfo, info_type = found
    import ctypes

    info = info_type()
    proc_pidtaskinfo = 4  # PROC_PIDTASKINFO
    size = proc_pidinfo(pid, proc_pidtaskinfo, 0, ctypes.byref(info), ctypes.sizeof(info))
    if size != ctypes.sizeof(info):  # ended, or not ours to look at
        return None
    return int(info.pti_resident_size)


@functools.cache
def _libproc() -> tuple[Any, Any] | None:
    """macOS's proc_pidinfo and its struct proc_taskinfo, loaded once (the runner asks every
    poll while a worker runs)."""
    import ctypes
    import ctypes.util

    class ProcTaskInfo(ctypes.Structure):  # <sys/proc_info.h> struct proc_taskinfo
        _fields_ = [
            ("pti_virtual_size", ctypes.c_uint64),
            ("pti_resident_size", ctypes.c_uint64),
            ("pti_total_user", ctypes.c_uint64),
            ("pti_total_system", ctypes.c_uint64),
            ("pti_threads_user", ctypes.c_uint64),
            ("pti_threads_system", ctypes.c_uint64),
        ] + [(name, ctypes.c_int32) for name in _TASKINFO_INTS]

    try:
        libproc = ctypes.CDLL(ctypes.util.find_library("proc") or "/usr/lib/libproc.dylib", use_errno=True)
        proc_pidinfo = libproc.proc_pidinfo
    except (OSError, AttributeError):
        return None
    # int proc_pidinfo(int pid, int flavor, uint64_t arg, void *buffer, int buffersize)
    proc_pidinfo.restype = ctypes.c_int
    proc_pidinfo.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_uint64, ctypes.c_void_p, ctypes.c_int]
    return proc_pidinfo, ProcTaskInfo


_TASKINFO_INTS = (
    "pti_policy",
    "pti_faults",
    "pti_pageins",
    "pti_cow_faults",
    "pti_messages_sent",
    "pti_messages_received",
    "pti_syscalls_mach",
    "pti_syscalls_unix",
    "pti_csw",
    "pti_threadnum",
    "pti_numrunning",
    "pti_priority",
)


class WorkerJob:
    """A Windows Job Object holding one worker: its committed memory is capped, and closing the
    job (or the runner dying) kills it. ``create`` returns None off Windows or when the OS
    refuses (then the wall clock is the only limit, as the log says)."""

    def __init__(self, handle: int, kernel32: Any) -> None:
        self._handle: int | None = handle
        self._kernel32 = kernel32

    @classmethod
    def create(cls, memory_limit: int) -> WorkerJob | None:
        if sys.platform != "win32":
            return None
        import ctypes
        from ctypes import wintypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]
        kernel32.CreateJobObjectW.restype = wintypes.HANDLE
        kernel32.CreateJobObjectW.argtypes = [ctypes.c_void_p, wintypes.LPCWSTR]
        kernel32.SetInformationJobObject.restype = wintypes.BOOL
        kernel32.SetInformationJobObject.argtypes = [wintypes.HANDLE, ctypes.c_int, ctypes.c_void_p, wintypes.DWORD]
        kernel32.AssignProcessToJobObject.restype = wintypes.BOOL
        kernel32.AssignProcessToJobObject.argtypes = [wintypes.HANDLE, wintypes.HANDLE]
        kernel32.OpenProcess.restype = wintypes.HANDLE
        kernel32.OpenProcess.argtypes = [wintypes.DWORD, wintypes.BOOL, wintypes.DWORD]
        kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
        handle = kernel32.CreateJobObjectW(None, None)
        if not handle:
            return None
        info = _extended_limit_information(memory_limit)
        job_object_extended_limit_information = 9
        if not kernel32.SetInformationJobObject(
            handle, job_object_extended_limit_information, ctypes.byref(info), ctypes.sizeof(info)
        ):
            kernel32.CloseHandle(handle)
            return None
        return cls(handle, kernel32)

    def assign(self, pid: int) -> bool:
        """Put process ``pid`` into the job; False when Windows refused."""
        if self._handle is None:
            return False
        process_set_quota, process_terminate = 0x0100, 0x0001
        process = self._kernel32.OpenProcess(process_set_quota | process_terminate, False, pid)
        if not process:
            return False
        try:
            return bool(self._kernel32.AssignProcessToJobObject(self._handle, process))
        finally:
            self._kernel32.CloseHandle(process)

    def close(self) -> None:
        """Close the job: a worker still in it is killed (KILL_ON_JOB_CLOSE)."""
        if self._handle is not None:
            handle, self._handle = self._handle, None
            self._kernel32.CloseHandle(handle)


def _extended_limit_information(memory_limit: int) -> Any:
    import ctypes
    from ctypes import wintypes

    class BasicLimitInformation(ctypes.Structure):  # JOBOBJECT_BASIC_LIMIT_INFORMATION
        _fields_ = [
            ("PerProcessUserTimeLimit", ctypes.c_int64),
            ("PerJobUserTimeLimit", ctypes.c_int64),
            ("LimitFlags", wintypes.DWORD),
            ("MinimumWorkingSetSize", ctypes.c_size_t),
            ("MaximumWorkingSetSize", ctypes.c_size_t),
            ("ActiveProcessLimit", wintypes.DWORD),
            ("Affinity", ctypes.c_size_t),
            ("PriorityClass", wintypes.DWORD),
            ("SchedulingClass", wintypes.DWORD),
        ]

    class IoCounters(ctypes.Structure):  # IO_COUNTERS
        _fields_ = [
            (name, ctypes.c_uint64) for name in ("Read", "Write", "Other", "ReadBytes", "WriteBytes", "OtherBytes")
        ]

    class ExtendedLimitInformation(ctypes.Structure):  # JOBOBJECT_EXTENDED_LIMIT_INFORMATION
        _fields_ = [
            ("BasicLimitInformation", BasicLimitInformation),
            ("IoInfo", IoCounters),
            ("ProcessMemoryLimit", ctypes.c_size_t),
            ("JobMemoryLimit", ctypes.c_size_t),
            ("PeakProcessMemoryUsed", ctypes.c_size_t),
            ("PeakJobMemoryUsed", ctypes.c_size_t),
        ]

    limit_process_memory, limit_kill_on_job_close = 0x0100, 0x2000
    # no error dialog: a crash in a parser must end the worker, not wait for a click
    limit_die_on_unhandled_exception = 0x0400
    info = ExtendedLimitInformation()
    info.BasicLimitInformation.LimitFlags = (
        limit_process_memory | limit_kill_on_job_close | limit_die_on_unhandled_exception
    )
    info.ProcessMemoryLimit = memory_limit
    return info
