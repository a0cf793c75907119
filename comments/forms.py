import hashlib
import secrets
import time
import unicodedata

from django import forms
from django.conf import settings
from django.core import signing
from django.forms.renderers import Jinja2
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blog import markup

from . import moderation
from .models import Comment, HoldWord, Report
from .moderation import RejectionReason

TOKEN_SALT = "comments.form"


def issue_token(article, issued_at=None):
    """A signed stamp of when this form was shown, for this article, unique to it: the policy reads how fast
    it came back, and a form is posted only once (`CommentForm.submission_key`)."""
    return _token(article.pk, issued_at)


def page_token(request, article_pk):
    """`issue_token` for the article page, filled in for each response when the page comes from the cache
    (a `page_cache.hole`): the timing trap measures from when this reader's page was served."""
    return _token(article_pk)


def _token(article_pk, issued_at=None):
    issued_at = int(issued_at if issued_at is not None else time.time())
    return signing.dumps([article_pk, issued_at, secrets.token_urlsafe(12)], salt=TOKEN_SALT)


def read_token(token, article, now=None):
    """(seconds between showing the form and its submission, the form's unique value); None when the token
    is missing, forged, for another article, from the future or older than COMMENTS_FORM_MAX_AGE_HOURS."""
    try:
        article_pk, issued_at, *unique = signing.loads(token, salt=TOKEN_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    age = (now if now is not None else time.time()) - issued_at
    if article_pk != article.pk or not 0 <= age <= settings.COMMENTS_FORM_MAX_AGE_HOURS * 3600:
        return None
    # Pages shown before forms had a unique value carry none, for the few days they stay valid.
    return age, unique[0] if unique else None


def seconds_since_issue(token, article, now=None):
    read = read_token(token, article, now)
    return read[0] if read else None


# Django's own form templates, in their Jinja2 versions: the same HTML, rendered in two thirds of the time
# on every article page (the admin's forms keep Django's renderer).
JINJA2_FORMS = Jinja2()


class CommentForm(forms.ModelForm):
    default_renderer = JINJA2_FORMS
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    # The honeypot: hidden from people (and screen readers) by the template, filled in by naive robots.
    company = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    author_url = forms.URLField(
        label=_("Website (optional)"), max_length=200, required=False, assume_scheme="https"
    )

    class Meta:
        model = Comment
        fields = ["author_name", "author_email", "author_url", "body", "is_question", "notify_replies"]
        labels = {
            "author_email": _("Email"),
            "is_question": _("This is a question for the author"),
            "notify_replies": _("Email me when someone replies"),
        }
        help_texts = {
            "author_email": _("Never shown. Used only to tell you about your comment and replies to it."),
        }
        widgets = {
            "author_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "author_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "body": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, article, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.article = article
        self.user = user
        self.fields["body"].max_length = markup.COMMENT_MAX_CHARS
        # Formatted here, in the reader's language: `%` on a lazy text in Meta would fix it at import time.
        self.fields["body"].help_text = _(
            "Markdown: *emphasis*, `code`, lists, > quotes and links. No images, headings or HTML. "
            "At most %(max)s characters."
        ) % {"max": number_format(markup.COMMENT_MAX_CHARS, force_grouping=True)}
        self.fields["body"].widget.attrs["maxlength"] = markup.COMMENT_MAX_CHARS
        self.fields["author_url"].widget.attrs["autocomplete"] = "url"
        if user.is_authenticated:
            # Signed-in people comment under their account's name and email.
            for name in ("author_name", "author_email", "author_url"):
                del self.fields[name]

    def clean_body(self):
        return visible_text(self.cleaned_data["body"])

    def clean_author_name(self):
        # Line breaks, bidirectional overrides and invisible characters have no place in a name on display.
        kept = (" " if unicodedata.category(ch) == "Cc" else ch for ch in self.cleaned_data["author_name"])
        name = " ".join("".join(ch for ch in kept if unicodedata.category(ch) != "Cf").split())
        if not name:
            raise forms.ValidationError(_("Enter the name to show with your comment."))
        return name

    def clean_parent(self):
        """The comment being answered: a published one on this article (the id may be stale or forged)."""
        parent_id = self.cleaned_data["parent"]
        if parent_id is None:
            return None
        parent = Comment.objects.published().filter(article=self.article, pk=parent_id).first()
        if parent is None:
            raise forms.ValidationError(
                _(
                    "The comment you are replying to is not on this article any more. Your text is kept "
                    "below: send it as a new comment, or go back to the thread."
                )
            )
        return parent

    def clean(self):
        if "parent" in self.errors:
            # The page comes back without the stale reply target, so sending again posts a new comment.
            self.data = self.data.copy()
            self.data["parent"] = ""
        if not self.article.comments_open():
            raise forms.ValidationError(_("Comments are closed on this article. Your text is kept below."))
        return super().clean()

    def seconds_to_submit(self):
        return seconds_since_issue(self.cleaned_data.get("token", ""), self.article)

    def submission_key(self):
        """What makes this post of this form unique: its token's value with the text. The database takes one
        comment per key, so the same form sent twice (a double click, a resent request) makes one comment,
        while a reader who writes something else from the same page is not turned away. None without a
        valid token (which the policy counts against the comment anyway)."""
        read = read_token(self.cleaned_data.get("token", ""), self.article)
        if not read or read[1] is None:
            return None
        text = f"{self.article.pk}\n{read[1]}\n{self.cleaned_data['body']}"
        return hashlib.sha256(text.encode()).hexdigest()


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["reason", "note"]
        labels = {"reason": _("What is wrong with this comment?"), "note": _("Details (optional)")}
        widgets = {"reason": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = Report.REASONS  # a reason must be picked: no empty choice


class StopMailForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Stop"),
        choices=[
            ("comment", _("mails about this comment")),
            ("all", _("all mails from this site to this address")),
        ],
        initial="comment",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, comment, **kwargs):
        super().__init__(*args, **kwargs)
        if comment is None:  # deleted since the mail was sent: only "everything" is left to stop
            self.fields["scope"].choices = self.fields["scope"].choices[1:]
            self.fields["scope"].initial = "all"


# The admin's forms


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason (shown in the comment's place and sent to its author)"),
        choices=RejectionReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note for the other moderators (optional, never shown publicly)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BanForm(forms.Form):
    DURATIONS = [(1, _("1 day")), (7, _("7 days")), (30, _("30 days")), (365, _("1 year"))]

    days = forms.TypedChoiceField(
        label=_("For how long"), choices=DURATIONS, coerce=int, initial=7, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (required; kept with the ban)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoAnswerForm(forms.Form):
    note = forms.CharField(
        label=_("Why no answer is needed (kept in the history)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def visible_text(text):
    """`text`, refused when nothing in it can be seen: only spaces, line breaks or invisible characters."""
    if all(unicodedata.category(character)[0] in "CZ" for character in text):
        raise forms.ValidationError(_("Write something: this text is empty or invisible."))
    return text


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=markup.COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "data-preview": "reply-preview"}),
        help_text=_("Markdown, as readers write it: *emphasis*, `code`, lists, > quotes and links."),
    )
    approve = forms.BooleanField(label=_("Approve the comment and reply"), required=False, initial=True)

    def __init__(self, *args, comment, **kwargs):
        super().__init__(*args, **kwargs)
        if comment.status != Comment.Status.HELD:
            del self.fields["approve"]

    def clean_body(self):
        return visible_text(self.cleaned_data["body"])

    def clean(self):
        cleaned = super().clean()
        cleaned.setdefault("approve", False)
        return cleaned


class HoldWordForm(forms.ModelForm):
    """Adding a hold word first shows which published comments it would have caught, then asks to confirm."""

    confirm = forms.BooleanField(
        label=_("Hold new comments with this word anyway"),
        required=False,
        help_text=_("Asked only when the word would have caught comments already published."),
    )

    class Meta:
        model = HoldWord
        fields = ["word", "language"]

    def clean(self):
        cleaned = super().clean()
        word = " ".join(cleaned.get("word", "").split())
        unchanged = self.instance.pk is not None and word == self.instance.word
        self.caught, self.caught_count = caught_by(word) if word and not unchanged else ([], 0)
        self.dry_run_window = DRY_RUN_WINDOW
        if self.caught and not cleaned.get("confirm"):
            raise forms.ValidationError(
                ngettext(
                    "This word would have held %(count)s published comment (listed below). Check that it "
                    "targets abuse, not opinions, then tick the box to confirm.",
                    "This word would have held %(count)s published comments (listed below). Check that it "
                    "targets abuse, not opinions, then tick the box to confirm.",
                    self.caught_count,
                ),
                params={"count": self.caught_count},
            )
        return cleaned


# How many of the latest published comments a new hold word is tried on: the matching ignores case and
# accents, which no index can do, and the owner wants an answer in a moment, not a scan of a million.
DRY_RUN_WINDOW = 2000


def caught_by(word, shown=20):
    """The latest published comments (DRY_RUN_WINDOW of them) that a hold word would have held: the first
    `shown` of them, and how many in all. Comments by someone who speaks for their article are left out:
    the policy never holds them."""
    caught, count = [], 0
    latest = (
        Comment.objects.published()
        .select_related("article", "user")
        .only(
            "body",
            "author_name",
            "created_at",
            "article__title",
            "article__slug",
            "article__author",
            "user__is_staff",
        )
        .order_by("-created_at")[:DRY_RUN_WINDOW]
    )
    for comment in latest:
        if comment.speaks_for_article:
            continue
        if moderation.find_hold_words(comment.body, [word]):
            count += 1
            if len(caught) < shown:
                caught.append(comment)
    return caught, count


# The reader's own comments


class EditForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=markup.COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: *emphasis*, `code`, lists, > quotes and links. No images, headings or HTML."),
    )

    def clean_body(self):
        return visible_text(self.cleaned_data["body"])


class ReaderLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("The address you typed with your comments."),
    )


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone"),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class ReaderDataForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    action = forms.ChoiceField(
        label=_("What to do"),
        choices=[
            ("export", _("Export everything about it (a JSON file)")),
            ("erase", _("Erase everything about it")),
        ],
        initial="export",
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_("I have checked that the request comes from the owner of this address"),
        required=False,
        help_text=_("Needed to erase: it cannot be undone."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "erase" and not cleaned.get("confirm"):
            self.add_error("confirm", _("Tick the box to erase: it cannot be undone."))
        return cleaned
