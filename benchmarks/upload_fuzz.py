"""Upload fuzzing at length: thousands of generated GIF, PNG, WebP and JPEG files (tests/image_variants.py,
the same generator as tests/blog/test_upload_fuzz.py, with larger pictures and animations) validated and
re-encoded as an upload is, each in its budgeted child process. Prints how many were stored and refused (by
reason), and the slowest and hungriest variants: wall time of the whole check, and the child's peak resident
memory above what it started with.

Run: DJANGO_DEBUG=1 .venv/bin/python benchmarks/upload_fuzz.py [--variants 3000] [--seed 13]
"""

import argparse
import collections
import resource
import time

import setup_django  # noqa: F401  (first: the imports below need Django set up)

from blog import images
from tests.image_variants import variants


def measured(data, limits):
    """images._examine in the budgeted child, with the child's own memory figures."""
    with open("/proc/self/statm") as statm:
        start = int(statm.read().split()[1]) * resource.getpagesize()
    outcome = images._examine(data, limits)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return outcome and outcome[:2], max(0, peak - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--variants", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=13)
    options = parser.parse_args()
    limits = images._limits()
    outcomes = collections.Counter()
    rows = []
    for label, data in variants(options.variants, seed=options.seed, large=True):
        start = time.perf_counter()
        result = images.within_budget(measured, data, limits)
        elapsed = time.perf_counter() - start
        outcome, memory = result if result else (None, None)
        key = "over budget" if outcome is None else outcome[0] if outcome[0] == "ok" else outcome[1]
        outcomes[key] += 1
        rows.append((elapsed, memory or 0, len(data), label, key))
    print(f"{options.variants} variants (seed {options.seed}); budget {limits} ")
    for key, count in outcomes.most_common():
        print(f"  {key:<24} {count:>6}")
    times = sorted(row[0] for row in rows)
    print(f"time per variant: median {times[len(times) // 2] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")
    print(f"memory above the child's start: max {max(row[1] for row in rows) / 2**20:.0f} MiB")
    print("slowest:")
    for elapsed, memory, size, label, key in sorted(rows, reverse=True)[:5]:
        print(f"  {elapsed * 1000:7.0f} ms {memory / 2**20:6.0f} MiB {size / 1024:8.0f} KB {key:<16} {label}")
    print("hungriest:")
    for elapsed, memory, size, label, key in sorted(rows, key=lambda row: -row[1])[:5]:
        print(f"  {elapsed * 1000:7.0f} ms {memory / 2**20:6.0f} MiB {size / 1024:8.0f} KB {key:<16} {label}")


if __name__ == "__main__":
    main()
