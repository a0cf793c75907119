"""The WordPress import at scale: a generated export of a few posts and 10,000 comments (threaded, a few
pending and spam, with HTML), imported with `manage.py import_wordpress`, then imported again (nothing new).
Prints the wall-clock time and the CPU time the process used (which a loaded machine changes less).

Run: DJANGO_DEBUG=1 .venv/bin/python benchmarks/import_wordpress.py [--comments 10000] [--posts 20]
Uses a throwaway test database (SQLite in a file, or the DATABASE_URL server's test_ database).
"""

import argparse
import tempfile
import time
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path
from xml.sax.saxutils import escape

import setup_django  # noqa: F401  (first: the imports below need Django set up)
from django.core.management import call_command
from django.db import connection
from django.test.utils import setup_test_environment

from comments.models import Comment

HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench</title><link>https://old.example</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>admin</wp:author_login>
<wp:author_email>admin@old.example</wp:author_email></wp:author>
"""
POST = """<item><title>Post {n}</title><link>https://old.example/{date:%Y/%m}/post-{n}/</link>
<dc:creator>admin</dc:creator><content:encoded><![CDATA[<p>Post {n} has <strong>bold</strong> words and
<a href="https://example.org/{n}">a link</a>.</p>

A second paragraph.]]></content:encoded><wp:post_id>{n}</wp:post_id>
<wp:post_date_gmt>{date:%Y-%m-%d %H:%M:%S}</wp:post_date_gmt><wp:post_name>post-{n}</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type><wp:comment_status>open</wp:comment_status>
<category domain="post_tag" nicename="tag-{tag}">Tag {tag}</category>
"""
COMMENT = """<wp:comment><wp:comment_id>{id}</wp:comment_id><wp:comment_author>Reader {id}</wp:comment_author>
<wp:comment_author_email>reader{id}@example.com</wp:comment_author_email>
<wp:comment_author_url>https://reader{id}.example</wp:comment_author_url>
<wp:comment_author_IP>192.0.2.{ip}</wp:comment_author_IP>
<wp:comment_date_gmt>{date:%Y-%m-%d %H:%M:%S}</wp:comment_date_gmt>
<wp:comment_content>{content}</wp:comment_content><wp:comment_approved>{approved}</wp:comment_approved>
<wp:comment_type>comment</wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent>
<wp:comment_user_id>0</wp:comment_user_id></wp:comment>
"""
TEXT = 'I tried this &amp; it <em>worked</em>.\nThanks for writing it up, see <a href="https://example.org">this</a>.'


def write_export(path, posts, comments):
    start = datetime(2020, 1, 1)
    per_post = comments // posts
    with path.open("w") as out:
        out.write(HEADER)
        comment_id = 0
        for n in range(1, posts + 1):
            out.write(POST.format(n=n, date=start + timedelta(days=n), tag=n % 5))
            first = comment_id + 1
            for k in range(per_post):
                comment_id += 1
                # A third start a conversation, the rest answer the comment before (threads up to 6 deep).
                parent = comment_id - 1 if k % 3 and comment_id - 1 >= first else 0
                approved = {7: "0", 11: "spam"}.get(k % 50, "1")
                out.write(
                    COMMENT.format(
                        id=comment_id,
                        ip=comment_id % 250,
                        date=start + timedelta(days=n, minutes=k),
                        content=escape(TEXT),
                        approved=approved,
                        parent=parent,
                    )
                )
            out.write("</item>\n")
        out.write("</channel></rss>\n")
    return comment_id


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=20)
    options = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "export.xml"
            written = write_export(path, options.posts, options.comments)
            print(f"Export: {options.posts} posts, {written} comments, {path.stat().st_size / 1e6:.1f} MB")
            for run in ("first import", "second import (nothing new)"):
                out = StringIO()
                started, cpu = time.perf_counter(), time.process_time()
                call_command("import_wordpress", str(path), stdout=out, stderr=StringIO())
                seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
                print(f"{run}: {seconds:.1f} s, {cpu:.1f} s of CPU ({connection.vendor})")
                print("  " + out.getvalue().strip().replace("\n", "\n  "))
            print(f"Comments in the database: {Comment.objects.count()}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
