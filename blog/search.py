"""Article search: full-text search with ranking on PostgreSQL, a word match elsewhere.

On PostgreSQL each article keeps a search vector, written when it is saved and indexed with GIN, so a search
reads an index instead of parsing every article. Articles are written in English or French: both stemmers are
applied, so "comments" finds "comment" and "réponses" finds "réponse".
"""

from functools import reduce
from operator import and_, or_

from django.db import connection
from django.db.models import F, Q, Value

CONFIGS = ("english", "french")
WEIGHTS = {"title": "A", "summary": "B", "body": "C"}


def is_full_text():
    return connection.vendor == "postgresql"


def article_vector(title, summary, body_text):
    """The expression that computes an article's search vector in the write that saves the article, or None
    where there is no vector to store (databases other than PostgreSQL, where search reads the fields)."""
    if not is_full_text():
        return None
    from django.contrib.postgres.search import SearchVector

    texts = {"title": title, "summary": summary, "body": body_text}
    return reduce(
        lambda a, b: a + b,
        (
            SearchVector(Value(text), weight=WEIGHTS[field], config=config)
            for field, text in texts.items()
            for config in CONFIGS
        ),
    )


def search_articles(queryset, query):
    """Filter a queryset of articles down to those matching the reader's query, best first."""
    if is_full_text():
        return _full_text(queryset, query)
    return _word_match(queryset, query)


def _full_text(queryset, query):
    from django.contrib.postgres.search import SearchQuery, SearchRank

    search_query = reduce(or_, (SearchQuery(query, search_type="websearch", config=c) for c in CONFIGS))
    return (
        queryset.filter(search_vector=search_query)
        .annotate(rank=SearchRank(F("search_vector"), search_query))
        .order_by("-rank", "-published_at")
    )


def _word_match(queryset, query):
    words = query.split()[:10]
    if not words:
        return queryset.none()
    conditions = (Q(title__icontains=w) | Q(summary__icontains=w) | Q(body__icontains=w) for w in words)
    return queryset.filter(reduce(and_, conditions))
