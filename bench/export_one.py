"""Export the whole Manifesto in one format, in a process of its own, and print (as JSON) the
seconds it took and the process's peak memory: ``python -m bench.export_one FORMAT``.

The benchmark runs one of these per format, so each peak is that export's alone."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _peak_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process's own memory map;
    getrusage's ru_maxrss would carry over the peak of the process that started it."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_apart(module: str, *args: str, database_url: str, timeout: int | None = None) -> Any:
    """Run ``python -m module args`` in a process of its own against ``database_url`` and
    return the JSON it printed last (its figures). Raises what subprocess.run raises."""
    output = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "DEBUG": "0", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def whole_manifesto() -> tuple[Any, list[Any]]:
    """Set Django up in this process and read the Manifesto and its chapters in order."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "desk.settings")
    import django

    django.setup()
    from manifesto.models import Chapter
    from manifesto.services import manifesto_get_or_create

    manifesto = manifesto_get_or_create()
    return manifesto, list(Chapter.objects.filter(manifesto=manifesto).order_by("order", "id"))


def main(fmt: str) -> None:
    manifesto, chapters = whole_manifesto()
    # Django is set up now.
    from amendments.export_service import export_run
    from manifesto.exports import NOW, PUBLISHED

    before = _peak_mb()
    start = time.perf_counter()
    result = export_run(manifesto=manifesto, chapters=chapters, fmt=fmt, at=NOW, since=PUBLISHED)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "format": fmt,
                "seconds": round(seconds, 2),
                "peak_rss_mb": _peak_mb(),
                "rss_before_export_mb": before,
                "bytes": len(result.content),
                "chapters": len(chapters),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
