"""The whole Manifesto's congress-pack booklet (PDF), in a process of its own: prints (as
JSON) the seconds it took, the process's peak memory, its pages and amendments:
``python -m bench.booklet``. bench/run.py runs it after the exports (target: under 30 s and
500 MB at the bench's scale); ``measure(database_url)`` is that step."""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import time
from typing import Any

from bench.export_one import _peak_mb, run_apart, whole_manifesto


def main() -> None:
    manifesto, chapters = whole_manifesto()
    # Django is set up now.
    from amendments.pack import open_amendments, pack_run
    from manifesto.exports import NOW

    before = _peak_mb()
    start, cpu = time.perf_counter(), time.process_time()
    result = pack_run(manifesto=manifesto, chapters=chapters, fmt="booklet-pdf", moment=NOW)
    seconds = time.perf_counter() - start
    # On a busy machine the wall time counts the waits for a core; the CPU time does not.
    cpu_seconds = time.process_time() - cpu
    # The booklet computes its word diffs in a second process: its CPU counts too. (Not its
    # peak: RUSAGE_CHILDREN's counts the copy of this process it was forked from before exec.)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "cpu_seconds": round(cpu_seconds, 2),
                "children_cpu_seconds": round(children.ru_utime + children.ru_stime, 2),
                "peak_rss_mb": _peak_mb(),
                "rss_before_mb": before,
                "bytes": len(result.content),
                "pages": _pages(result.content),
                "amendments": open_amendments(chapters).count(),
                "chapters": len(chapters),
            }
        )
    )


def _pages(pdf: bytes) -> int:
    # pypdf is a development dependency; the benchmark runs with them installed.
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


# A booklet not made by then is reported as not made (its time as at least this); one that the
# system stops for its memory likewise, so the rest of the benchmark goes on. BENCH_BOOKLET_SECONDS
# sets another limit (the target is 30 s: a shorter wait still says whether it is met).
TIMEOUT_SECONDS = 900


def measure(database_url: str, timeout: int | None = None) -> dict[str, Any]:
    """Run ``main`` in a process of its own against ``database_url``; its figures, or
    ``failed`` with why and no peak memory."""
    if timeout is None:
        timeout = int(os.environ.get("BENCH_BOOKLET_SECONDS", TIMEOUT_SECONDS))
    start = time.perf_counter()
    try:
        figures: dict[str, Any] = run_apart(
            "bench.booklet", database_url=database_url, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"failed": f"not made in {timeout} s", "seconds": timeout, "peak_rss_mb": None}
    except subprocess.CalledProcessError as error:
        last = (error.stderr or "").strip().splitlines()[-1:] or [f"exit {error.returncode}"]
        seconds = round(time.perf_counter() - start, 2)
        return {"failed": last[0][:200], "seconds": seconds, "peak_rss_mb": None}
    return figures


if __name__ == "__main__":
    main()
