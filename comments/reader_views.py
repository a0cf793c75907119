"""The reader's own comments: edit or delete one for a few minutes after posting, from the same browser; see,
download and erase them all from a link mailed to their address, or from their account when signed in.

The edit window is a signed cookie set when the comment is posted, HttpOnly and scoped to the comment's own
addresses (/comments/<id>/...): never sent with the article's pages, so they stay in the page cache, never
readable by a script, and gone by itself when the window closes. What the article's cached page cannot say
(the comments of this browser) comments.js learns from the message after posting and keeps in local storage:
the ids and the end of their windows, no secret; it adds the Edit link to those comments, and the server
decides."""

import hashlib
import json
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from config.client_address import client_ip

from . import notifications, reader_data, services, threads
from .admin_filters import is_an_id
from .forms import EditForm, EraseForm, ReaderLinkForm
from .models import READER_LINK_HOURS, Comment, ReaderLink, address_key

EDIT_COOKIE = "comment_author"
OWN_COMMENT = "own-comment"  # the tag of the message that links to the edit page
EDIT_SALT = "comments.edit-window"
# "My comments" links asked for within an hour: per address (beyond it, the same answer and no mail) and per
# network address (beyond it, a page that says to wait).
LINKS_PER_ADDRESS = 3
LINKS_PER_CLIENT = 10
LINK_SALT = "comments.reader-link"


# The edit window


def window_end(comment):
    return comment.created_at + timedelta(minutes=settings.COMMENTS_EDIT_WINDOW_MINUTES)


def grant_edit_window(response, comment):
    """Let this browser edit or delete `comment` until its window closes."""
    response.set_signed_cookie(
        EDIT_COOKIE,
        str(comment.pk),
        salt=EDIT_SALT,
        max_age=settings.COMMENTS_EDIT_WINDOW_MINUTES * 60,
        path=reverse("comments:link", args=[comment.pk]),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    return response


def edit_window_note(comment):
    """The sentence added to "your comment is published" that links to the edit page, with what comments.js
    reads from it: the comment and the end of its window (a timestamp in milliseconds)."""
    end = window_end(comment)
    return format_html(
        '<a href="{}" data-own-comment="{}" data-until="{}">{}</a>',
        reverse("comments:edit", args=[comment.pk]),
        comment.pk,
        int(end.timestamp() * 1000),
        ngettext(
            "You can edit or delete it for %(minutes)d minute from this browser.",
            "You can edit or delete it for %(minutes)d minutes from this browser.",
            settings.COMMENTS_EDIT_WINDOW_MINUTES,
        )
        % {"minutes": settings.COMMENTS_EDIT_WINDOW_MINUTES},
    )


def _may_change(request, comment):
    """Whether this request comes from the comment's author within its window: the browser it was posted
    from (the cookie), or the account it was posted with."""
    if timezone.now() >= window_end(comment):
        return False
    if request.user.is_authenticated and comment.user_id == request.user.pk:
        return True
    max_age = settings.COMMENTS_EDIT_WINDOW_MINUTES * 60
    return request.get_signed_cookie(EDIT_COOKIE, default=None, salt=EDIT_SALT, max_age=max_age) == str(
        comment.pk
    )


def _own_comment(request, pk, statuses):
    comment = get_object_or_404(Comment.objects.select_related("article", "user"), pk=pk, status__in=statuses)
    if not _may_change(request, comment):
        return None
    return comment


EDITABLE = (Comment.Status.PUBLISHED, Comment.Status.HELD)
ERASABLE = (Comment.Status.PUBLISHED, Comment.Status.HELD, Comment.Status.REJECTED, Comment.Status.SPAM)


@never_cache
def edit_comment(request, pk):
    comment = _own_comment(request, pk, EDITABLE)
    if comment is None:
        return _window_closed(request)
    form = EditForm(request.POST if request.method == "POST" else None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        decision = services.edit_comment(comment, body=form.cleaned_data["body"])
        if decision.outcome == Comment.Status.HELD:
            threads.remember_own(request, comment)
            reasons = "; ".join(str(label) for label in comment.policy_reasons_display())
            messages.info(
                request,
                _("Your edit is saved and waiting for review because %(reasons)s.") % {"reasons": reasons},
            )
        else:
            messages.success(request, _("Your edit is saved and published."))
        return redirect(comment.get_absolute_url())
    context = {"comment": comment, "form": form, "until": window_end(comment)}
    return render(request, "comments/edit.html", context)


@never_cache
def delete_comment(request, pk):
    comment = _own_comment(request, pk, ERASABLE)
    if comment is None:
        return _window_closed(request)
    if request.method == "POST":
        article_url = comment.article.get_absolute_url()
        comment.erase(note=_("deleted by its author within the edit window"))
        messages.success(request, _("Your comment is deleted."))
        return redirect(f"{article_url}#comments")
    return render(request, "comments/delete.html", {"comment": comment, "until": window_end(comment)})


def _window_closed(request):
    return render(
        request,
        "comments/edit_closed.html",
        {"minutes": settings.COMMENTS_EDIT_WINDOW_MINUTES, "mine_url": reverse("comments:mine")},
        status=403,
    )


# "My comments", by a link mailed to the address


@never_cache
def ask_for_link(request):
    """Ask for the link to one's comments. The same answer whether or not the address wrote any: only an
    address with comments is mailed (the site would otherwise mail anyone on anyone's request)."""
    form = ReaderLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        client = address_key(client_ip(request) or "")
        recent = ReaderLink.objects.recent()
        if recent.filter(client=client).count() >= LINKS_PER_CLIENT:
            context = {"form": form, "too_many": True}
            return render(request, "comments/mine_ask.html", context, status=429)
        with transaction.atomic():
            flooded = recent.filter(email__iexact=email).count() >= LINKS_PER_ADDRESS
            secret = secrets.token_urlsafe(32)
            ReaderLink.objects.create(key=_hash(secret), email=email, client=client)
            if not flooded and _holds_anything(email):
                token = signing.dumps(secret, salt=LINK_SALT)
                url = notifications.site_url(reverse("comments:mine_list", args=[token]))
                notifications.reader_link(email, url)
        messages.success(
            request,
            ngettext(
                "If comments were written with this address on this site, a link to them is on its way to "
                "it. It works for %(hours)d hour.",
                "If comments were written with this address on this site, a link to them is on its way to "
                "it. It works for %(hours)d hours.",
                READER_LINK_HOURS,
            )
            % {"hours": READER_LINK_HOURS},
        )
        return redirect("comments:mine")
    return render(request, "comments/mine_ask.html", {"form": form})


def _holds_anything(email):
    return reader_data.comments_of(email=email).exists()


def _hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def _link(token):
    """The link's row, while the link is valid; else 404."""
    try:
        secret = signing.loads(token, salt=LINK_SALT, max_age=timedelta(hours=READER_LINK_HOURS))
    except (signing.BadSignature, TypeError, ValueError):
        raise Http404 from None
    if not isinstance(secret, str):
        raise Http404
    return get_object_or_404(ReaderLink.objects.only("email"), key=_hash(secret))


def _urls(token):
    return {
        "export_url": reverse("comments:mine_export", args=[token]),
        "erase_url": reverse("comments:mine_erase", args=[token]),
        "list_url": reverse("comments:mine_list", args=[token]),
    }


@never_cache
def mine_list(request, token):
    link = _link(token)
    comments = list(reader_data.comments_of(email=link.email))
    return render(
        request, "comments/mine_list.html", {"comments": comments, "email": link.email, **_urls(token)}
    )


@never_cache
def mine_export(request, token):
    link = _link(token)
    return export_response(reader_data.export(email=link.email))


@never_cache
def mine_erase(request, token):
    link = _link(token)
    return _erase(request, _urls(token), email=link.email)


# The same for a signed-in reader, from their account


@login_required
@never_cache
def account_comments(request):
    comments = list(reader_data.comments_of(user=request.user))
    urls = {
        "export_url": reverse("account_comments_export"),
        "erase_url": reverse("account_comments_erase"),
        "list_url": reverse("account_comments"),
    }
    return render(request, "comments/mine_list.html", {"comments": comments, "account": True, **urls})


@login_required
@never_cache
def account_comments_export(request):
    return export_response(reader_data.export(user=request.user))


@login_required
@never_cache
def account_comments_erase(request):
    urls = {"list_url": reverse("account_comments"), "erase_url": reverse("account_comments_erase")}
    return _erase(request, urls, user=request.user)


def export_response(data):
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="comments-{day}.json"'
    return response


def _erase(request, urls, **reader):
    """Erase one of the reader's comments (?comment=<id>) or all of them, after a confirmation."""
    comments = reader_data.comments_of(**reader)
    one = request.GET.get("comment", "")
    if one:
        if not is_an_id(one):
            raise Http404
        comments = comments.filter(pk=one)
        comment = comments.first()
        if comment is None:
            raise Http404
    else:
        comment = None
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        chosen = {"comments": comments} if comment is not None else {}
        counts = reader_data.erase(**reader, **chosen, note=_("erased by its author"))
        erased = counts["deleted"] + counts["anonymised"]
        messages.success(
            request,
            ngettext("%(count)d comment erased.", "%(count)d comments erased.", erased) % {"count": erased},
        )
        return redirect(urls["list_url"])
    count = 1 if comment is not None else comments.count()
    context = {"form": form, "comment": comment, "count": count, **urls}
    return render(request, "comments/mine_erase.html", context)
