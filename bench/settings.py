"""Settings for the benchmark's own gunicorn only: the app's settings plus a bare reference
page (bench.urls). Nothing in the app imports this module, so the reference page is never
reachable in production."""

from desk.settings import *  # noqa: F403
from desk.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES = [{**TEMPLATES[0], "DIRS": [BASE_DIR / "templates", BASE_DIR / "bench" / "templates"]}]
