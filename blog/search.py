"""Article search: full-text search with ranking on PostgreSQL, a word match elsewhere."""

from functools import reduce
from operator import and_

from django.db import connection
from django.db.models import Q

# Articles are written in English or French: both stemmers are applied, so "comments" finds "comment"
# and "réponses" finds "réponse".
CONFIGS = ("english", "french")


def search_articles(queryset, query):
    """Filter a queryset of articles down to those matching the reader's query, best first."""
    if connection.vendor == "postgresql":
        return _full_text(queryset, query)
    return _fallback(queryset, query)


def _full_text(queryset, query):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = reduce(
        lambda a, b: a + b,
        (
            SearchVector("title", weight="A", config=config)
            + SearchVector("summary", weight="B", config=config)
            + SearchVector("body", weight="C", config=config)
            for config in CONFIGS
        ),
    )
    search_query = reduce(
        lambda a, b: a | b, (SearchQuery(query, search_type="websearch", config=config) for config in CONFIGS)
    )
    return (
        queryset.annotate(rank=SearchRank(vector, search_query))
        .filter(rank__gt=0)
        .order_by("-rank", "-published_at")
    )


def _fallback(queryset, query):
    words = query.split()[:10]
    if not words:
        return queryset.none()
    conditions = (Q(title__icontains=w) | Q(summary__icontains=w) | Q(body__icontains=w) for w in words)
    return queryset.filter(reduce(and_, conditions))
