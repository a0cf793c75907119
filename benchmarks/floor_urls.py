"""The URLconf benchmarks/serve.py serves: two floors, then the project's own URLs.

- `bench/ok/`: the cheapest response the project's middleware lets through, `HttpResponse("ok")`.
- `bench/template-floor/<article id>/`: Django's template floor. The article's comments, with author, date and
  text, from one query with values(), nested in a dict per comment and rendered by a minimal template that
  includes itself for replies: no project template, template tag, context processor or model method.
"""

from collections import defaultdict

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import include, path

from comments.models import Comment


def ok(request):
    return HttpResponse("ok")


def template_floor(request, article_id):
    rows = (
        Comment.objects.filter(article_id=article_id)
        .order_by("created_at", "id")
        .values("id", "parent_id", "author_name", "created_at", "body_html")
    )
    replies = defaultdict(list)
    for row in rows:
        row["replies"] = replies[row["id"]]
        replies[row["parent_id"]].append(row)
    return HttpResponse(render_to_string("floor/thread.html", {"comments": replies[None]}))


urlpatterns = [
    path("bench/ok/", ok),
    path("bench/template-floor/<int:article_id>/", template_floor),
    path("", include("config.urls")),
]
