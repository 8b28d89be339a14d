"""(e) Preservation: fixity throughput against raw GridFS reads, and backup and restore time
and peak memory.

One engine holds the demo data plus `scan_mb` MiB of scans attached to a demo agreement.
Fixity reads every stored file and hashes it, so its throughput is put next to plain reads of
the same bytes from GridFS in the same run (before and after, to see the caches settle). The
backup, its verification and the restore run as `python cli.py …`, each its own process, so
its peak RSS is its own; flat memory means a peak far below the size of the files.
"""

import asyncio
import os
import sys
import time
from pathlib import Path

from bench import procmem
from bench.report import Section, mib
from database import Database, connect, embedded_engine
from demo_data import load_demo_data
from models import Agreement
from models.actor import ActorRef
from models.documents import DocumentRef
from models.enums import DocumentType
from models.file_owners import FileHolder
from models.fixity import FixityTrigger
from resolvers.fixity import expected_files, run_fixity
from settings import Settings

MIB = 1024 * 1024
SCAN_MB = 16  # the default: a few minutes on the SQLite engine, whose uploads grow slower
FILE_MB = 8
SOURCE = "bench_preservation"
RESTORED = "bench_restored"
REPO = Path(__file__).resolve().parents[1]


def write_scan(path: Path, size_mb: int) -> None:
    block = os.urandom(MIB)
    with path.open("wb") as out:
        out.write(b"%PDF-1.4\n")
        for n in range(size_mb):
            out.write(n.to_bytes(8, "big") + block[8:])


async def add_scans(database: Database, workdir: Path, scan_mb: int) -> int:
    """Store the scans and attach them to one demo agreement (as uploaded versions would)."""
    agreement = await Agreement.find_one({})
    assert agreement is not None
    actor = ActorRef(id="bench", name="Bench")
    stored = 0
    for n in range(-(-scan_mb // FILE_MB)):
        size = min(FILE_MB, scan_mb - n * FILE_MB)
        path = workdir / f"scan-{n}.pdf"
        await asyncio.to_thread(write_scan, path, size)
        with path.open("rb") as source:
            kept = await database.files.store(
                source, path.name, holder=FileHolder.AGREEMENT, max_bytes=2 * size * MIB
            )
        path.unlink()
        doc = DocumentRef(
            **kept.model_dump(), type=DocumentType.OTHER, title=f"Pindaian {n}", uploaded_by=actor
        )
        await Agreement.get_pymongo_collection().update_one(
            {"_id": agreement.id}, {"$push": {"documents": doc.model_dump()}}
        )
        await database.files.mark_attached(kept.file_id)
        stored += kept.size
    return stored


async def raw_read(database: Database) -> tuple[int, float]:
    """Read every referenced file from GridFS, doing nothing with the bytes."""
    total = 0
    started = time.perf_counter()
    for item in await expected_files(database.db):
        layout = await database.files.stat(item.file_id)
        assert layout is not None
        async for piece in database.files.read_range(layout, 0, layout.length):
            total += len(piece)
    return total, time.perf_counter() - started


async def cli(*args: str, uri: str, database_name: str) -> tuple[float, float | None]:
    """Run `cli.py` with these arguments; (seconds, peak RSS in MiB)."""
    env = {**os.environ, "MONGODB_URI": uri, "DATABASE_NAME": database_name}
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "cli.py",
        *args,
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    with procmem.PeakSampler({"cli": process.pid}) as sampler:
        _, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"cli.py {args[0]} failed: {err.decode()[-2000:]}")
    return time.perf_counter() - started, sampler.peaks.get("cli")


def rate(size: int, seconds: float) -> str:
    return f"{size / MIB / seconds:.1f} MiB/s" if seconds > 0 else "n/a"


async def backup_cycle(
    uri: str, workdir: Path, name: str, restored: str
) -> dict[str, tuple[float, float | None]]:
    """Backup, verify-backup and restore (into an empty database) through cli.py."""
    bag = str(workdir / f"bag-{name}")
    return {
        "backup": await cli("backup", bag, uri=uri, database_name=SOURCE),
        "verify-backup": await cli("verify-backup", bag, uri=uri, database_name=SOURCE),
        "restore": await cli("restore", bag, uri=uri, database_name=restored),
    }


async def measure(workdir: Path, scan_mb: int = SCAN_MB) -> list[Section]:
    fixity = Section("(e) Fixity: re-hashing every stored file")
    backup = Section("(e) Backup and restore (cli.py, each its own process)")
    async with embedded_engine(workdir / "preservation-engine") as uri:
        settings = Settings(
            mongodb_uri=uri,
            database_name=SOURCE,
            data_dir=workdir / "preservation-data",
            fixity_max_mb_per_minute=0,
        )
        async with connect(settings) as database:
            started = time.perf_counter()
            await load_demo_data(database, only_if_empty=False)
            fixity.add("demo data loaded", f"{time.perf_counter() - started:.1f} s")
            demo_size, _ = await raw_read(database)
            demo_only = await backup_cycle(uri, workdir, "demo", f"{RESTORED}_demo")
            started = time.perf_counter()
            added = await add_scans(database, workdir, scan_mb)
            took = time.perf_counter() - started
            fixity.add("scans added", f"{mib(added / MIB)} in {took:.1f} s")

            size, before = await raw_read(database)
            started = time.perf_counter()
            run = await run_fixity(database, settings, FixityTrigger.COMMAND_LINE)
            hashing = time.perf_counter() - started
            _, after = await raw_read(database)
            with_scans = await backup_cycle(uri, workdir, "scans", RESTORED)
        assert run is not None
        fixity.add("files / bytes", f"{run.files_checked} / {mib(run.bytes_read / MIB)}")
        fixity.add("raw GridFS read (before)", rate(size, before))
        fixity.add("fixity run (read + sha256 + record)", rate(run.bytes_read, hashing))
        fixity.add("raw GridFS read (after)", rate(size, after))
        fixity.add("fixity / mean raw read", f"{(before + after) / 2 / hashing:.2f}")
        fixity.notes.append(
            "The fixity run includes the chronology check of every agreement and a write per "
            "file (its state and the lease); FIXITY_MAX_MB_PER_MINUTE was off (0)."
        )
        backup.add(
            "payload",
            f"demo data with {mib(demo_size / MIB)} of files; then {mib(added / MIB)} of "
            "scans more",
        )
        for step in ("backup", "verify-backup", "restore"):
            (small, small_peak), (large, large_peak) = demo_only[step], with_scans[step]
            growth = (
                f"{large_peak - small_peak:+.0f} MiB"
                if small_peak is not None and large_peak is not None
                else "n/a"
            )
            backup.add(
                f"{step}: time / peak RSS, demo → with scans (peak growth)",
                f"{small:.1f} s / {mib(small_peak)} → {large:.1f} s / {mib(large_peak)} ({growth})",
            )
        backup.notes.append(
            "Peak RSS sampled every 50 ms. Flat memory: the peak does not grow with the "
            "payload (GridFS read in windows of 4 MiB, files written and read chunk by chunk)."
        )
    return [fixity, backup]
