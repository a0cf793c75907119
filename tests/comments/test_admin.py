import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from comments.models import Ban, Comment, HoldWord, Report
from tests.factories import delivered, make_article, make_comment, make_owner, make_user
from tests.html import Document

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")
ALL = CHANGELIST + "?view=all"
UNANSWERED = reverse("admin:comments_unansweredquestion_changelist")


def rows(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    # The ids of the rows the list shows, in order, from their selection checkboxes.
    return [
        int(box["value"]) for box in Document(response.content.decode()).find_all(name="_selected_action")
    ]


def act(client, action, *comments, url=ALL, follow=False, **data):
    selection = {"action": action, "_selected_action": [c.pk for c in comments], **data}
    return client.post(url, selection, follow=follow)


def make_moderator(username="mod"):
    moderator = make_user(username, is_staff=True)
    for codename in ["view_comment", "change_comment", "moderate_comment", "add_ban"]:
        moderator.user_permissions.add(Permission.objects.get(codename=codename))
    return moderator


def ago(**delta):
    return timezone.now() - timedelta(**delta)


# The queue


def test_the_list_opens_on_held_comments_oldest_first_then_reported_ones(owner_client):
    newer_held = make_comment(status="held", created_at=ago(hours=1))
    older_held = make_comment(status="held", created_at=ago(hours=5))
    reported = make_comment(created_at=ago(days=2))
    Report.objects.create(comment=reported, reason="insult")
    make_comment(body="Quiet published one")
    assert rows(owner_client, CHANGELIST) == [older_held.pk, newer_held.pk, reported.pk]


def test_a_queue_of_several_pages_keeps_its_order_from_page_to_page(owner_client):
    """Pages of a long queue are sorted from the indexes' keys: every held comment, oldest first, then the
    reported ones, each once, whatever page it falls on."""
    reported = [make_comment(created_at=ago(days=30 + n)) for n in range(3)]
    for comment in reported:
        Report.objects.create(comment=comment, reason="insult")
    held = [make_comment(status="held", created_at=ago(minutes=n)) for n in range(60)]
    make_comment(body="Quiet published one")
    pages = rows(owner_client, CHANGELIST) + rows(owner_client, CHANGELIST, p=2)
    expected = [c.pk for c in reversed(held)] + [c.pk for c in reversed(reported)]
    assert pages == expected
    assert "63 comments" in owner_client.get(CHANGELIST).content.decode()


def test_all_comments_are_one_click_away_newest_first(owner_client):
    first = make_comment(created_at=ago(hours=2))
    second = make_comment(status="held", created_at=ago(hours=1))
    assert rows(owner_client, CHANGELIST, view="all") == [second.pk, first.pk]


def test_a_row_gives_the_context_a_moderator_needs(owner_client):
    parent = make_comment(author_name="Sam", body="The parent comment says this.")
    held = make_comment(
        reply_to=parent,
        status="held",
        policy_reasons=["links", "hold_word"],
        author_email="writer@example.com",
        is_appeal=True,
        created_at=ago(hours=3),
    )
    Report.objects.create(comment=held, reason="spam")
    page = owner_client.get(CHANGELIST).content.decode()
    for expected in [
        "Sam: The parent comment says this.",
        "writer@example.com",
        "it contains more links than comments usually do",
        "it contains a word the site holds for review",
        "3\xa0hours",
        "1 open report",
        held.article.title,
        reverse("admin:comments_comment_reply", args=[held.pk]),
    ]:
        assert expected in page, expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status__exact": "held"}, {"held"}),
        ({"held_for": "links"}, {"links"}),
        ({"reported": "open"}, {"reported"}),
        ({"is_appeal__exact": "1"}, {"appeal"}),
        ({"question": "unanswered"}, {"question"}),
        ({"q": "needle@example.com"}, {"links"}),
        ({"q": "198.51.100.7"}, {"reported"}),
        ({"q": "haystack words"}, {"question"}),
    ],
)
def test_filters_and_search_find_what_they_say(owner_client, params, expected):
    made = {
        "held": make_comment(status="held", policy_reasons=["hold_word"]),
        "links": make_comment(status="held", policy_reasons=["links"], author_email="needle@example.com"),
        "reported": make_comment(ip_address="198.51.100.7"),
        "appeal": make_comment(status="held", is_appeal=True, policy_reasons=["appeal"]),
        "question": make_comment(is_question=True, body="Some haystack words"),
    }
    Report.objects.create(comment=made["reported"], reason="spam")
    found = {name for name, comment in made.items() if comment.pk in rows(owner_client, CHANGELIST, **params)}
    if params == {"status__exact": "held"}:
        expected = {"held", "links", "appeal"}
    assert found == expected


def test_the_list_filters_by_article(owner_client):
    article = make_article()
    mine = make_comment(article)
    make_comment()
    assert rows(owner_client, CHANGELIST, article=article.pk) == [mine.pk]


@pytest.mark.parametrize("count", [20, 500])
def test_the_list_costs_the_same_queries_whatever_the_size_of_the_table(
    owner_client, count, django_assert_num_queries
):
    article = make_article()
    parent = make_comment(article)
    Comment.objects.bulk_create(
        [
            Comment(
                article=article,
                reply_to=parent,
                parent=parent,
                depth=1,
                author_name=f"R{n}",
                author_email=f"r{n}@example.com",
                body="Held words",
                status="held",
                policy_reasons=["links"],
            )
            for n in range(count)
        ]
    )
    owner_client.get(CHANGELIST)  # the session and permission caches are warm from here on
    # the session, the user, the capped count, the page of comments, its articles, the comments they answer;
    # a queue of several pages first sorts its keys, from the indexes, and then fetches only its page's rows
    with django_assert_num_queries(6 if count <= 50 else 7):
        owner_client.get(CHANGELIST)
    with django_assert_num_queries(4):  # no unanswered question among them: nothing to prefetch
        owner_client.get(CHANGELIST, {"view": "all", "question": "unanswered"})


def test_the_admin_index_counts_what_its_link_opens(owner_client):
    """ "Need a decision" is the queue the link opens: held comments and published ones with open reports."""
    held = [make_comment(status="held", body=f"Held {n}.") for n in range(2)]
    reported = make_comment(body="Reported.")
    Report.objects.create(comment=reported, reason="insult")
    make_comment(is_question=True, body="Untouched question.")
    page = owner_client.get(reverse("admin:index")).content.decode()
    assert "3 comments need a decision" in page
    assert "1 unanswered question" in page
    queue = owner_client.get(CHANGELIST).content.decode()
    for comment in [*held, reported]:
        assert comment.body in queue
    assert "Untouched question." not in queue


# Bulk actions


def test_approving_held_comments_publishes_them_and_tells_their_authors(owner_client, owner):
    held = [make_comment(status="held", policy_reasons=["links"]) for _ in range(2)]
    response = act(owner_client, "approve", *held, url=CHANGELIST)
    assert response.status_code == 302
    assert set(Comment.objects.values_list("status", flat=True)) == {"published"}
    assert Comment.objects.first().history.get().actor == owner
    assert len(delivered()) == 2
    assert "is published" in delivered()[0].subject


def test_rejecting_asks_for_the_reason_on_an_intermediate_page(owner_client):
    comments = [make_comment(body="First one"), make_comment(body="Second one")]
    page = act(owner_client, "reject", *comments)
    assert page.status_code == 200
    html = page.content.decode()
    for reason in ["spam", "insult", "hate", "harassment", "personal_data", "illegal"]:
        assert f'value="{reason}"' in html
    assert "disagree" not in html.lower()
    assert "First one" in html and "Second one" in html
    assert set(Comment.objects.values_list("status", flat=True)) == {"published"}


def test_a_rejection_without_a_reason_is_refused_and_changes_nothing(owner_client):
    comment = make_comment()
    page = act(owner_client, "reject", comment, apply="yes", reason="")
    assert "This field is required." in page.content.decode()
    assert Comment.objects.get().status == "published"


def test_a_rejection_with_its_reason_is_applied_and_recorded(owner_client, owner):
    comments = [make_comment(), make_comment(status="held")]
    response = act(owner_client, "reject", *comments, apply="yes", reason="hate", note="Slur in the 2nd line")
    assert response.status_code == 302
    for comment in Comment.objects.all():
        assert (comment.status, comment.rejection_reason) == ("rejected", "hate")
        event = comment.history.get()
        assert (event.actor, event.reason, event.note) == (owner, "hate", "Slur in the 2nd line")


def test_marking_spam_from_the_list(owner_client):
    comment = make_comment(status="held")
    act(owner_client, "mark_spam", comment)
    assert Comment.objects.get().status == "spam"


@pytest.mark.parametrize(
    ("action", "answers", "one", "two"),
    [
        ("approve", {}, "1 comment published.", "2 comments published."),
        ("reject", {"reason": "spam"}, "1 comment rejected.", "2 comments rejected."),
        ("mark_spam", {}, "1 comment marked as spam.", "2 comments marked as spam."),
        ("ban_authors", {"days": "1", "reason": "Spam"}, "1 ban created.", "2 bans created."),
    ],
)
def test_an_action_says_how_many_it_changed_in_one_message(owner_client, action, answers, one, two):
    made = [make_comment(status="held", author_email=f"r{n}@example.com", ip_address=None) for n in range(3)]
    for selection, message in [(made[:1], one), (made[1:], two)]:
        page = act(owner_client, action, *selection, apply="yes", **answers, follow=True).content.decode()
        assert page.count('class="success"') == 1
        assert message in page


def test_an_action_message_is_in_the_readers_language_singular_and_plural(owner_client):
    made = [make_comment(status="held") for _ in range(3)]
    for selection, message in [(made[:1], "1 commentaire publié."), (made[1:], "2 commentaires publiés.")]:
        data = {"action": "approve", "_selected_action": [c.pk for c in selection]}
        page = owner_client.post(ALL, data, follow=True, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert message in page


def test_the_unanswered_list_offers_no_deletion(owner_client):
    question = make_comment(is_question=True)
    page = owner_client.get(UNANSWERED).content.decode()
    assert 'value="no_answer_needed"' in page and 'value="delete_selected"' not in page
    act(owner_client, "delete_selected", question, url=UNANSWERED, post="yes")
    assert Comment.objects.filter(pk=question.pk).exists()


def test_staff_without_the_moderation_permission_can_look_but_not_moderate(client):
    staff = make_user(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(staff)
    comment = make_comment(status="held")
    page = client.get(CHANGELIST).content.decode()
    assert "Waiting for review" in page
    assert 'value="approve"' not in page
    act(client, "approve", comment)
    assert Comment.objects.get().status == "held"
    assert client.get(reverse("admin:comments_comment_reply", args=[comment.pk])).status_code == 403


# Replying in-thread


def test_the_reply_page_shows_the_article_the_chain_the_comment_its_replies_and_the_authors_history(
    owner_client,
):
    article = make_article(title="Middleware order", summary="Why order matters.")
    top = make_comment(article, body="Top of the thread")
    middle = make_comment(reply_to=top, body="Middle of the thread")
    comment = make_comment(reply_to=middle, body="The comment itself", author_email="ada@example.com")
    make_comment(reply_to=comment, body="An existing reply")
    make_comment(make_article(title="Elsewhere"), body="Ada's earlier words", author_email="ada@example.com")
    page = owner_client.get(reverse("admin:comments_comment_reply", args=[comment.pk])).content.decode()
    positions = [
        page.index(text)
        for text in [
            "Middleware order",
            "Why order matters.",
            "Top of the thread",
            "Middle of the thread",
            "The comment itself",
            "An existing reply",
            'name="body"',
            "Ada&#x27;s earlier words",
        ]
    ]
    assert positions == sorted(positions)
    assert reverse("admin:comments_comment_preview") in page


def test_a_reply_from_the_admin_is_published_at_once_under_the_comment_with_the_author_badge(client):
    owner = make_owner(first_name="Anne", last_name="Owner")
    client.force_login(owner)
    article = make_article(author=owner, hold_all_comments=True)
    comment = make_comment(article, is_question=True, author_email="ada@example.com")
    response = client.post(
        reverse("admin:comments_comment_reply", args=[comment.pk]), {"body": "Thanks, *here* is why."}
    )
    assert response.status_code == 302
    reply = Comment.objects.get(reply_to=comment)
    assert (reply.status, reply.user, reply.author_name, reply.parent) == (
        "published",
        owner,
        "Anne Owner",
        comment,
    )
    assert reply.body_html == "<p>Thanks, <em>here</em> is why.</p>"
    page = client.get(article.get_absolute_url()).content.decode()
    card = page[page.index(f'id="comment-{reply.pk}"') :]
    assert "badge-author" in card[: card.index("</header>")]
    assert "The author answered your question" in delivered()[-1].subject


def test_replying_to_a_held_comment_offers_approve_and_reply_by_default(owner_client):
    comment = make_comment(status="held", policy_reasons=["links"])
    page = owner_client.get(reverse("admin:comments_comment_reply", args=[comment.pk])).content.decode()
    assert 'name="approve"' in page and "checked" in page[page.index('name="approve"') - 200 :][:400]
    owner_client.post(
        reverse("admin:comments_comment_reply", args=[comment.pk]), {"body": "Welcome", "approve": "on"}
    )
    comment.refresh_from_db()
    assert comment.status == "published"
    assert Comment.objects.get(reply_to=comment).status == "published"


def test_replying_to_a_held_comment_without_approving_keeps_it_held(owner_client):
    comment = make_comment(status="held")
    owner_client.post(reverse("admin:comments_comment_reply", args=[comment.pk]), {"body": "Noted"})
    comment.refresh_from_db()
    assert comment.status == "held"
    assert Comment.objects.get(reply_to=comment).status == "published"


def test_an_empty_reply_is_refused(owner_client):
    comment = make_comment()
    page = owner_client.post(reverse("admin:comments_comment_reply", args=[comment.pk]), {"body": "  "})
    assert page.status_code == 200
    assert "This field is required." in page.content.decode()
    assert Comment.objects.count() == 1


def test_the_live_preview_uses_the_comment_pipeline(owner_client):
    preview = owner_client.post(
        reverse("admin:comments_comment_preview"), {"body": "*hi* <script>x</script>"}
    )
    assert preview.content.decode() == "<p><em>hi</em> &lt;script&gt;x&lt;/script&gt;</p>"
    assert owner_client.get(reverse("admin:comments_comment_preview")).status_code == 403


def test_the_comment_page_has_a_reply_button(owner_client):
    comment = make_comment(status="held")
    page = owner_client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
    assert "Approve and reply" in page
    assert reverse("admin:comments_comment_reply", args=[comment.pk]) in page


def test_the_articles_admin_page_lists_its_comments_as_a_thread_with_status_and_reply_links(owner_client):
    article = make_article()
    top = make_comment(article, body="Top words")
    held = make_comment(reply_to=top, status="held", body="Held words")
    page = owner_client.get(reverse("admin:blog_article_change", args=[article.pk])).content.decode()
    assert "Top words" in page and "Held words" in page and "Waiting for review" in page
    assert reverse("admin:comments_comment_reply", args=[held.pk]) in page
    assert page.index(f'id="admin-comment-{top.pk}"') < page.index(f'id="admin-comment-{held.pk}"')


# Unanswered questions


def test_unanswered_questions_are_listed_oldest_first(owner_client):
    newer = make_comment(is_question=True, created_at=ago(hours=1))
    older = make_comment(is_question=True, created_at=ago(days=1))
    make_comment(is_question=True, status="held")
    make_comment(body="Not a question")
    assert rows(owner_client, UNANSWERED) == [older.pk, newer.pk]


def test_a_question_leaves_the_list_when_the_author_replies_in_its_thread(owner_client, owner):
    question = make_comment(is_question=True)
    make_comment(reply_to=question, body="A reader's reply does not count")
    assert rows(owner_client, UNANSWERED) == [question.pk]
    owner_client.post(
        reverse("admin:comments_comment_reply", args=[question.pk]), {"body": "Here is the answer"}
    )
    assert rows(owner_client, UNANSWERED) == []


def test_a_question_leaves_the_list_when_marked_no_answer_needed_with_a_note(owner_client, owner):
    question = make_comment(is_question=True)
    page = act(owner_client, "no_answer_needed", question, url=UNANSWERED)
    assert "Why no answer is needed" in page.content.decode()
    done = act(
        owner_client,
        "no_answer_needed",
        question,
        url=UNANSWERED,
        apply="yes",
        note="Answered in the article",
        follow=True,
    )
    assert "1 question left unanswered." in done.content.decode()
    assert rows(owner_client, UNANSWERED) == []
    event = question.history.get()
    assert (event.action, event.actor, event.note) == ("no_answer", owner, "Answered in the article")


def test_a_note_is_required_to_skip_a_question(owner_client):
    question = make_comment(is_question=True)
    act(owner_client, "no_answer_needed", question, url=UNANSWERED, apply="yes", note="")
    assert rows(owner_client, UNANSWERED) == [question.pk]


def test_a_comment_held_by_a_classifier_shows_moderators_the_words_that_weighed_most(owner_client):
    held = make_comment(
        status="held", policy_reasons=["attack"], body="People like you should be banned from having kids."
    )
    row = Document(owner_client.get(CHANGELIST).content.decode())
    reply = owner_client.get(reverse("admin:comments_comment_reply", args=[held.pk])).content.decode()
    for page in (row.all_text, reply):
        assert "its wording reads as an attack on a person rather than on what they said" in page
        weighed = re.search(r"Words that weighed most: ([^<\n]*)", page).group(1)
        assert set(weighed.replace(",", " ").split()) & {"people", "like", "you", "banned", "kids"}


def test_with_the_classifiers_off_no_weighed_words_are_shown(owner_client, settings):
    settings.COMMENTS_CLASSIFIERS = False
    held = make_comment(
        status="held", policy_reasons=["attack"], body="People like you should be banned from having kids."
    )
    reply = owner_client.get(reverse("admin:comments_comment_reply", args=[held.pk])).content.decode()
    assert "Words that weighed most" not in reply


def test_a_comment_held_by_a_word_of_the_lexicon_shows_no_weighed_words(owner_client):
    held = make_comment(status="held", policy_reasons=["insult"], body="You idiot.")
    reply = owner_client.get(reverse("admin:comments_comment_reply", args=[held.pk])).content.decode()
    assert "Words that weighed most" not in reply


# History and reversals


def test_the_comment_page_shows_its_full_history(owner_client, owner):
    comment = make_comment(status="held", policy_reasons=["hold_word", "links"])
    comment.record_posting()
    comment.reject(by=owner, reason="insult")
    comment.approve(by=owner, note="Fine after all")
    page = owner_client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
    for text in [
        "it contains a word the site holds for review",
        "posted",
        "rejected",
        "insult",
        "Fine after all",
    ]:
        assert text in page, text


def test_the_owner_sees_other_moderators_recent_rejections_and_reverses_one_in_a_click(owner_client, owner):
    moderator = make_moderator()
    theirs = make_comment(body="Removed by a colleague")
    theirs.reject(by=moderator, reason="insult")
    mine = make_comment()
    mine.reject(by=owner, reason="spam")
    old = make_comment()
    old.reject(by=moderator, reason="spam")
    Comment.objects.filter(pk=old.pk).update(moderated_at=ago(days=8))
    assert rows(owner_client, CHANGELIST, rejected_by_others="7d") == [theirs.pk]
    page = owner_client.get(reverse("admin:comments_comment_change", args=[theirs.pk])).content.decode()
    assert "Reverse: publish it" in page
    owner_client.post(reverse("admin:comments_comment_reverse", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.status == "published"
    assert [(e.action, e.actor) for e in theirs.history.all()] == [
        ("rejected", moderator),
        ("approved", owner),
    ]


def test_reversing_needs_a_post_and_the_moderation_permission(client):
    comment = make_comment()
    comment.reject(by=None, reason="insult")
    staff = make_user(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(staff)
    url = reverse("admin:comments_comment_reverse", args=[comment.pk])
    assert client.post(url).status_code == 403
    client.force_login(make_moderator())
    assert client.get(url).status_code == 403
    assert Comment.objects.get().status == "rejected"


def test_a_readers_words_cannot_be_edited_from_the_admin(owner_client):
    comment = make_comment(body="My own words")
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    assert 'name="body"' not in owner_client.get(url).content.decode()
    owner_client.post(url, {"body": "Changed words"})
    comment.refresh_from_db()
    assert comment.body == "My own words"


# Bans


def test_banning_from_the_list_asks_a_reason_and_a_duration_then_holds_new_comments(
    owner_client, owner, client
):
    comment = make_comment(author_email="troll@example.com", ip_address="192.0.2.9")
    assert "For how long" in act(owner_client, "ban_authors", comment).content.decode()
    act(owner_client, "ban_authors", comment, apply="yes", days="7", reason="")
    assert not Ban.objects.exists()
    act(owner_client, "ban_authors", comment, apply="yes", days="7", reason="Insults, three times")
    ban = Ban.objects.get()
    assert (ban.email, ban.ip_address, ban.reason, ban.created_by) == (
        "troll@example.com",
        "192.0.2.9",
        "Insults, three times",
        owner,
    )
    assert timedelta(days=6, hours=23) < ban.until - timezone.now() <= timedelta(days=7)
    assert Ban.objects.matching(email="troll@example.com").exists()


def test_a_ban_needs_a_reason_and_an_end_in_the_admin(owner_client):
    response = owner_client.post(reverse("admin:comments_ban_add"), {"email": "x@example.com"})
    assert response.status_code == 200
    assert not Ban.objects.exists()


# The hold-word list


def test_adding_a_hold_word_first_shows_the_published_comments_it_would_have_caught(owner_client):
    make_comment(body="What a brigand you are.", author_name="Caught")
    make_comment(body="Brigandage is a different word.", author_name="Spared")
    url = reverse("admin:comments_holdword_add")
    page = owner_client.post(url, {"word": "brigand", "language": ""}).content.decode()
    assert "This word would have held 1 published comment" in page
    assert "What a brigand you are." in page and "Brigandage" not in page
    assert not HoldWord.objects.filter(word="brigand").exists()
    owner_client.post(url, {"word": "brigand", "language": "", "confirm": "on"})
    assert HoldWord.objects.filter(word="brigand").exists()


def test_the_hold_word_dry_run_tries_the_latest_readers_comments_only(owner_client, owner, monkeypatch):
    from comments import forms

    monkeypatch.setattr(forms, "DRY_RUN_WINDOW", 3)
    article = make_article(author=owner)
    make_comment(article, body="Old brigand.", created_at=timezone.now() - timedelta(days=9))
    make_comment(article, body="The author's own brigand.", user=owner)  # never held by the policy
    recent = [make_comment(article, body=f"Recent {n}.") for n in range(forms.DRY_RUN_WINDOW)]
    assert len(recent) == forms.DRY_RUN_WINDOW
    url = reverse("admin:comments_holdword_add")
    owner_client.post(url, {"word": "brigand", "language": ""})
    assert HoldWord.objects.filter(word="brigand").exists()  # nothing caught in the window: saved at once


def test_a_hold_word_that_would_have_caught_nothing_is_saved_at_once(owner_client):
    owner_client.post(reverse("admin:comments_holdword_add"), {"word": "flibbertigibbet", "language": "en"})
    assert HoldWord.objects.filter(word="flibbertigibbet", language="en").exists()


def test_banning_a_signed_in_reader_bans_the_account_too_but_never_staff(owner_client, owner):
    reader = make_user("signed-reader")
    mine = make_comment(user=reader, author_email=reader.email)
    staff_comment = make_comment(user=owner, author_email=owner.email)
    act(owner_client, "ban_authors", mine, staff_comment, apply="yes", days="1", reason="Threats")
    assert list(Ban.objects.values_list("user", flat=True)) == [reader.pk]


@pytest.mark.parametrize("count", [20, 500])
def test_the_unanswered_list_costs_the_same_queries_whatever_its_length(
    owner_client, count, django_assert_num_queries
):
    article = make_article()
    Comment.objects.bulk_create(
        [
            Comment(
                article=article,
                author_name=f"Q{n}",
                author_email="q@example.com",
                body="Why?",
                is_question=True,
            )
            for n in range(count)
        ]
    )
    owner_client.get(UNANSWERED)
    # the session, the user, the capped count, the page of questions, their articles
    with django_assert_num_queries(5):
        owner_client.get(UNANSWERED)


@pytest.mark.parametrize("count", [20, 500])
def test_the_reply_page_costs_the_same_queries_whatever_the_size_of_the_thread(
    owner_client, count, django_assert_num_queries
):
    article = make_article()
    top = make_comment(article)
    comment = make_comment(reply_to=top, author_email="ada@example.com")
    Comment.objects.bulk_create(
        [
            Comment(
                article=article,
                parent=comment,
                reply_to=comment,
                depth=2,
                author_name=f"R{n}",
                author_email="ada@example.com",
                body="A reply",
            )
            for n in range(count)
        ]
    )
    url = reverse("admin:comments_comment_reply", args=[comment.pk])
    owner_client.get(url)
    with django_assert_num_queries(5):
        owner_client.get(url)


@pytest.mark.parametrize("value", ["²", "①", "9223372036854775808", "99999999999999999999999", "abc", "-1"])
def test_an_odd_article_filter_value_is_a_title_search_not_a_500(owner_client, value):
    make_comment(make_article(title="Nothing alike"), status="held")
    assert rows(owner_client, CHANGELIST, article=value) == []
    assert owner_client.get(UNANSWERED, {"article": value}).status_code == 200


def test_the_article_filter_finds_an_article_by_words_of_its_title_without_listing_every_article(
    owner_client,
):
    wanted = make_comment(make_article(title="Moderation at scale"), status="held")
    make_comment(make_article(title="Something else entirely"))  # published: not in the queue
    page = owner_client.get(CHANGELIST).content.decode()
    assert "Something else entirely" not in page  # no list of the articles with comments in the sidebar
    assert rows(owner_client, CHANGELIST, article="AT SCALE") == [wanted.pk]
    filtered = owner_client.get(CHANGELIST, {"article": "at scale", "status__exact": "held"}).content.decode()
    assert 'name="status__exact" value="held"' in filtered  # the search keeps the other filters


@pytest.mark.parametrize("selected", ["abc", "99999999999999999999999", "1.5"])
def test_a_forged_selection_is_a_bad_request_not_a_500(owner_client, selected):
    comment = make_comment()
    response = owner_client.post(
        ALL, {"action": "reject", "apply": "yes", "reason": "insult", "_selected_action": [selected]}
    )
    assert response.status_code == 400
    assert (
        owner_client.post(
            UNANSWERED, {"action": "no_answer_needed", "_selected_action": [selected]}
        ).status_code
        == 400
    )
    assert Comment.objects.get(pk=comment.pk).status == "published"


@pytest.mark.parametrize("word", ["Con", "CON", "cön"])
def test_a_hold_word_already_in_the_list_under_another_case_or_accent_is_refused(owner_client, word):
    HoldWord.objects.create(word="con")
    page = owner_client.post(reverse("admin:comments_holdword_add"), {"word": word, "language": ""})
    assert "This word is already in the list as “con”." in page.content.decode()
    assert HoldWord.objects.filter(word__iexact="con").count() == 1


@pytest.mark.parametrize("word", ["_", "...", "‽"])
def test_a_hold_word_that_could_never_match_is_refused(owner_client, word):
    page = owner_client.post(reverse("admin:comments_holdword_add"), {"word": word, "language": ""})
    assert "Enter a word: letters or digits." in page.content.decode()


def test_changing_only_a_hold_words_language_asks_no_confirmation(owner_client):
    make_comment(body="What a brigand.")
    word = HoldWord.objects.create(word="brigand")
    owner_client.post(
        reverse("admin:comments_holdword_change", args=[word.pk]), {"word": "brigand", "language": "fr"}
    )
    assert HoldWord.objects.get(pk=word.pk).language == "fr"


def test_the_history_gives_reasons_in_words(owner_client, owner):
    comment = make_comment(status="held", policy_reasons=["links"])
    comment.record_posting()
    comment.reject(by=owner, reason="insult")
    page = owner_client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
    history = page[page.lower().index("history: who did what") :]
    assert "it contains more links than comments usually do" in history
    assert "insult or personal attack" in history


def test_a_reply_of_only_invisible_characters_is_refused(owner_client):
    comment = make_comment()
    page = owner_client.post(
        reverse("admin:comments_comment_reply", args=[comment.pk]), {"body": "\u200b\u2060\u00ad"}
    )
    assert "Write something: this text is empty or invisible." in page.content.decode()
    assert Comment.objects.count() == 1


def test_staff_cannot_be_banned_from_the_ban_form(owner_client, owner):
    until = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%d")
    data = {"email": owner.email.upper(), "reason": "Test", "until_0": until, "until_1": "12:00:00"}
    page = owner_client.post(reverse("admin:comments_ban_add"), data)
    assert "Bans are for readers" in page.content.decode()
    assert not Ban.objects.exists()


def test_a_long_list_counts_up_to_a_cap_and_says_so(owner_client, monkeypatch):
    from comments.admin import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    for number in range(5):
        make_comment(status="held", body=f"Held {number}.")
    page = owner_client.get(CHANGELIST).content.decode()
    assert "3 or more comments" in Document(page).all_text
    make_comment(status="held", body="One more.")
    Comment.objects.filter(status="held").exclude(body="One more.").update(status="published")
    assert "1 comment" in Document(owner_client.get(CHANGELIST).content.decode()).all_text


# A reader's data, for requests that arrive by mail


def test_the_owner_exports_an_address_and_the_export_is_in_each_comment_s_history(owner_client, owner):
    comment = make_comment(author_email="camille@example.com", body="Words asked for by mail.")
    url = reverse("admin:comments_comment_readers_data")
    response = owner_client.post(url, {"email": "camille@example.com", "action": "export"})
    assert response["Content-Type"].startswith("application/json")
    assert "Words asked for by mail." in response.content.decode()
    event = comment.history.get(action="exported")
    assert (event.actor, event.note) == (owner, "on request, from the admin")
    listing = Document(owner_client.get(url).content.decode())
    assert "on request, from the admin" in listing.all_text


def test_erasing_an_address_from_the_admin_needs_a_confirmation_and_says_what_it_did(owner_client):
    comment = make_comment(author_email="camille@example.com")
    make_comment(reply_to=comment)
    url = reverse("admin:comments_comment_readers_data")
    refused = owner_client.post(url, {"email": "camille@example.com", "action": "erase"})
    assert "Tick the box to erase" in refused.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PUBLISHED
    done = owner_client.post(
        url, {"email": "camille@example.com", "action": "erase", "confirm": "on"}, follow=True
    )
    assert "0 comments deleted, 1 kept as placeholders" in Document(done.content.decode()).all_text
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.DELETED
