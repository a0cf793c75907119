from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments import metrics
from comments.models import Comment, CommentEvent
from tests.factories import make_article, make_comment, make_user
from tests.html import Document

pytestmark = pytest.mark.django_db

METRICS = reverse("admin:comments_comment_metrics")
POLICY = reverse("comments:policy")
NOW = timezone.now()


@pytest.fixture(autouse=True)
def now():
    """Each test places its data relative to its own start, so the pages' own clock is only seconds off."""
    global NOW
    NOW = timezone.now()
    return NOW


def ago(**delta):
    return NOW - timedelta(**delta)


def posted(article=None, *, at, status="published", reasons=(), **fields):
    """A comment as the policy received it at `at`, with its "posted" history row."""
    comment = make_comment(article, status=status, policy_reasons=list(reasons), created_at=at, **fields)
    comment.record_posting()
    comment.history.update(created_at=at)
    return comment


def happened(comment, at):
    """Move the comment's latest history row (the change just made) to `at`."""
    CommentEvent.objects.filter(pk=comment.history.latest("id").pk).update(created_at=at)


def figures_shown(page):
    """The metrics page's figures by their data-figure name."""
    return {cell["data-figure"]: cell.text for cell in page.iter() if cell.get("data-figure")}


def chart(page):
    """The chart's SVG element and everything inside it, in order."""
    svg = page.find("svg", class_="metrics-chart")
    return [svg, *svg.iter()]


# Durations in words


@pytest.mark.parametrize(
    "delta, words",
    [
        (timedelta(0), "under a minute"),
        (timedelta(seconds=59), "under a minute"),
        (timedelta(seconds=-30), "under a minute"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(hours=3), "3 h"),
        (timedelta(hours=3, minutes=20, seconds=59), "3 h 20 min"),
        (timedelta(days=1, hours=5, minutes=10), "1 day 5 h"),
        (timedelta(days=2), "2 days"),
        (timedelta(days=2, minutes=30), "2 days"),
        (timedelta(days=9, hours=5), "9 days"),
    ],
)
def test_durations_read_as_a_person_says_them(delta, words):
    assert metrics.duration_words(delta) == words


# The queue


def test_pending_counts_the_held_comments_and_an_appeal_waits_from_when_it_was_made(owner):
    posted(at=ago(hours=5), status="held", reasons=["links"])
    posted(at=ago(hours=1), status="held", reasons=["rate"])
    appealed = posted(at=ago(days=10))
    appealed.reject(by=owner, reason="insult")
    happened(appealed, ago(days=9))
    appealed.appeal()
    happened(appealed, ago(hours=2))
    posted(at=ago(days=20))

    figures = metrics.moderation_figures(now=NOW)

    assert figures.pending == 3
    assert figures.oldest_pending == timedelta(hours=5)
    assert figures.oldest_pending_words == "5 h"


def test_the_queue_is_counted_whatever_the_window(owner):
    posted(at=ago(days=40), status="held", reasons=["hold_word"])
    figures = metrics.moderation_figures(now=NOW)
    assert (figures.pending, figures.oldest_pending) == (1, timedelta(days=40))


def test_nothing_pending_has_no_oldest_age():
    figures = metrics.moderation_figures(now=NOW)
    assert (figures.pending, figures.oldest_pending, figures.oldest_pending_words) == (0, None, "")


# Time to a decision


def test_the_decision_time_is_the_median_from_posting_to_the_first_decision(owner):
    quick = posted(at=ago(days=3), status="held", reasons=["links"])
    quick.approve(by=owner)
    happened(quick, ago(days=3) + timedelta(hours=1))
    # A later decision on the same comment (after an appeal) is not its first.
    quick.reject(by=owner, reason="insult")
    happened(quick, ago(days=2))
    middle = posted(at=ago(days=5), status="held", reasons=["hold_word"])
    middle.reject(by=owner, reason="hate")
    happened(middle, ago(days=5) + timedelta(hours=3))
    released = posted(at=ago(days=8), status="held", reasons=["rate"])
    released.approve(by=None, note="released automatically")
    happened(released, ago(days=8) + timedelta(hours=5))
    posted(at=ago(hours=30), status="held", reasons=["links"])  # still waiting
    published_then_rejected = posted(at=ago(days=4))  # never held: not a decision on a held comment
    published_then_rejected.reject(by=owner, reason="insult")
    happened(published_then_rejected, ago(days=4) + timedelta(minutes=10))

    figures = metrics.moderation_figures(now=NOW)

    assert figures.decision_time == metrics.Median(timedelta(hours=3), count=3, waiting=1)
    assert figures.decision_time.words == "3 h"


def test_an_even_number_of_decisions_takes_the_middle_of_the_two_middle_ones(owner):
    for hours in (1, 2):
        comment = posted(at=ago(days=2), status="held", reasons=["links"])
        comment.mark_spam(by=owner)
        happened(comment, ago(days=2) + timedelta(hours=hours))
    assert metrics.moderation_figures(now=NOW).decision_time.value == timedelta(hours=1, minutes=30)


def test_no_held_comment_gives_no_decision_time():
    posted(at=ago(days=1))
    assert metrics.moderation_figures(now=NOW).decision_time == metrics.Median(None, count=0, waiting=0)


# Questions


@pytest.fixture
def author(db):
    return make_user("author", is_staff=True)


@pytest.fixture
def article(author):
    return make_article(author=author)


def ask(article, at, **fields):
    return make_comment(article, is_question=True, created_at=at, **fields)


def answer(question, by, after, **fields):
    return make_comment(reply_to=question, user=by, created_at=question.created_at + after, **fields)


def test_question_figures_count_the_first_published_reply_by_the_author_or_staff(article, author):
    staff, reader = make_user(is_staff=True), make_user()
    first = ask(article, ago(days=5))
    answer(first, author, timedelta(hours=2))
    answer(first, author, timedelta(hours=1), status="held")  # not published: not an answer
    late = ask(article, ago(days=4))
    answer(late, reader, timedelta(hours=1))  # a reader's reply is not the author's answer
    answer(late, staff, timedelta(hours=50))
    ask(article, ago(days=3))  # never answered
    rejected_answer = ask(article, ago(days=4))
    answer(rejected_answer, author, timedelta(hours=1), status="rejected")
    recent = ask(article, ago(hours=10))
    answer(recent, author, timedelta(hours=1))
    ask(article, ago(days=2), status="held")  # not published: not counted
    make_comment(article, created_at=ago(days=2))  # not a question

    figures = metrics.moderation_figures(now=NOW)

    assert figures.answer_time == metrics.Median(timedelta(hours=2), count=3, waiting=2)
    assert figures.answered_in_time == metrics.Share(answered=1, asked=4, too_recent=1)
    assert figures.answered_in_time.percent == 25


def test_a_question_answered_exactly_at_48_hours_is_in_time(article, author):
    answer(ask(article, ago(days=3)), author, timedelta(hours=48))
    assert metrics.moderation_figures(now=NOW).answered_in_time == metrics.Share(1, 1, 0)


def test_without_questions_the_share_is_none_rather_than_a_division_by_zero(article):
    ask(article, ago(hours=3))
    share = metrics.moderation_figures(now=NOW).answered_in_time
    assert (share.asked, share.too_recent, share.percent) == (0, 1, None)


# Counts in the window


def test_counts_come_from_the_history_rows_of_the_window(owner):
    for _ in range(3):
        posted(at=ago(days=2))
    posted(at=ago(days=3), status="held", reasons=["links", "rate"])
    held = posted(at=ago(days=4), status="held", reasons=["hold_word"])
    posted(at=ago(days=5), status="spam", reasons=["honeypot", "too_fast"])
    held.approve(by=owner)
    auto = posted(at=ago(days=6), status="held", reasons=["links"])
    auto.approve(by=None)
    for reason in ["insult", "insult", "hate"]:
        posted(at=ago(days=7)).reject(by=owner, reason=reason)
    posted(at=ago(days=8)).mark_spam(by=owner)
    appealed = posted(at=ago(days=9))
    appealed.reject(by=owner, reason="harassment")
    appealed.appeal()

    figures = metrics.moderation_figures()  # the decisions are made just now

    assert (figures.published_at_once, figures.held, figures.spam_at_posting) == (8, 3, 1)
    assert {code: count for code, _words, count, _published in figures.held_by_reason} == {
        "links": 2,
        "hold_word": 1,
        "rate": 1,
        "duplicate": 0,
        "banned": 0,
        "article_holds_all": 0,
        "insult": 0,
        "hate": 0,
        "threat": 0,
        "exclusion": 0,
        "dehumanising": 0,
        "attack": 0,
        "advert": 0,
    }
    assert ("links", "it contains more links than comments usually do", 2, 1) in figures.held_by_reason
    assert {code: count for code, _words, count in figures.spam_by_reason} == {
        "honeypot": 1,
        "too_fast": 1,
        "bad_token": 0,
    }
    assert (figures.approved, figures.approved_automatically, figures.approved_by_moderators) == (2, 1, 1)
    assert figures.rejected == 4
    assert {code: count for code, _words, count in figures.rejected_by_reason} == {
        "spam": 0,
        "insult": 2,
        "hate": 1,
        "harassment": 1,
        "personal_data": 0,
        "illegal": 0,
    }
    assert (figures.marked_spam, figures.appealed) == (1, 1)


def test_a_code_is_counted_only_for_itself(owner):
    # "rate" must not be found inside another code's name, nor "links" inside a longer one.
    posted(at=ago(days=1), status="held", reasons=["article_holds_all"])
    figures = metrics.moderation_figures(now=NOW)
    counts = {code: count for code, _words, count, _published in figures.held_by_reason}
    assert counts["article_holds_all"] == 1
    assert sum(counts.values()) == 1


def test_data_older_than_the_window_is_left_out_but_a_decision_inside_it_counts(owner, article, author):
    old = posted(at=ago(days=31), status="held", reasons=["links"])
    old.reject(by=owner, reason="insult")
    happened(old, ago(days=29))
    answer(ask(article, ago(days=31)), author, timedelta(hours=1))
    posted(at=ago(days=29, hours=23), status="held", reasons=["hold_word"])

    figures = metrics.moderation_figures(now=NOW)

    assert (figures.held, figures.published_at_once) == (1, 0)
    assert {code: count for code, _words, count, _published in figures.held_by_reason}["links"] == 0
    assert figures.decision_time == metrics.Median(None, count=0, waiting=1)
    assert figures.answer_time == metrics.Median(None, count=0, waiting=0)
    assert figures.rejected == 1  # the decision itself happened inside the window


def test_a_shorter_window_can_be_asked_for(owner):
    posted(at=ago(days=3))
    posted(at=ago(days=10))
    assert metrics.moderation_figures(now=NOW, days=7).published_at_once == 1


# The chart


def test_the_chart_has_a_bar_per_local_day_stacked_by_outcome_and_adding_up_to_the_counts():
    today = timezone.localtime(NOW).date()
    noon = timezone.make_aware(datetime(today.year, today.month, today.day, 12)) - timedelta(days=2)
    for _ in range(3):
        posted(at=noon)
    posted(at=noon, status="held", reasons=["links"])
    posted(at=noon - timedelta(days=1), status="spam", reasons=["honeypot"])

    figures = metrics.moderation_figures(now=NOW)
    chart = figures.chart

    assert len(chart.bars) == 31  # the window's 30 days touch 31 dates, the first and the last in part
    assert (chart.bars[0].day, chart.bars[-1].day) == (today - timedelta(days=30), today)
    assert chart.total == figures.posted == 5
    busy = next(bar for bar in chart.bars if bar.day == noon.date())
    assert (busy.published, busy.held, busy.spam) == (3, 1, 0)
    # The scale's top is 4 (the even number at or above the busiest day): 3 of 4 fill 120 of 160 units.
    published, held = busy.segments
    assert (published.kind, published.height, published.y) == ("published", 120, chart.plot_bottom - 120)
    assert (held.kind, held.height, held.y) == ("held", 40, chart.plot_top)
    assert chart.ticks == [(0, chart.plot_bottom), (2, chart.plot_bottom - 80), (4, chart.plot_top)]
    assert [bar.x for bar in chart.bars[:2]] == [44, 62]
    assert [bar.labelled for bar in chart.bars].count(True) == 6


def test_an_empty_chart_still_has_a_scale():
    chart = metrics.moderation_figures(now=NOW).chart
    assert chart.total == 0
    assert all(not bar.segments for bar in chart.bars)
    assert [value for value, _y in chart.ticks] == [0, 1, 2]


# Month by month


def local(*args):
    return timezone.make_aware(datetime(*args))


def test_monthly_counts_are_per_local_calendar_month_newest_first_with_only_months_that_had_any(owner):
    now = local(2025, 3, 15, 12)
    for _ in range(2):
        posted(at=local(2025, 3, 2, 9))
    posted(at=local(2025, 3, 3, 9), status="held", reasons=["links", "hold_word"])
    posted(at=local(2025, 1, 31, 23, 30))  # still January in local time, February in UTC
    january = posted(at=local(2025, 1, 10), status="held", reasons=["links"])
    january.reject(by=owner, reason="insult")
    happened(january, local(2025, 1, 12))
    posted(at=local(2025, 1, 11), status="spam", reasons=["honeypot"])
    spammed = posted(at=local(2025, 1, 12))
    spammed.mark_spam(by=owner)
    happened(spammed, local(2025, 1, 13))
    posted(at=local(2024, 3, 31))  # thirteen months back: left out

    months = metrics.monthly_counts(now=now)

    assert [month.month.isoformat() for month in months] == ["2025-03-01", "2025-01-01"]
    march, january = months
    assert (march.published, march.held, march.rejected, march.spam) == (2, 1, 0, 0)
    assert march.held_by_reason == [
        ("it contains more links than comments usually do", 1),
        ("it contains a word the site holds for review", 1),
    ]
    assert (january.published, january.held, january.rejected, january.spam) == (2, 1, 1, 2)
    assert january.held_by_reason == [("it contains more links than comments usually do", 1)]
    assert january.rejected_by_reason == [("insult or personal attack", 1)]


def test_monthly_counts_are_empty_without_comments():
    assert metrics.monthly_counts() == []


# The pages


def test_the_metrics_page_shows_the_figures_and_a_chart_to_the_owner(owner_client, owner):
    posted(at=ago(days=1))
    held = posted(at=ago(days=2), status="held", reasons=["links"])
    held.reject(by=owner, reason="insult")
    happened(held, ago(days=2) + timedelta(hours=3, minutes=20))
    posted(at=ago(hours=2), status="held", reasons=["rate"])

    response = owner_client.get(METRICS)

    assert response.status_code == 200
    page = Document(response.content.decode())
    shown = figures_shown(page)
    assert shown["pending"] == "1"
    assert shown["oldest-pending"] == "2 h"
    assert shown["decision-time"] == "3 h 20 min"
    assert shown["answer-time"] == "no questions yet"
    assert shown["answered-in-time"] == "no questions yet"
    assert (shown["published-at-once"], shown["held"]) == ("1", "2")
    assert (shown["held-links"], shown["held-rate"]) == ("1", "1")
    assert (shown["rejected"], shown["rejected-insult"]) == ("1", "1")
    tags = [element.tag for element in chart(page)]
    assert tags[0] == "svg" and "title" in tags and "desc" in tags
    assert chart(page)[0]["role"] == "img"
    bars = [element for element in chart(page) if element.tag == "rect"]
    assert sorted(bar["class"] for bar in bars) == ["bar-held", "bar-held", "bar-published"]
    assert "3 comments in all: 1 published at once, 2 held for review, 0 filed as spam" in page.all_text
    assert "Moderation metrics" in page.all_text


def test_the_share_of_questions_answered_in_time_shows_as_a_percentage(owner_client, article, author):
    answer(ask(article, ago(days=3)), author, timedelta(hours=3))
    ask(article, ago(days=3))
    shown = figures_shown(Document(owner_client.get(METRICS).content.decode()))
    assert shown["answered-in-time"] == "50 % (1 of 2)"
    assert shown["answer-time"] == "3 h"


def test_each_hold_reason_shows_how_many_of_its_comments_were_published_since(owner_client, owner):
    """How often a signal, the abuse classifier's included, held a comment a moderator then found fine."""
    for approved in (True, True, False):
        comment = posted(at=ago(days=2), status="held", reasons=["attack"])
        if approved:
            comment.approve(by=owner)
        else:
            comment.reject(by=owner, reason="insult")
    posted(at=ago(days=2), status="held", reasons=["links"])
    shown = figures_shown(Document(owner_client.get(METRICS).content.decode()))
    assert (shown["held-attack"], shown["held-attack-published"]) == ("3", "2")
    assert (shown["held-links"], shown["held-links-published"]) == ("1", "0")


def test_the_chart_coordinates_are_not_localized(owner_client, settings):
    settings.LANGUAGE_CODE = "fr"
    today = timezone.localtime(NOW).date()
    noon = timezone.make_aware(datetime(today.year, today.month, today.day, 12)) - timedelta(days=1)
    for _ in range(3):
        posted(at=noon)
    page = Document(owner_client.get(METRICS, HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    for element in chart(page):
        for name in ("x", "y", "width", "height"):
            assert "," not in element.get(name, ""), element.attrs


def test_staff_without_the_view_permission_cannot_see_the_metrics(client):
    client.force_login(make_user(is_staff=True))
    assert client.get(METRICS).status_code == 403


def test_staff_with_the_view_permission_can(client):
    staff = make_user(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(staff)
    assert client.get(METRICS).status_code == 200


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(METRICS)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_policy_page_shows_the_monthly_counts_and_nothing_a_commenter_wrote(client, owner):
    secret = {"author_name": "Zebulon Quill", "author_email": "zebulon@example.com", "body": "Xylophone rant"}
    posted(at=ago(minutes=5), status="held", reasons=["hold_word"], **secret)
    rejected = posted(at=ago(minutes=4), **{**secret, "author_email": "z2@example.com"})
    rejected.reject(by=owner, reason="hate", note="Xylophone note")

    html = client.get(POLICY).content.decode()

    text = Document(html).all_text
    assert "What moderation did, month by month" in text
    month = timezone.localtime(NOW)
    assert f"{month:%B} {month.year}" in text
    assert "1 comment published at once" in text
    assert "1 held for review, because it contains a word the site holds for review: 1" in text
    assert "1 removed, for hate or racism: 1" in text
    for private in ["Zebulon", "zebulon@", "z2@", "Xylophone"]:
        assert private not in html


def test_the_policy_page_says_when_there_is_nothing_to_count(client):
    text = Document(client.get(POLICY).content.decode()).all_text
    assert "No comment was posted in the last twelve months." in text


# A fixed number of queries, whatever the size of the table


def fill(total, owner):
    """`total` comments over the last 40 days with their history: most published at once, some held and
    decided, some spam, a few questions answered by the owner."""
    article = make_article(author=owner)
    comments = Comment.objects.bulk_create(
        [
            Comment(
                article=article,
                author_name=f"Reader {number}",
                author_email=f"reader{number}@example.com",
                body="Text",
                status=["published", "held", "spam", "rejected"][number % 4],
                policy_reasons={1: ["links"], 2: ["honeypot"], 3: ["rate"]}.get(number % 4, []),
                is_question=number % 10 == 0,
                created_at=NOW - timedelta(hours=number * 2),
            )
            for number in range(total)
        ]
    )
    events = []
    for number, comment in enumerate(comments):
        outcome = {1: "held", 2: "spam", 3: "held"}.get(number % 4, "published")
        at = comment.created_at
        events.append(CommentEvent(comment=comment, action="posted", to_status=outcome, created_at=at))
        if number % 4 == 3:
            events.append(
                CommentEvent(
                    comment=comment,
                    action="rejected",
                    actor=owner,
                    from_status="held",
                    to_status="rejected",
                    reason="insult",
                    created_at=at + timedelta(hours=1),
                )
            )
    CommentEvent.objects.bulk_create(events)
    Comment.objects.bulk_create(
        [
            Comment(
                article=article,
                reply_to=question,
                parent=question,
                depth=1,
                user=owner,
                author_name="Owner",
                author_email="owner@example.com",
                body="Answer",
                created_at=question.created_at + timedelta(hours=5),
            )
            for question in comments
            if question.is_question
        ]
    )


def queries_for(call):
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


@pytest.mark.parametrize("total", [20, 500])
def test_the_figures_take_five_queries_and_the_months_one(owner, total, django_assert_num_queries):
    fill(total, owner)
    with django_assert_num_queries(5):
        figures = metrics.moderation_figures(now=NOW)
    with django_assert_num_queries(1):
        months = metrics.monthly_counts(now=NOW)
    assert figures.posted == min(total, 30 * 24 // 2 + 1)  # one comment every 2 hours, the last on the edge
    assert sum(month.published + month.held + month.spam for month in months) == total


def test_the_metrics_and_policy_pages_take_as_many_queries_with_500_comments_as_with_20(owner, client):
    client.force_login(owner)
    fill(20, owner)
    small = queries_for(lambda: client.get(METRICS)), queries_for(lambda: client.get(POLICY))
    cache.clear()  # the window's figures are counted again, as every ten minutes
    fill(480, owner)
    large = queries_for(lambda: client.get(METRICS)), queries_for(lambda: client.get(POLICY))
    assert small == large


def test_the_window_is_counted_again_at_most_every_ten_minutes_and_what_waits_always(owner, client):
    client.force_login(owner)
    fill(20, owner)
    first = figures_shown(Document(client.get(METRICS).content.decode()))
    make_comment(status="held", policy_reasons=["links"]).record_posting()
    second = figures_shown(Document(client.get(METRICS).content.decode()))
    assert second["held"] == first["held"]  # the window's count: at its next count
    assert int(second["pending"]) == int(first["pending"]) + 1  # what waits: at once
    assert second["counted-at"].startswith("Counted at")
    cache.clear()
    assert (
        int(figures_shown(Document(client.get(METRICS).content.decode()))["held"]) == int(first["held"]) + 1
    )
