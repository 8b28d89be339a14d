"""`python -m bench.web_load`: the web app in headless Chromium on the embedded engine with
the demo data: the public catalogue's first load (JavaScript shipped, time until results
show) and the archive list before and after 2,000 more agreements (first page, next page).

Needs the built app (`make web`) and Debian's chromium. The extra agreements are copies of
a demo agreement written straight into the collection: the figure is about the list, not
about how fast agreements are entered (bench/seed.py measures that through the API).
"""

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from bson import ObjectId
from pymongo import AsyncMongoClient

from bench.app_process import free_port
from database import embedded_engine

ROOT = Path(__file__).resolve().parent.parent
EXTRA_AGREEMENTS = 2000
ADMIN = ("admin@sikerma.example", "Demo-Admin-Sikerma-2026")


def measure(base: str) -> dict[str, Any]:
    done = subprocess.run(
        ["node", "e2e/measure.mjs", base, *ADMIN],
        cwd=ROOT / "web",
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


async def add_agreements(uri: str, database: str, count: int) -> None:
    client: AsyncMongoClient = AsyncMongoClient(uri)
    try:
        agreements = client[database]["agreements"]
        template = await agreements.find_one({"status": "ACTIVE"})
        assert template is not None, "the demo data has no active agreement"
        for start in range(0, count, 200):
            batch = [
                {
                    **template,
                    "_id": ObjectId(),
                    "number": f"BENCH/{i:05d}",
                    "title": f"{template['title']} (salinan uji {i})",
                }
                for i in range(start, min(start + 200, count))
            ]
            await agreements.insert_many(batch)
    finally:
        await client.close()


async def wait_healthy(base: str, server: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + 600
    async with httpx.AsyncClient(timeout=2) as client:
        while True:
            try:
                if (await client.get(f"{base}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.returncode is not None:
                raise SystemExit("the server did not start")
            await asyncio.sleep(0.5)


async def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        async with embedded_engine(Path(temp) / "engine") as uri:
            port = free_port()
            env = {**os.environ, "MONGODB_URI": uri, "PORT": str(port), "HOST": "127.0.0.1"}
            env.update(DATA_DIR=str(Path(temp) / "data"), ANONYMOUS_REQUESTS_PER_MINUTE="0")
            server = await asyncio.create_subprocess_exec(
                sys.executable,
                "server.py",
                "--demo",
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            base = f"http://127.0.0.1:{port}"
            try:
                await wait_healthy(base, server)
                demo = await asyncio.to_thread(measure, base)
                print(json.dumps({"demo": demo}), flush=True)
                started = time.monotonic()
                await add_agreements(uri, env.get("DATABASE_NAME", "sikerma"), EXTRA_AGREEMENTS)
                # Inserted past the write path that lists an agreement: listed by the command.
                await asyncio.to_thread(
                    subprocess.run,
                    [sys.executable, "cli.py", "rebuild-listings"],
                    cwd=ROOT,
                    env=env,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
                added = time.monotonic() - started
                large = await asyncio.to_thread(measure, base)
            finally:
                server.terminate()
                await server.wait()
    catalogue = demo["catalogue"]
    print("## Web app (headless Chromium, embedded engine, demo data)\n")
    print(
        f"- public catalogue, first load (cold cache, median of 5): "
        f"{catalogue['jsFiles']} script(s), {catalogue['jsRawKB']} KB "
        f"({catalogue['jsGzipKB']} KB gzipped); results on screen after "
        f"{catalogue['usableMs']} ms"
    )
    for name, result in (("demo data", demo), (f"+{EXTRA_AGREEMENTS} agreements", large)):
        archive = result["archive"]
        print(
            f"- archive list, {name} ({archive['total']}): first page "
            f"{archive['firstPageMs']} ms, next page {archive['nextPageMs']} ms, "
            f"{archive['rowsPerPage']} rows per page"
        )
    ratio = large["archive"]["firstPageMs"] / max(demo["archive"]["firstPageMs"], 1)
    print(f"- first page with +{EXTRA_AGREEMENTS} / with the demo data: {ratio:.2f} times")
    print(f"- (inserting the {EXTRA_AGREEMENTS} copies took {added:.1f} s)")


if __name__ == "__main__":
    asyncio.run(main())
