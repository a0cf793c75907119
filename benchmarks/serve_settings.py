"""Settings for benchmarks/serve.py: the project's own, serving the benchmark's URLconf (two floors in
front of the project's URLs) and its templates, with static files collected into the run's data folder."""

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, DATA_DIR, TEMPLATES

ROOT_URLCONF = "benchmarks.floor_urls"
TEMPLATES = [
    {**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "benchmarks" / "templates"]},
    *TEMPLATES[1:],
]
STATIC_ROOT = DATA_DIR / "static"
