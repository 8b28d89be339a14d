"""Resident memory and CPU time of processes, read from /proc (Linux only).

VmHWM is the kernel's own peak-RSS mark, so a short spike between two samples is not missed;
writing "5" to clear_refs resets it, which lets one process be measured phase by phase.
"""

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")


def status_kib(pid: int, key: str) -> int | None:
    """A `kB` line of /proc/<pid>/status (VmRSS, VmHWM), or None if the process is gone."""
    try:
        text = (PROC / str(pid) / "status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    for line in text.splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    return None


def rss_mib(pid: int) -> float | None:
    kib = status_kib(pid, "VmRSS")
    return None if kib is None else kib / 1024


def peak_mib(pid: int) -> float | None:
    kib = status_kib(pid, "VmHWM")
    return None if kib is None else kib / 1024


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS; False where the kernel or permissions refuse."""
    try:
        (PROC / str(pid) / "clear_refs").write_text("5")
    except OSError:
        return False
    return True


def children(pid: int) -> list[int]:
    """Direct children of a process (scanning /proc works without CONFIG_PROC_CHILDREN)."""
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name (field 2) may contain spaces and parentheses; ppid follows the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """The CPU time (user and system) these processes have used so far."""
    ticks = 0
    for pid in pids:
        # utime and stime are fields 14 and 15, the 12th and 13th after the command name.
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    return [pid, *(found for child in children(pid) for found in process_tree(child))]


@dataclass
class PeakSampler:
    """Polls the RSS of some processes in a thread and keeps each one's maximum."""

    pids: dict[str, int]
    interval: float = 0.05
    peaks: dict[str, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> "PeakSampler":
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while True:
            for name, pid in self.pids.items():
                value = rss_mib(pid)
                if value is not None:
                    self.peaks[name] = max(self.peaks.get(name, 0.0), value)
            if self._stop.wait(self.interval):
                return
