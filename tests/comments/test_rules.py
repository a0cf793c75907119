"""One rule, one place: each business word of the comments is defined once, and every place using it agrees.

- "speaks for the article" (`Article.speaks_for`, `CommentQuerySet.speaking_for_article`): staff (the
  article's author among them; an author who left the staff speaks as a reader). Their comments skip the
  policy, wear the Author badge and answer questions.
- "an answer to a question" (`CommentQuerySet.answering`, `Comment.questions_answered`): a published comment
  by someone who speaks for the article, replying to the question or sitting right under it in the thread.
  The unanswered list, the metrics and the mail to the asker all follow it.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from comments import metrics, services, threads
from comments.models import Comment, MailOptOut, address_key
from tests.factories import delivered, make_article, make_user

pytestmark = pytest.mark.django_db

HOLD_WORD_TEXT = "You idiot, this is wrong."  # "idiot" is in the seeded hold-word list


def post(article, body, *, user=None, parent=None, email="ada@example.com", name="Ada", **data):
    """A comment sent through the comment service as a person typing at human speed would send it."""
    comment, _decision = services.post_comment(
        article=article,
        data={"author_name": name, "author_email": email, "body": body, "parent": parent, **data},
        user=user or AnonymousUser(),
        seconds_to_submit=60,
    )
    return comment


def authorship(article, user):
    """Every place that asks "does this person speak for the article?", as one tuple of answers."""
    comment = post(article, HOLD_WORD_TEXT, user=user, email="someone@example.com")
    (node,) = [
        n
        for n in threads.build(list(Comment.objects.thread_of(article)), article, own_ids={comment.pk})
        if n.comment == comment
    ]
    return (
        article.speaks_for(user),
        comment.status == Comment.Status.PUBLISHED,  # the policy was skipped
        node.speaks_for_article,  # the Author badge in the thread
        Comment.objects.speaking_for_article().filter(pk=comment.pk).exists(),
        Comment.objects.get(pk=comment.pk).speaks_for_article,
    )


@pytest.mark.parametrize(
    ("who", "speaks"),
    [
        ("author", True),
        ("staff", True),
        ("author who left the staff", False),
        ("signed-in reader", False),
        ("anonymous reader", False),
    ],
)
def test_every_place_agrees_on_who_speaks_for_the_article(who, speaks):
    author = make_user("author", is_staff=True)
    former = make_user("former", is_staff=False)
    article = make_article(author=former if who == "author who left the staff" else author)
    user = {
        "author": author,
        "author who left the staff": former,
        "staff": make_user("staff", is_staff=True),
        "signed-in reader": make_user("reader"),
        "anonymous reader": AnonymousUser(),
    }[who]
    assert authorship(article, user) == (speaks,) * 5


def test_the_reply_page_marks_the_author_as_the_thread_does(owner_client, owner):
    article = make_article(author=make_user("author"))
    question = post(article, "Why?", is_question=True)
    staff_reply = post(article, "Because.", user=owner, parent=question)
    reader_reply = post(article, "I wondered too.", parent=question, email="bob@example.com", name="Bob")
    page = owner_client.get(reverse("admin:comments_comment_reply", args=[question.pk])).content.decode()
    assert staff_reply.speaks_for_article and not reader_reply.speaks_for_article
    assert page.count("(author)") == 1


def answered_everywhere(question):
    """Whether each place that cares considers `question` answered: the unanswered list, the metrics, the
    mail to the asker, and the answer in memory."""
    question.refresh_from_db()
    figures = metrics.moderation_figures()
    answers = Comment.objects.answering(question)
    asker_mails = [m for m in delivered() if m.to == [question.author_email]]
    return (
        not Comment.objects.unanswered_questions().filter(pk=question.pk).exists(),
        figures.answer_time.count == 1 and figures.answer_time.waiting == 0,
        len(asker_mails) == 1 and "answered your question" in asker_mails[0].body,
        answers.exists() and all(question in answer.questions_answered() for answer in answers),
    )


def deep_question(article):
    """A question two levels down a conversation, so that replies to replies under it hang from it."""
    top = post(article, "A first remark.", email="first@example.com")
    middle = post(article, "A second remark.", parent=top, email="second@example.com")
    return post(
        article, "Is this also true in French?", parent=middle, is_question=True, email="asker@example.com"
    )


def test_an_author_reply_to_the_question_answers_it_everywhere(owner):
    article = make_article(author=owner)
    question = deep_question(article)
    post(article, "Yes, it is.", user=owner, parent=question)
    assert answered_everywhere(question) == (True, True, True, True)


def test_an_author_reply_in_the_questions_own_conversation_answers_it_everywhere(owner):
    """The defect this file was written for: the owner answers a reader's reply to the question, and the
    thread places that answer under the question (the reader's reply is at the deepest level). The unanswered
    list took the question off, but the metrics kept it waiting and the asker heard nothing."""
    article = make_article(author=owner)
    question = deep_question(article)
    reader_reply = post(article, "I think so.", parent=question, email="bob@example.com", name="Bob")
    answer = post(article, "Bob is right: it is.", user=owner, parent=reader_reply)
    assert (answer.parent, answer.reply_to) == (question, reader_reply)
    assert answered_everywhere(question) == (True, True, True, True)


def test_a_flattened_author_reply_to_a_question_at_the_deepest_level_answers_it_everywhere(owner, settings):
    settings.COMMENTS_MAX_DEPTH = 3
    article = make_article(author=owner)
    question = deep_question(article)  # at depth 2, the deepest level
    answer = post(article, "Yes.", user=owner, parent=question)
    assert (answer.parent, answer.reply_to) == (question.parent, question)
    assert answered_everywhere(question) == (True, True, True, True)


def test_a_readers_reply_answers_the_question_nowhere(owner):
    article = make_article(author=owner)
    question = deep_question(article)
    post(article, "I think so.", parent=question, email="bob@example.com", name="Bob")
    assert answered_everywhere(question) == (False, False, False, False)


def test_a_removed_answer_answers_nowhere(owner):
    article = make_article(author=owner)
    question = deep_question(article)
    answer = post(article, "Yes.", user=owner, parent=question)
    services.reject(answer, by=owner, reason="insult")
    delivered().clear()
    assert answered_everywhere(question) == (False, False, False, False)


def mail_to_asker_after_a_follow_up_is_answered(owner, *, stopped_follow_up_mails):
    """The asker replies under their own question, asking for mails about replies (and perhaps stops those
    about the follow-up); the owner answers the follow-up, and the thread places that answer under the
    question. The one mail the asker receives."""
    article = make_article(author=owner)
    question = deep_question(article)
    follow_up = post(
        article, "More precisely?", parent=question, email="asker@example.com", notify_replies=True
    )
    if stopped_follow_up_mails:
        MailOptOut.objects.create(address=address_key("asker@example.com"), comment=follow_up)
    post(article, "Yes, precisely.", user=owner, parent=follow_up)
    (message,) = [m for m in delivered() if m.to == ["asker@example.com"]]
    return message


def test_an_asker_whose_follow_up_is_answered_hears_that_their_question_was_answered(owner):
    message = mail_to_asker_after_a_follow_up_is_answered(owner, stopped_follow_up_mails=False)
    assert "answered your question" in message.body


def test_an_asker_who_stopped_mails_about_a_follow_up_still_hears_the_answer_to_their_question(owner):
    message = mail_to_asker_after_a_follow_up_is_answered(owner, stopped_follow_up_mails=True)
    assert "answered your question" in message.body


def test_a_question_needing_no_answer_waits_nowhere(owner):
    article = make_article(author=owner)
    question = deep_question(article)
    question.mark_no_answer_needed(by=owner, note="Answered in the article itself.")
    figures = metrics.moderation_figures()
    assert not Comment.objects.unanswered_questions().exists()
    assert (figures.answer_time.count, figures.answer_time.waiting) == (0, 0)
