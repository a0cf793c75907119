"""Timing a page: shared by the benchmark scripts."""

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext


def measure(client, url, requests):
    """GET `url` `requests` times: (median ms, max ms, queries of the last request, bytes of the response)."""
    timings = []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), max(timings), len(queries), len(response.content)
