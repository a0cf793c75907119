"""Reading a WordPress export (WXR, the file of Tools → Export) and bringing its posts in as articles.

The file is parsed whole, with defusedxml, before anything is written: a file that is not well-formed XML, is
too large, declares entities (the "billion laughs") or names external ones is refused, and nothing is
imported. Posts are then imported one by one (the caller makes each one a transaction, with its comments):

- authors become users without a usable password, unless they match an existing user by login or email, or
  the owner maps them (``--author wordpress_login=username``);
- the post's HTML becomes Markdown (markdownify), rendered by ``blog.markup`` like any article, unless the
  Markdown would lose words or formatting the allow-list keeps (a table, a superscript): then the HTML is
  the body, shown through the same allow-list (``Article.body_is_html``); WordPress's
  shortcodes become what they show: ``[caption]`` an image followed by its caption in italics, ``[gallery]``
  the gallery's images, ``[embed]`` a link; other shortcodes stay as text, and are counted in the summary;
- publish becomes published, future a scheduled article, draft, pending and private a draft (nothing private
  is shown on a public blog); password-protected posts become drafts; pages become draft articles;
- categories and tags both become tags (Causerie has only tags), except WordPress's default "Uncategorized";
- the featured image (``_thumbnail_id``) becomes the cover, and the images in the content are stored like
  the editor's uploads, both read from files beside the export or in a media folder, never from the network,
  and both validated and re-encoded by ``blog.images``. An image not found stays at its old address;
- the post's old address (its permalink and ``/?p=<id>``) is kept as an ``OldAddress``, which redirects.

Comments are the comments app's (``comments/importing.py``): the blog knows nothing of them.
"""

import html
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import defusedxml.ElementTree as SafeET
from bs4 import BeautifulSoup
from defusedxml import DefusedXmlException
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import Truncator, slugify
from markdownify import MarkdownConverter

from . import images, markup, revisions
from .control_characters import without_control_characters
from .models import Article, BodyImage, OldAddress, Tag

DEFAULT_MAX_BYTES = 512 * 1024 * 1024
NAMESPACES = {
    "content": "http://purl.org/rss/1.0/modules/content/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
# WXR 1.0 and 1.1 differ from 1.2 only by this namespace's version.
WP_NAMESPACE = re.compile(r"\{(http://wordpress\.org/export/1\.[012]/)\}")
# What Causerie writes into its own exports (comments/exporting.py) so that reading them back loses nothing:
# WordPress keeps these as hidden custom fields.
MARKDOWN_META = "_causerie_markdown"
LANGUAGE_META = "_causerie_language"
HTML_META = "_causerie_html"  # the body of an article kept as imported HTML
UNCATEGORIZED = "uncategorized"

STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,  # with its future date: scheduled
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.DRAFT,
    "private": Article.Status.DRAFT,
}


class Refused(Exception):
    """The export cannot be read: nothing was imported."""


class Skip(Exception):
    """This post (or comment) is not imported; the message says why."""


# Reading the file


@dataclass
class Author:
    login: str
    id: int = 0
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class WPComment:
    id: int
    parent: int
    author: str
    email: str
    url: str
    ip: str
    date: datetime
    content: str
    approved: str
    type: str
    user_id: int
    meta: dict


@dataclass
class Post:
    id: int
    type: str
    title: str
    link: str
    slug: str
    status: str
    date: datetime | None
    modified: datetime | None
    content: str
    excerpt: str
    creator: str
    password: str
    comment_status: str
    parent: int
    attachment_url: str
    terms: list = field(default_factory=list)  # (domain, nicename, name)
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)


@dataclass
class Export:
    path: Path
    site_url: str
    authors: dict  # login -> Author
    posts: list  # posts and pages, in the file's order
    attachments: dict  # id -> Post

    def key(self, wordpress_id):
        """What an imported post or comment remembers of where it came from: the blog's host and its id
        there (two blogs imported into one each have their post 10)."""
        return f"wordpress:{urlsplit(self.site_url).netloc[:60]}:{wordpress_id}"


def parse_xml(path, max_bytes=DEFAULT_MAX_BYTES):
    """The root element of the XML file at `path`, parsed by defusedxml: no DTD entity is expanded and no
    external one is fetched. Raises Refused, with a message for the owner, for a file that is missing, larger
    than `max_bytes`, not well-formed (a truncated file) or that declares entities."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise Refused(f"{path}: cannot be read ({error.strerror}).") from error
    if size > max_bytes:
        raise Refused(
            f"{path} is {size / 1_048_576:,.0f} MB, more than the {max_bytes / 1_048_576:,.0f} MB accepted "
            "(--max-size): nothing was imported."
        )
    try:
        return SafeET.parse(path, forbid_dtd=False, forbid_entities=True, forbid_external=True).getroot()
    except DefusedXmlException as error:
        raise Refused(
            f"{path} declares entities or refers to external ones ({type(error).__name__}), which an export "
            "never does: it was refused as possibly hostile, and nothing was imported."
        ) from error
    except SafeET.ParseError as error:
        raise Refused(
            f"{path} is not well-formed XML ({error}): it may be truncated. Nothing was imported."
        ) from error


def add_size_limit(parser):
    """The import commands' --max-size option, in MB; the value the command gets is in bytes."""
    parser.add_argument(
        "--max-size",
        type=lambda mb: int(mb) * 1_048_576,
        default=DEFAULT_MAX_BYTES,
        metavar="MB",
        help=f"refuse exports larger than this many MB (default: {DEFAULT_MAX_BYTES // 1_048_576})",
    )


def read_export(path, max_bytes=DEFAULT_MAX_BYTES):
    """The WordPress export at `path`, read whole (see `parse_xml` for what is refused)."""
    root = parse_xml(path, max_bytes)
    channel = root.find("channel")
    match = WP_NAMESPACE.search(_namespaces_in(root))
    if root.tag != "rss" or channel is None or match is None:
        raise Refused(f"{path} is not a WordPress export (WXR): nothing was imported.")
    ns = {**NAMESPACES, "wp": match.group(1)}
    authors = {}
    for element in channel.findall("wp:author", ns):
        author = Author(
            login=_text(element, "wp:author_login", ns),
            id=_int(_text(element, "wp:author_id", ns)),
            email=_text(element, "wp:author_email", ns),
            display_name=_text(element, "wp:author_display_name", ns),
            first_name=_text(element, "wp:author_first_name", ns),
            last_name=_text(element, "wp:author_last_name", ns),
        )
        if author.login:
            authors[author.login] = author
    posts, attachments = [], {}
    for item in channel.findall("item"):
        post = _post(item, ns)
        if post.type == "attachment":
            attachments[post.id] = post
        elif post.type in {"post", "page"}:
            posts.append(post)
    return Export(Path(path), channel.findtext("link") or "", authors, posts, attachments)


def _namespaces_in(root):
    return " ".join(element.tag for element in root.iter() if isinstance(element.tag, str))


def _text(element, name, ns):
    return without_control_characters((element.findtext(name, "", ns) or "").strip())


def _int(text):
    try:
        return int(text)
    except ValueError:
        return 0


def _post(item, ns):
    def text(name):
        return _text(item, name, ns)

    meta = {
        _text(m, "wp:meta_key", ns): without_control_characters(m.findtext("wp:meta_value", "", ns))
        for m in item.findall("wp:postmeta", ns)
    }
    post = Post(
        id=_int(text("wp:post_id")),
        type=text("wp:post_type") or "post",
        title=html.unescape(text("title")),
        link=text("link"),
        slug=unquote(text("wp:post_name")),
        status=text("wp:status"),
        date=_date(text("wp:post_date_gmt"), text("wp:post_date")),
        modified=_date(text("wp:post_modified_gmt"), text("wp:post_modified")),
        content=without_control_characters(item.findtext("content:encoded", "", ns)),
        excerpt=text("excerpt:encoded"),
        creator=text("dc:creator"),
        password=text("wp:post_password"),
        comment_status=text("wp:comment_status"),
        parent=_int(text("wp:post_parent")),
        attachment_url=text("wp:attachment_url"),
        terms=[
            (category.get("domain", ""), category.get("nicename", ""), (category.text or "").strip())
            for category in item.findall("category")
        ],
        meta=meta,
    )
    for element in item.findall("wp:comment", ns):
        post.comments.append(
            WPComment(
                id=_int(_text(element, "wp:comment_id", ns)),
                parent=_int(_text(element, "wp:comment_parent", ns)),
                author=_text(element, "wp:comment_author", ns),
                email=_text(element, "wp:comment_author_email", ns),
                url=_text(element, "wp:comment_author_url", ns),
                ip=_text(element, "wp:comment_author_IP", ns),
                date=_date(_text(element, "wp:comment_date_gmt", ns), _text(element, "wp:comment_date", ns))
                or timezone.now(),
                content=without_control_characters(element.findtext("wp:comment_content", "", ns)),
                approved=_text(element, "wp:comment_approved", ns),
                type=_text(element, "wp:comment_type", ns) or "comment",
                user_id=_int(_text(element, "wp:comment_user_id", ns)),
                meta={
                    _text(m, "wp:meta_key", ns): without_control_characters(
                        m.findtext("wp:meta_value", "", ns)
                    )
                    for m in element.findall("wp:commentmeta", ns)
                },
            )
        )
    return post


def _date(gmt, local):
    """WordPress's date in UTC, or its local date read in the site's time zone; None for none (a draft's
    "0000-00-00 00:00:00")."""
    for value, zone in ((gmt, UTC), (local, timezone.get_current_timezone())):
        try:
            return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)
        except ValueError:
            continue
    return None


# HTML to Markdown

_SHORTCODE = re.compile(r"\[(/?)([a-zA-Z_][\w-]*)([^\]]*)\]")
_CAPTION = re.compile(r"\[(?:wp_)?caption([^\]]*)\](.*?)\[/(?:wp_)?caption\]", re.DOTALL)
_GALLERY = re.compile(r"\[gallery([^\]]*)\]")
_EMBED = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", re.DOTALL)
_ATTRIBUTE = re.compile(r"(\w+)\s*=\s*[\"']([^\"']*)[\"']")
_IMAGE_TAG = re.compile(r"<img\b[^>]*>|<a\b[^>]*>\s*<img\b[^>]*>\s*</a>", re.IGNORECASE)
_BLOCK_START = re.compile(
    r"\s*<(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|hr|dl|address|section|!--)\b", re.IGNORECASE
)


class _Converter(MarkdownConverter):
    """markdownify, with figures' captions as their own italic paragraph."""

    def convert_figcaption(self, el, text, parent_tags):
        text = text.strip()
        return f"\n\n*{text}*\n\n" if text else ""


def autop(text):
    """WordPress's wpautop, in short: its editor saves paragraphs as blank lines and line breaks as newlines,
    and adds the tags only when showing the post."""
    if "\n" not in text:
        return text
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        if _BLOCK_START.match(block):
            blocks.append(block)
        else:
            blocks.append("<p>" + block.strip().replace("\n", "<br>\n") + "</p>")
    return "\n\n".join(blocks)


def html_to_markdown(text, *, shortcodes=None, picture=None):
    """Markdown for WordPress's HTML `text`, and the HTML it was made from: shortcodes replaced by
    `shortcodes(text)` first, images' src changed to `picture(src)` (None leaves it); comments, scripts,
    styles, frames and forms dropped."""
    if shortcodes:
        text = shortcodes(text)
    soup = BeautifulSoup(autop(text), "html.parser")
    for element in soup.find_all(["script", "style", "iframe", "object", "embed", "form"]):
        element.decompose()
    if picture:
        for image in soup.find_all("img"):
            if not (image.get("alt") or "").strip():
                image["alt"] = _alt_from(image.get("src", ""))
            new_src = picture(image.get("src", ""))
            if new_src:
                image["src"] = new_src
                for attribute in ("srcset", "sizes", "width", "height", "class"):
                    image.attrs.pop(attribute, None)
    source = str(soup)
    try:
        converted = _Converter(heading_style="ATX", bullets="-", escape_misc=False).convert_soup(soup)
    except RecursionError:  # markdownify recurses into nested tags: hostile nesting keeps only the text
        converted = "\n\n".join(" ".join(line.split()) for line in soup.get_text("\n").split("\n\n"))
    return re.sub(r"\n{3,}", "\n\n", converted).strip(), source


def _alt_from(src):
    """A description for a picture that had none, from its file's name ("seedlings-300x200.png" reads
    "seedlings"): a reader who cannot see it hears at least that."""
    stem = Path(unquote(urlsplit(src).path)).stem
    return " ".join(re.sub(r"-\d+x\d+$", "", stem).replace("_", " ").replace("-", " ").split()) or "picture"


def converts_cleanly(source_html, markdown_text):
    """Whether the Markdown shows what the HTML did: the same words, and none of the formatting the
    allow-list keeps (a superscript, a table's cells, a definition list) lost on the way."""
    source = markup.sanitise_article_html(source_html)
    converted = markup.render_article_or_none(markdown_text)
    if source is None or converted is None:
        return converted is not None
    if markup.to_plain_text(source).split() != markup.to_plain_text(converted).split():
        return False
    kept, made = _tag_counts(source), _tag_counts(converted)
    return all(made[tag] >= count for tag, count in kept.items() if tag not in {"p", "br", "div"})


def _tag_counts(fragment):
    return Counter(element.name for element in BeautifulSoup(fragment, "html.parser").find_all(True))


# Authors and tags


def import_authors(export, mapping=None):
    """A user for each of the export's authors, by login: the one `mapping` names (login → username), else
    an existing user with that login or email, else a new one without a usable password (they cannot log
    in until the owner sets one). Returns ({login: user}, number made)."""
    users, made = {}, 0
    for login, author in export.authors.items():
        users[login], is_new = user_for(author, mapping)
        made += is_new
    return users, made


def user_for(author, mapping=None):
    """The user for a WordPress author (see `import_authors`), and whether it was made."""
    User = get_user_model()
    if mapping and author.login in mapping:
        user = User.objects.filter(username=mapping[author.login]).first()
        if user is None:
            raise Refused(f"--author {author.login}={mapping[author.login]}: there is no such user.")
        return user, False
    user = User.objects.filter(username__iexact=_username(author.login)).first()
    if user is None and author.email:
        user = User.objects.filter(email__iexact=author.email).order_by("pk").first()
    if user is not None:
        return user, False
    first, last = author.first_name, author.last_name
    if not (first or last) and author.display_name and author.display_name != author.login:
        first = author.display_name
    user = User.objects.create_user(
        _username(author.login), email=author.email, first_name=first[:150], last_name=last[:150]
    )
    return user, True


def _username(login):
    """The login as a Django username: letters, digits and @.+-_ only."""
    name = re.sub(r"[^\w.@+-]", "-", login)[:150] or "author"
    UnicodeUsernameValidator()(name)
    return name


def _tags(post):
    tags = []
    for domain, nicename, name in post.terms:
        if domain not in {"category", "post_tag"} or (domain == "category" and nicename == UNCATEGORIZED):
            continue
        name = html.unescape(name)[:50]
        slug = slugify(unquote(nicename) or name)[:60] or slugify(name)[:60]
        if not slug:
            continue
        tag = Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            tag = Tag.objects.create(name=name, slug=slug)
        tags.append(tag)
    return tags


# Posts


class Images:
    """The export's images, looked up in the folders given (the export's own folder first), never fetched."""

    def __init__(self, export, folders):
        self.export = export
        given = [export.path.resolve().parent, *(Path(f).resolve() for f in folders)]
        # A copy of the uploads folder may be named as it was on the server, beside the export.
        candidates = (f / sub for f in given for sub in ("", "uploads", "wp-content/uploads"))
        self.folders = [folder for folder in candidates if folder.is_dir()]
        self.stored = {}  # local file -> its BodyImage
        self.missing = []
        self.refused = []

    def find(self, url):
        """The local file for an image's URL or path: the longest end of its path found in a folder
        (wp-content/uploads/2024/05/a.jpg, then uploads/2024/05/a.jpg, ..., then a.jpg)."""
        parts = [unquote(part) for part in urlsplit(url).path.split("/") if part]
        if not parts or any(part in {".", ".."} for part in parts):
            return None
        for start in range(len(parts)):
            for folder in self.folders:
                candidate = folder.joinpath(*parts[start:])
                if candidate.is_file() and candidate.resolve().is_relative_to(folder):
                    return candidate
        return None

    def validated(self, url):
        """The local file for `url` once validated by blog.images, or None (recorded: missing, refused)."""
        path = self.find(url)
        if path is None:
            self.missing.append(url)
            return None
        with path.open("rb") as file:
            try:
                images.validate_image(file)
            except ValidationError as error:
                self.refused.append(f"{url}: {' '.join(error.messages)}")
                return None
        return path

    def picture_url(self, url):
        """The stored copy's URL for an image of the content, or None to leave it where it was."""
        if not url or url.startswith("data:"):
            return None
        path = self.validated(url)
        if path is None:
            return None
        if path not in self.stored:
            # As an upload in the editor: re-encoded, with its smaller copy and renditions for readers.
            with path.open("rb") as file:
                try:
                    self.stored[path] = BodyImage.objects.upload(File(file, name=path.name), by=None)
                except ValidationError as error:  # its smaller copy was beyond the images' budget
                    self.refused.append(f"{url}: {' '.join(error.messages)}")
                    return None
        return self.stored[path].file.url

    @contextmanager
    def kept_if_committed(self):
        """Around a post's transaction: if it fails, the pictures stored for it are deleted again."""
        before = set(self.stored)
        try:
            yield
        except BaseException:
            for path in set(self.stored) - before:  # their rows went with the transaction; not their files
                image = self.stored.pop(path)
                for name in [image.file.name, image.fallback]:
                    default_storage.delete(name)
            raise

    def attachment(self, attachment_id):
        attachment = self.export.attachments.get(attachment_id)
        if attachment is None:
            return None, ""
        url = attachment.meta.get("_wp_attached_file") or attachment.attachment_url
        alt = attachment.meta.get("_wp_attachment_image_alt") or attachment.title
        return url, alt


def _embed_link(match):
    url = match.group(1).strip()
    return f'<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>'


def shortcode_replacer(export, post, notes):
    """What `html_to_markdown` replaces WordPress's shortcodes with (see this module's docstring)."""

    def gallery(match):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        ids = [_int(i) for i in attributes.get("ids", "").split(",") if i.strip()]
        if not ids:  # the post's own attachments, in the file's order
            ids = [a.id for a in export.attachments.values() if a.parent == post.id]
        pictures = []
        for attachment_id in ids:
            attachment = export.attachments.get(attachment_id)
            if attachment is not None and attachment.attachment_url:
                alt = html.escape(attachment.meta.get("_wp_attachment_image_alt") or attachment.title)
                pictures.append(f'<img src="{html.escape(attachment.attachment_url)}" alt="{alt}">')
        notes["galleries"] += 1
        return "<p>" + " ".join(pictures) + "</p>" if pictures else ""

    def caption(match):
        inner = match.group(2)
        image = _IMAGE_TAG.search(inner)
        text = _IMAGE_TAG.sub("", inner).strip()
        notes["captions"] += 1
        return f"<figure>{image.group(0) if image else ''}<figcaption>{text}</figcaption></figure>"

    def other(match):
        notes[f"shortcode [{match.group(2)}] kept as text"] += not match.group(1)
        return match.group(0)

    def replace(text):
        text = _CAPTION.sub(caption, text)
        text = _GALLERY.sub(gallery, text)
        text = _EMBED.sub(_embed_link, text)
        _SHORTCODE.sub(other, text)
        return text

    return replace


def import_post(post, export, *, users, pictures, notes):
    """The article for WordPress's `post`, made unless an earlier import made it. Returns (article, made).
    Raises Skip for a post that is not imported. Must run inside a transaction, with its comments (within
    `pictures.kept_if_committed()`)."""
    key = export.key(post.id)
    existing = Article.objects.filter(import_key=key).first()
    if existing is not None:
        return existing, False
    if post.status in {"trash", "auto-draft", "inherit"} or not post.status:
        raise Skip(f"status {post.status or 'none'}")
    if post.status not in STATUSES:
        raise Skip(f"unknown status {post.status}")
    if not (post.title or post.content):
        raise Skip("empty")
    if post.creator not in users:  # an author the export does not list
        users[post.creator] = user_for(Author(post.creator or "author"))[0]
    author = users[post.creator]
    status = STATUSES[post.status]
    if post.password or post.type == "page":
        status = Article.Status.DRAFT
        notes["password-protected posts imported as drafts" if post.password else "pages as drafts"] += 1
    body_is_html = HTML_META in post.meta
    if MARKDOWN_META in post.meta or body_is_html:
        body = post.meta[HTML_META if body_is_html else MARKDOWN_META]
    else:
        body, source = html_to_markdown(
            post.content, shortcodes=shortcode_replacer(export, post, notes), picture=pictures.picture_url
        )
        if not converts_cleanly(source, body):
            body, body_is_html = source, True
            notes["posts kept as HTML, which Markdown could not carry (“body is imported HTML”)"] += 1
    title = html.unescape(post.title).strip() or Truncator(markup.to_plain_text(post.content)).words(8)
    article = Article(
        title=title[:200],
        slug=_free_slug(post, title),
        author=author,
        summary=_summary(post, body, body_is_html),
        body=body,
        body_is_html=body_is_html,
        status=status,
        published_at=post.date if status == Article.Status.PUBLISHED else None,
        comments_enabled=post.comment_status != "closed",
        import_key=key,
    )
    if post.meta.get(LANGUAGE_META) in dict(Article._meta.get_field("language").choices):
        article.language = post.meta[LANGUAGE_META]
    cover_url, cover_alt = pictures.attachment(_int(post.meta.get("_thumbnail_id", "")))
    cover = pictures.validated(cover_url) if cover_url else None
    try:
        article.full_clean(exclude=["cover", "slug"])
    except ValidationError as error:
        problems = (f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
        raise Skip("; ".join(problems)) from error
    if cover is not None:
        with cover.open("rb") as file:
            article.cover = File(file, name=cover.name)
            article.cover_alt = (cover_alt or title)[:250]
            article.save()
    else:
        article.save()
    article.tags.set(_tags(post))
    # The dates it had: not today's, or every imported article would say it was updated today.
    dates = {"created_at": post.date or post.modified or timezone.now()}
    dates["updated_at"] = max(post.modified or dates["created_at"], dates["created_at"])
    Article.objects.filter(pk=article.pk).update(**dates)
    # Its first version, as imported and dated as it was last changed there: the text to compare an editor's
    # changes with, and to restore.
    revisions.record(article, by=author, at=dates["updated_at"])
    _keep_old_addresses(article, post)
    return article, True


def _free_slug(post, title):
    base = slugify(post.slug)[:190] or slugify(title)[:190] or f"post-{post.id}"
    slug, number = base, 1
    while Article.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _summary(post, body, body_is_html):
    def text_of(html):
        return markup.to_plain_text(markup.sanitise_article_html(html) or "")

    text = text_of(post.excerpt) or (text_of(body) if body_is_html else "")
    text = text or markup.to_plain_text(markup.render_article(body))
    return Truncator(text).chars(300) or post.title[:300]


def _keep_old_addresses(article, post):
    """Redirects from the post's old permalink, where it differs, and from WordPress's /?p=<id>."""
    paths = {f"/?p={post.id}"}
    if post.link:
        old = urlsplit(post.link)
        path = old.path or "/"
        if old.query and path == "/":
            path = f"/?{old.query}"
        if path != article.get_absolute_url():
            paths.add(unquote(path)[:500])  # as readers' requests arrive, decoded
    for path in paths:
        OldAddress.objects.get_or_create(path=path, defaults={"article": article})


@dataclass
class Summary:
    """What an import did: counts of what was imported, and of what was skipped by reason."""

    imported: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)

    def lines(self):
        yield "Imported: " + (
            ", ".join(f"{count} {what}" for what, count in self.imported.items() if count) or "nothing"
        )
        for (what, reason), count in sorted(self.skipped.items()):
            if count:
                yield f"Skipped {count} {what}: {reason}"
        for note, count in sorted(self.notes.items()):
            if count:
                yield f"Note: {count} {note}"
