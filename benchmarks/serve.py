"""Serving: the site under gunicorn with DEBUG off, measured from outside against two floors.

Seeds a temporary SQLite database (articles with 10, 200 and 2,000 comments in realistic threads), collects
static files, starts gunicorn (sync workers on a free loopback port) with benchmarks/serve_settings.py, and
requests each page in bounded loops with http.client: a warm-up, a sequential phase (latency: median and
p90) and a concurrent phase with several clients (throughput). The workers' CPU time (utime + stime from
/proc) is read before and after each page's loops.

The floors: `HttpResponse("ok")` behind the project's middleware, and Django's template floor (the same
200 comments rendered by a minimal template that includes itself, benchmarks/floor_urls.py). "× ok" and
"× tpl" divide a floor's requests per second by the page's; "CPU × tpl" divides the page's CPU time per
request by the template floor's. "uncached" requests add a unique query string, so that no page cache keyed
on the address can answer them; "cached" asks for the same address again, as new readers do (no cookie, no
conditional request). With no page cache today, both rows are the same.

Run: .venv/bin/python benchmarks/serve.py [--sizes 10 200 2000] [--requests 200] [--seconds 3] [--clients 2]
About a minute at these defaults; raise --requests and --seconds for steadier figures. Linux only.
"""

import argparse
import http.client
import itertools
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.update(
    DJANGO_SETTINGS_MODULE="benchmarks.serve_settings",
    DJANGO_DEBUG="0",
    DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
    DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
    DJANGO_LOG_LEVEL="WARNING",
    DATABASE_URL="",  # empty counts as unset: SQLite in CAUSERIE_DATA_DIR
    DATABASE_CONN_MAX_AGE="60",  # as .env.example suggests for production
    REDIS_URL="",
    # Each worker keeps its own local-memory page cache: fine here, where nothing is written while it runs.
    CAUSERIE_PAGE_CACHE="1",
    EMAIL_HOST="",
)
os.environ["CAUSERIE_DATA_DIR"] = tempfile.mkdtemp(prefix="causerie-serve-")

import django
import gunicorn
import setup_django  # noqa: F401  (before the imports below: they need Django set up)
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from seed import create_articles, create_owner, seed_comments, spread

ROOT = Path(__file__).resolve().parent.parent
FLOOR_COMMENTS = 200  # the template floor renders the thread of the article with this many comments
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Figures:
    per_second: float
    median_ms: float
    p90_ms: float
    cpu_ms: float | None  # per request, all workers together; None when a worker was replaced meanwhile
    size: int


def fetch(port, path):
    """One GET on a new connection, as a new reader with no cookie (gunicorn's sync workers close each
    connection anyway): status and body."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        client.request("GET", path)
        response = client.getresponse()
        return response.status, response.read()
    finally:
        client.close()


class Page:
    """A page's address, as the loops ask for it: with a new query string each time, or the same one."""

    def __init__(self, port, path, cached):
        self.port, self.path, self.cached = port, path, cached
        self.numbers = itertools.count()
        self.size = 0

    def request(self):
        path = self.path
        if not self.cached:
            path += f"{'&' if '?' in path else '?'}nocache={next(self.numbers)}"
        status, body = fetch(self.port, path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}: {body[:300]!r}")
        self.size = len(body)


def run_clients(page, clients, requests, seconds):
    """`clients` threads requesting `page` until each has made `requests` or `seconds` have passed. Returns
    how many requests were made and how long it took."""
    deadline = time.perf_counter() + seconds
    counts = [0] * clients

    def client(index):
        while counts[index] < requests and time.perf_counter() < deadline:
            page.request()
            counts[index] += 1

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts), time.perf_counter() - start


def measure(page, workers, options):
    """A warm-up, then the sequential phase (latencies) and the concurrent one (requests per second), each
    bounded by --requests and --seconds; the workers' CPU time per request over both."""
    run_clients(page, options.clients, 2, options.seconds)
    before = cpu_seconds(workers)
    latencies = []
    deadline = time.perf_counter() + options.seconds
    while len(latencies) < options.requests and (len(latencies) < 3 or time.perf_counter() < deadline):
        start = time.perf_counter()
        page.request()
        latencies.append((time.perf_counter() - start) * 1000)
    count, elapsed = run_clients(page, options.clients, options.requests, options.seconds)
    after = cpu_seconds(workers)
    cpu = None if None in (before, after) else (after - before) * 1000 / (count + len(latencies))
    p90 = statistics.quantiles(latencies, n=10, method="inclusive")[8]
    return Figures(count / elapsed, statistics.median(latencies), p90, cpu, page.size)


def worker_pids(master, expected, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pids = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if len(pids) == expected:
            return [int(pid) for pid in pids]
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not start {expected} workers")


def cpu_seconds(pids):
    """User and system CPU time of these processes so far; None if one of them is gone."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            return None
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / TICKS


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def load_average():
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def seed_site(options):
    """Articles newest first: those with --sizes comments first, the others with a few each."""
    call_command("migrate", verbosity=0)
    now = timezone.now()
    owner = create_owner()
    articles = create_articles(options.articles, owner, now)
    sizes = list(dict.fromkeys([*options.sizes, FLOOR_COMMENTS]))
    total = sum(sizes) + 5 * (len(articles) - len(sizes))
    counts = spread(total, len(articles), fixed=sizes)
    seed_comments(articles, counts, owner=owner, now=now, readers=max(10, total // 4))
    return dict(zip(sizes, articles, strict=False)), sum(counts)


def start_server(port, options, log_path):
    command = [
        *(sys.executable, "-m", "gunicorn", "config.wsgi:application"),
        *("--workers", str(options.workers), "--worker-class", "sync"),
        *("--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT), "--timeout", "120"),
    ]
    with log_path.open("w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 60
    while True:
        try:
            fetch(port, "/bench/ok/")
            return server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start; its log:\n" + log_path.read_text()) from None
            time.sleep(0.2)


def print_row(label, cache, results):
    """The latest figures, and their cost in floors: the first two results are the floors."""
    figures, ok, template = results[-1], results[0], results[1] if len(results) > 1 else None
    cpu = f"{figures.cpu_ms:.1f}" if figures.cpu_ms is not None else "n/a"
    by_template, cpu_by_template = "-", "-"
    if template is not None:
        by_template = f"{template.per_second / figures.per_second:.1f}"
        if figures.cpu_ms and template.cpu_ms:
            cpu_by_template = f"{figures.cpu_ms / template.cpu_ms:.1f}"
    print(
        f"{label:<30} {cache:<8} {figures.per_second:>7.1f} {figures.median_ms:>9.1f} {figures.p90_ms:>7.1f} "
        f"{cpu:>10} {figures.size / 1024:>7.1f} {ok.per_second / figures.per_second:>6.1f} "
        f"{by_template:>6} {cpu_by_template:>9}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 200, 2000], help="comments per article")
    parser.add_argument("--articles", type=int, default=20, help="published articles in all")
    parser.add_argument("--requests", type=int, default=200, help="most requests per phase and client")
    parser.add_argument("--seconds", type=float, default=3, help="most seconds per phase")
    parser.add_argument("--clients", type=int, default=2, help="client threads in the concurrent phase")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    options = parser.parse_args()
    if options.articles < len(set(options.sizes) | {FLOOR_COMMENTS}):
        parser.error("--articles must leave one article per size (and one with 200 comments)")

    data_dir = Path(os.environ["CAUSERIE_DATA_DIR"])
    server = None
    try:
        print(f"load average before: {load_average()} ({os.cpu_count()} CPUs)")
        start = time.perf_counter()
        by_size, comments = seed_site(options)
        seeded = time.perf_counter() - start
        call_command("collectstatic", interactive=False, verbosity=0)
        connection.close()
        print(f"seeded {options.articles} articles and {comments:,} comments in {seeded:.1f} s (SQLite)")
        port = free_port()
        server = start_server(port, options, data_dir / "gunicorn.log")
        workers = worker_pids(server.pid, options.workers)
        print(
            f"gunicorn {gunicorn.__version__}, {options.workers} sync workers, DEBUG off, Django "
            f"{django.get_version()}, Python {sys.version.split()[0]}; per page: warm-up, then at most "
            f"{options.requests} sequential requests or {options.seconds:g} s (latency), then "
            f"{options.clients} clients, at most {options.requests} requests each or {options.seconds:g} s "
            "(req/s)\n"
        )
        rows = [
            ('floor: HttpResponse("ok")', "-", "/bench/ok/"),
            (
                f"floor: template, {FLOOR_COMMENTS} comments",
                "-",
                f"/bench/template-floor/{by_size[FLOOR_COMMENTS].pk}/",
            ),
        ]
        for size in options.sizes:
            path = f"/articles/{by_size[size].slug}/"
            rows += [(f"article, {size:,} comments", "uncached", path), ("", "cached", path)]
        rows += [("home", "uncached", "/"), ("", "cached", "/")]
        print(
            f"{'page':<30} {'cache':<8} {'req/s':>7} {'median ms':>9} {'p90 ms':>7} {'CPU ms/req':>10} "
            f"{'HTML KB':>7} {'× ok':>6} {'× tpl':>6} {'CPU × tpl':>9}"
        )
        results = []
        for label, cache, path in rows:
            results.append(measure(Page(port, path, cached=cache != "uncached"), workers, options))
            print_row(label, cache, results)
        print(f"\nload average after: {load_average()}")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
