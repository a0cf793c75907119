"""`manage.py load_demo`: a demo owner and a handful of real articles, to try Causerie on a fresh database."""

import random
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageColor, ImageDraw, ImageFilter

from blog.models import Article, Tag
from comments.models import Comment

OWNER_USERNAME = "owner"
OWNER_PASSWORD = "causerie-demo"
COVER_SIZE = (1600, 900)
WHITE = (255, 255, 255)
# Where `manage.py runserver` listens by default; the admin path itself comes from the URLconf.
DEV_SERVER = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Create a demo owner account and sample articles to try Causerie with. Safe to run again: an account "
        "or article that already exists is left exactly as it is, so your edits to the demo survive."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off. The demo password is public: never use this on a real site.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "load_demo creates an admin account with a publicly known password, so it runs only with "
                "DEBUG on; pass --force if this really is a throwaway site."
            )
        with transaction.atomic():
            owner, owner_created = load_owner()
            results = [load_article(demo, owner) for demo in DEMO_ARTICLES]
            for article, created in results:
                if created and article.slug in DEMO_COMMENTS:
                    load_comments(article, DEMO_COMMENTS[article.slug])
        self.report(owner_created, results)

    def report(self, owner_created, results):
        self.stdout.write(
            f'Owner account "{OWNER_USERNAME}": {"created" if owner_created else "already present"}.'
        )
        for article, created in results:
            self.stdout.write(
                f"  {'created' if created else 'kept':8} {article.title} ({publication(article)})"
            )
        created_count = sum(created for _article, created in results)
        self.stdout.write(
            self.style.SUCCESS(
                f"{created_count} articles created, {len(results) - created_count} already present "
                "(an existing article is left as it is)."
            )
        )
        password_note = "" if owner_created else " (unless you have changed it)"
        self.stdout.write(f"Demo owner: {OWNER_USERNAME} / {OWNER_PASSWORD}{password_note}")
        self.stdout.write(f"Admin: {DEV_SERVER}{reverse('admin:index')}")


def load_owner():
    """The demo owner, created with the demo password if missing; an existing account is not touched."""
    owner, created = get_user_model().objects.get_or_create(
        username=OWNER_USERNAME,
        defaults={
            "first_name": "Camille",
            "last_name": "Laurent",
            "email": "owner@example.com",
            "is_staff": True,
            "is_superuser": True,
            "bio": (
                "Camille writes the demo articles of this Causerie site: on blogging, on comment moderation "
                "and on the slow, rewarding work of answering readers."
            ),
        },
    )
    if created:
        owner.set_password(OWNER_PASSWORD)
        owner.save(update_fields=["password"])
    return owner, created


def load_article(demo, owner):
    """The demo article and whether it was created; one that exists already is returned untouched.

    Existing articles are never updated: the owner may have edited them, and their edits win.
    """
    existing = Article.objects.filter(slug=demo.slug).first()
    if existing:
        return existing, False
    article = Article(
        slug=demo.slug,
        title=demo.title,
        author=owner,
        language=demo.language,
        summary=demo.summary,
        meta_description=demo.meta_description,
        body=demo.body,
        cover=ContentFile(render_cover(demo.colours, seed=demo.slug), name="cover.jpg"),
        cover_alt=demo.cover_alt,
        status=Article.Status.DRAFT if demo.days_from_today is None else Article.Status.PUBLISHED,
        published_at=demo.publication_date(),
    )
    # The demo goes through the admin form's rules, so it cannot drift from what an author is allowed to save.
    article.full_clean()
    article.save()
    article.tags.set([Tag.objects.get_or_create(name=name)[0] for name in demo.tags])
    # The demo is dated in the past; without this, every demo article would say "updated today".
    if article.published_at:
        Article.objects.filter(pk=article.pk).update(updated_at=article.published_at)
        article.updated_at = article.published_at
    return article, True


def load_comments(article, demo_comments):
    """A new demo article's thread: questions, criticism, the owner's answers, one held comment and one
    removed comment whose reply keeps its place. Dated an hour apart, a day after publication."""
    saved = {}
    start = article.published_at + timedelta(days=1)
    for number, (key, reply_to, name, body, extra) in enumerate(demo_comments):
        parent = saved.get(reply_to)
        by_owner = name is None
        comment = Comment.objects.create(
            article=article,
            parent=parent,
            reply_to=parent,
            depth=parent.depth + 1 if parent else 0,
            user=article.author if by_owner else None,
            author_name=article.author.display_name if by_owner else name,
            author_email=article.author.email if by_owner else f"{key}@example.com",
            body=body,
            created_at=start + timedelta(hours=number),
            status=extra.get("status", Comment.Status.PUBLISHED),
            hold_reasons=extra.get("hold_reasons", []),
            is_question=extra.get("is_question", False),
        )
        comment.record_posting()
        if "rejected_for" in extra:
            comment.reject(by=article.author, reason=extra["rejected_for"])
        saved[key] = comment


def publication(article):
    if article.status == Article.Status.DRAFT:
        return "draft"
    date = timezone.localdate(article.published_at).isoformat()
    return f"published {date}" if article.is_published() else f"scheduled for {date}"


def render_cover(colours, *, seed):
    """A 1600x900 JPEG: a diagonal gradient behind a short conversation drawn as speech bubbles.

    `colours` are the gradient's two ends and the colour of the author's bubble; `seed` varies the layout.
    """
    start, end, accent = (ImageColor.getrgb(colour) for colour in colours)
    width, height = COVER_SIZE
    rng = random.Random(seed)
    diagonal = Image.blend(Image.linear_gradient("L"), Image.linear_gradient("L").rotate(90), 0.5)
    image = Image.composite(
        Image.new("RGBA", COVER_SIZE, end), Image.new("RGBA", COVER_SIZE, start), diagonal.resize(COVER_SIZE)
    )

    circles = Image.new("RGBA", COVER_SIZE)
    draw = ImageDraw.Draw(circles)
    for _ in range(4):
        x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(120, 340)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, 24))
    image.alpha_composite(circles)

    # A reader speaks, the author answers, the reader is typing again.
    shift = rng.randint(-90, 90)
    left, right = 330 + shift, 1270 + shift
    bubbles = [
        ("left", (left, 150, left + rng.randint(520, 640), 330), WHITE, rng.randint(2, 3)),
        ("right", (right - rng.randint(480, 600), 390, right, 570), accent, 2),
        ("left", (left, 630, left + 250, 770), WHITE, 0),
    ]
    shadow = Image.new("RGBA", COVER_SIZE)
    for side, (x0, y0, x1, y1), _fill, _lines in bubbles:
        _draw_bubble(ImageDraw.Draw(shadow), side, (x0 + 10, y0 + 16, x1 + 10, y1 + 16), (0, 0, 0, 70))
    image.alpha_composite(shadow.filter(ImageFilter.GaussianBlur(14)))

    marks = Image.new("RGBA", COVER_SIZE)
    draw = ImageDraw.Draw(image)
    marks_draw = ImageDraw.Draw(marks)
    for side, box, fill, lines in bubbles:
        _draw_bubble(draw, side, box, fill)
        x0, y0, x1, y1 = box
        # Lines of "text": tinted on a pale bubble, white on a dark one.
        ink = (*start, 90) if sum(fill) > 3 * 160 else (*WHITE, 170)
        first_line = y0 + (y1 - y0 - (lines * 42 - 24)) // 2
        for index in range(lines):
            top = first_line + index * 42
            length = (x1 - x0 - 100) * (rng.uniform(0.5, 0.8) if index == lines - 1 else 1)
            marks_draw.rounded_rectangle((x0 + 50, top, x0 + 50 + length, top + 18), radius=9, fill=ink)
        if not lines:
            cy = (y0 + y1) // 2
            for index in range(3):
                cx = x0 + 80 + index * 45
                marks_draw.ellipse((cx - 14, cy - 14, cx + 14, cy + 14), fill=(*start, 160))
    image.alpha_composite(marks)

    buffer = BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def _draw_bubble(draw, side, box, fill):
    """A rounded rectangle with a tail under its left or right corner."""
    x0, y0, x1, y1 = box
    draw.rounded_rectangle(box, radius=44, fill=fill)
    if side == "left":
        draw.polygon([(x0 + 40, y1 - 30), (x0 + 130, y1 - 30), (x0 + 20, y1 + 50)], fill=fill)
    else:
        draw.polygon([(x1 - 40, y1 - 30), (x1 - 130, y1 - 30), (x1 - 20, y1 + 50)], fill=fill)


# --- The demo content ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoArticle:
    slug: str
    title: str
    summary: str
    meta_description: str
    tags: tuple[str, ...]
    cover_alt: str
    # The cover's gradient, from top left to bottom right, then the colour of the author's bubble.
    colours: tuple[str, str, str]
    days_from_today: int | None  # negative: published that many days ago; positive: scheduled; None: a draft
    body: str
    language: str = "en"

    def publication_date(self):
        if self.days_from_today is None:
            return None
        # Nine in the morning, local time: the archives should look like an author's, not a script's.
        morning = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
        return morning + timedelta(days=self.days_from_today)


WHY_CAUSERIE_EXISTS = """\
Most blogging software treats the moment you press **Publish** as the finish line. The article goes out, a
counter starts to climb, and the author moves on to the next one. Causerie starts from a different idea:
publishing is the first half of the work. Answering your readers is the second.

## The half that gets forgotten

Think of the last time you left a careful comment on someone's blog. You read the article twice, you wrote
three paragraphs, perhaps you asked a real question. Then nothing happened. Maybe your comment sat in a
moderation queue nobody opened. Maybe a spam filter swallowed it without telling you. Maybe it was published
and simply never answered.

Each of those silences teaches the reader the same lesson: *don't bother*. After a few of them, the comment
section is left to the people who were never waiting for an answer, and the author concludes that comments
are not worth having. The tools made that outcome likely. Comments were bolted on as an afterthought: a
plugin, a widget loaded from someone else's servers, a queue hidden three menus deep.

## What "built for dialogue" means

A *causerie* is an informal talk: someone speaks for a while, then the room speaks back. That is the shape
this software is built around. Concretely:

- **Comments belong to the article.** They live in the same database as your writing and appear on the same
  page, not in a frame borrowed from another service.
- **Readers do not need an account.** A name and a message are enough to take part.
- **Comments appear at once.** A comment waits for review only when a specific signal says it should, and
  the reader is told why.
- **Criticism is welcome.** Disagreeing with the author is never, by itself, a reason to hold a comment.
- **Questions do not get lost.** Comments still waiting for your reply are easy to find, so nobody's
  question quietly ages into silence.

> A blog that never answers is a lecture. A blog that answers is a conversation.

## What Causerie leaves out

Being built for dialogue also means saying no to a few things. There is no like button and no follower
count, because neither tells you whether anyone understood you. There is no feed ranked by an algorithm:
articles appear in the order you publish them. And there is no pressure to post every day. One good article
followed by a week of good replies does more for a small blog than seven articles nobody discusses.

## Who it is for

Causerie is for people who write to think in public and want the thinking to continue after the last
paragraph: a researcher explaining their field, a developer writing down what they learned, a small
association keeping its members informed, a teacher, a craftsperson. It suits one author or a handful, and
readers who may never create an account anywhere.

It is built with [Django](https://www.djangoproject.com/), keeps everything in one database that you own,
and runs comfortably on a small server.

## Finding your way around this demo

The articles on this site were created by the `load_demo` command, so that you have something real to click
through:

1. This article, about why the project exists.
2. A practical note on how comment moderation works.
3. A guide to writing articles in Markdown with the editor.
4. An article in French, to show that each article carries its own language.
5. An article scheduled for next week, which readers cannot see yet.
6. A draft, visible only in the admin.

Edit them, delete them or keep them as examples. Running the command again will not overwrite your changes:
an article that already exists is left exactly as it is.
"""

HOW_MODERATION_WORKS = """\
Moderation on Causerie follows one rule, and the rest of this article is a consequence of it: **a comment is
published the moment it is sent, unless a specific signal says a person should look at it first.**

## Why publish at once

Holding every comment for review sounds careful. In practice it punishes the many readers who write in good
faith for the sake of the few who do not. A reader who comments in the evening and sees nothing until the
next afternoon has long since left, and the conversation they wanted to start never happens. Most comments on
a small blog are questions, additions and corrections. They deserve to be seen straight away.

So the default is trust. The policy does not try to judge whether a comment is *good*; it looks only for a
short list of concrete signs that something may be wrong.

## The signals that hold a comment

| Signal | What it looks for | What happens |
|---|---|---|
| Links | More links than the site allows in one comment | Held for review |
| Hold words | Words from the site's list, aimed at a person | Held for review |
| Flood | Many comments in a short time from one sender | Held, and the sender slowed down |
| Ban | A sender the site has banned | Not published |

Links come first because nearly all comment spam exists to carry them. A reader who cites a source is not a
spammer: a link or two passes without a second look, and it is the comment made of little but links that
waits.

Hold words are about people, not ideas. "This argument is absurd" discusses the article and is published.
Calling the author or another reader a name from the site's list is something else, and that comment waits
until someone has read it.

## Criticism is never a signal

Nothing in the table above looks at whether a comment agrees with the article. A reader can say the author
is wrong, that the code is slow, that the conclusion does not follow, and say it bluntly. That comment is
published like any other.

> If you only publish the comments that agree with you, you are not moderating your readers. You are editing
> them.

This is a deliberate choice. Readers notice when disagreement disappears, and once they suspect it, they stop
trusting the comments that remain, kind ones included.

## Every decision carries a reason

When a comment is held, its author is told so at once, with the reason in plain words: *held for review
because it contains four links*. Nobody is left wondering whether the form worked or whether they said
something wrong.

The same goes for the moderator's decisions. Approving a held comment publishes it. Removing one always
comes with a reason that readers can see, such as:

- spam or advertising;
- a personal attack on the author or another reader;
- someone's private information, such as an address or a phone number;
- a duplicate of an earlier comment.

## Removed comments leave a placeholder

A removed comment does not vanish. In its place, readers see a short note, *a comment was removed here:
personal attack*, and the replies to it stay where they were. There are three reasons for this:

1. **The thread keeps its shape.** Replies still make sense when you can see that they answered something.
2. **Moderation is visible.** Readers see that rules exist and how they are applied, which is the best
   protection against suspicion.
3. **Nothing disappears silently.** Silent deletion is what convinces people that a blog censors its critics.

## For the author: the queue

Held comments wait in a queue in the admin, each with the reason it was held. Working through it takes a
minute a day on most blogs:

1. Read the comment and the reason it was held.
2. Approve it if the signal was a false alarm: a reader quoting three sources is taking you seriously.
3. Otherwise remove it with a reason, which its author and every other reader will see.

Why the site works this way is explained in [Why Causerie exists](/articles/why-causerie-exists/). For a
wider view of the trade-offs other communities have made, the
[Wikipedia article on moderation systems](https://en.wikipedia.org/wiki/Moderation_system) is a good start.
"""

WRITING_IN_MARKDOWN = """\
Articles on Causerie are written in Markdown, a plain-text format in which a few punctuation marks stand for
formatting. You type in the editor, and its preview shows the article as readers will see it, because the
preview is produced by the same code that renders the published page.

## The essentials

| You type | You get |
|---|---|
| `*italic*` | *italic* |
| `**bold**` | **bold** |
| `[a link](https://example.com)` | [a link](https://example.com) |
| `## A heading` | a section heading |
| `- an item` | a bulleted list |
| `1. a step` | a numbered list |
| `> a quotation` | an indented quotation |

That covers most articles. The rest of this guide is about the parts that need a little more care.

## Headings start at two

The article's title is already the main heading of the page, so sections inside the body start with `##` and
subsections with `###`. Screen readers and search engines use this outline to understand the article, so keep
it in order: do not jump from `##` to `####` because you prefer the smaller size. Each heading gets its own
anchor, so you can link straight to a section.

## Code blocks

Put code between two lines of three backticks, and name the language after the opening ones. This is what you
type:

~~~markdown
```python
for article in Article.objects.published()[:5]:
    print(article.title, article.reading_time)
```
~~~

And this is what readers see:

```python
for article in Article.objects.published()[:5]:
    print(article.title, article.reading_time)
```

Inside a code block nothing is interpreted: asterisks stay asterisks and spacing is kept exactly as typed,
which is what you want for code, configuration files and terminal sessions. For a short piece of code inside
a sentence, such as `reading_time`, use single backticks instead.

## Tables

A table is drawn with pipes, and a line of dashes separates the header from the rows. The columns do not have
to line up in the source:

~~~markdown
| Format | Best for |
|---|---|
| JPEG | photographs |
| PNG | screenshots and charts |
~~~

A colon in the line of dashes aligns a column: `---:` to the right, which suits numbers, and `:---:` in the
centre. Keep tables small. Two to four columns read well on a phone; ten do not.

## Images: drop them into the editor

To add an image, drag the file from your computer and drop it onto the editor. It is uploaded at once, and a
line such as `![](/media/uploads/...)` appears where you dropped it. Uploads accept JPEG, PNG, GIF and WebP,
and location and camera data are removed before the file is stored, so a photo taken with your phone does not
tell readers where you live.

The empty square brackets are the image's description. Fill them in:

- describe what the image shows and why it is there, not that it is an image;
- for a chart, give its conclusion: "visits doubled after the redesign";
- for a screenshot, name the screen and what to look at.

Readers who cannot see the image hear or read this text instead, and it is shown when the image fails to load.

> Write the description for someone listening to the article read aloud: what do they need to know about this
> picture to follow the text?

## The fields around the body

Besides the body, an article has a few fields that readers meet before they read a word:

- **Summary**: one or two sentences, shown in article lists and in the feed.
- **Cover image**: shown at the top of the article; smaller copies are made so that phones do not download
  the largest one.
- **Cover description**: required whenever there is a cover, for the same readers as above.
- **Meta description**: up to 160 characters for search engines and link previews; leave it empty and the
  summary is used.

The reading time shown next to the date is counted from the body when you save, at about 220 words a minute.

## What the editor will not do

Markdown normally lets you type raw HTML. Here it is shown as text rather than interpreted: type `<b>` and
readers see the characters `<b>`. Links and images must use `https:`, `http:` or `mailto:` addresses, or point
to a page on this site. These limits keep every article safe to display, whoever wrote it.

For everything else, the original [Markdown syntax guide](https://daringfireball.net/projects/markdown/syntax)
is still the clearest introduction.
"""

# French typography: a non-breaking space before : ; ? ! and inside « », and curly apostrophes.
PUBLIER_N_EST_QUE_LA_MOITIE = """\
Sur les réseaux sociaux comme sur un blog, on a tendance à croire que le travail s’arrête au moment où l’on
clique sur « Publier ». Le texte est en ligne, le message est parti, on passe au suivant. Ce n’est pourtant
que la première moitié. La seconde commence juste après : lire ce que les lecteurs en disent, et leur
répondre.

## Le silence après la conférence

Imaginez la scène : vous donnez une conférence, quelqu’un pose une question, et vous restez muet. Vous rangez
vos notes et vous quittez la salle. Personne n’oserait faire cela devant un public en chair et en os.

En ligne, c’est pourtant ce qui arrive tous les jours. Un lecteur prend le temps d’écrire un commentaire, de
poser une question ou d’apporter une précision, et ne reçoit aucune réponse. Il ne s’en plaindra pas. Il ne
reviendra pas non plus.

## Une communauté se construit lentement

Construire une communauté autour d’un blog prend du temps : comptez de six à douze mois avant de voir
apparaître des habitués. Les étapes se ressemblent souvent :

1. Les premiers mois, quelques lecteurs et peu de commentaires. Répondez à chacun, même brièvement.
2. Peu à peu, les mêmes noms reviennent. Ils apprennent à vous connaître, et vous à les connaître.
3. Vers six mois, les commentaires s’allongent : on ne vous salue plus, on discute.
4. Au bout d’un an environ, les lecteurs se répondent entre eux. C’est le signe qu’une communauté est née.

Aucun outil ne raccourcit ce délai. La régularité, en revanche, l’empêche de s’allonger.

## Donner plus que l’on ne prend

Une communauté se nourrit de ce qu’on lui apporte. Partagez ce que vous savez sans attendre de retour, citez
et recommandez le travail des autres, répondez aux questions même lorsqu’elles s’éloignent un peu du sujet.
Réclamer sans cesse des mentions « J’aime », des partages et des abonnements, c’est prendre ; répondre avec
soin à une question, c’est donner. Les lecteurs font très bien la différence.

## Authentique et transparent

On s’attache à une personne, pas à une ligne éditoriale. Dites qui vous êtes et pourquoi vous écrivez. Quand
vous vous trompez, dites-le : une correction visible et datée en fin d’article inspire bien plus confiance
qu’une modification discrète. Et si un article est sponsorisé, ou si vous avez un intérêt dans ce dont vous
parlez, annoncez-le dès les premières lignes.

## La censure détruit la confiance

Supprimer une critique parce qu’elle dérange est le moyen le plus sûr de perdre la confiance de ses lecteurs.
Ceux qui s’en aperçoivent, et ils finissent toujours par s’en apercevoir, en concluent que seuls les avis
favorables ont droit de cité. Dès lors, ils ne croient même plus aux compliments.

> Une critique à laquelle on répond vaut mieux que dix compliments auxquels personne ne croit.

Restez ouvert à la critique : elle signale souvent une explication trop rapide, un exemple mal choisi ou une
véritable erreur. Répondez sur le fond, remerciez pour ce qui est juste, expliquez calmement ce qui ne l’est
pas. Une attaque contre une personne est tout autre chose et peut être retirée, mais avec une raison
visible, jamais en silence.

## Des abonnés ne font pas une communauté

Un grand nombre d’abonnés flatte, mais ne dit rien de la conversation. La différence tient en peu de choses :

| Des abonnés | Une communauté |
|---|---|
| lisent, puis repartent | lisent, puis répondent |
| se comptent | se reconnaissent |
| écoutent l’auteur | se parlent entre eux |
| disparaissent sans bruit | vous disent quand vous vous trompez |

Mieux vaut cent lecteurs qui répondent que dix mille qui passent sans s’arrêter.

## Les boutons de partage, à la fin

Placez les boutons de partage à la fin de l’article, pas au début. Avant la lecture, ils demandent un service
à quelqu’un qui ne sait pas encore si le texte en vaut la peine. À la fin, ils arrivent au moment où le
lecteur a une raison de partager : il vient de lire quelque chose qui l’a intéressé. C’est aussi le bon
endroit pour l’inviter à laisser un commentaire.

## En résumé

- Publier n’est que la première moitié du travail ; répondre est la seconde.
- Comptez de six à douze mois pour voir naître une communauté.
- Donnez plus que vous ne prenez.
- Soyez authentique et transparent, y compris sur vos erreurs.
- Ne censurez pas la critique : répondez-y.
- Des abonnés ne sont pas une communauté.
- Mettez les boutons de partage à la fin des articles.

Pour aller plus loin, l’article de Wikipédia consacré aux
[communautés virtuelles](https://fr.wikipedia.org/wiki/Communaut%C3%A9_virtuelle) est un bon point de départ.
"""

REPLYING_TO_A_HARD_COMMENT = """\
Sooner or later a comment arrives that says you are wrong. Sometimes it is polite, sometimes it is not, and
often it is partly right. How you answer matters more than the article it is attached to: every other reader
is watching to see what happens to people who disagree with you.

## Read it twice, answer once

The first reading is for your pride. Let it sting, then close the tab. The second reading, an hour later, is
for the argument. Separate the tone from the claim: a rude comment can contain a correct point, and a
courteous one can be entirely mistaken. You are answering the claim.

## Find the question inside

Most hard comments are questions in disguise. "This will never scale" means "how does this behave with a lot
more data?". "You forgot about accessibility" means "how would this work with a screen reader?". Answering the
question underneath turns an accusation into an exchange, and it usually takes the heat out of the tone as
well.

## A shape for the answer

A reply that works tends to follow the same four steps:

1. **Thank the reader for something specific.** Not "thanks for your feedback" but "thanks for pointing out
   the time zone problem".
2. **Concede what is right**, plainly, and without a "but" in the same sentence.
3. **Explain where you still disagree**, with evidence: a link, a measurement, an example.
4. **Say what changes**: a correction in the article, a follow-up post, or nothing, and why.

Written out, it can be as short as this:

```text
Thanks for catching the time zone problem: you're right, the example breaks for
anyone east of UTC, and I've corrected it (see the note at the end).

I still think the cache is worth it for most blogs, though. On this site it cut
the page time from 180 ms to 40 ms; the figures are in the benchmark linked above.
```

## Correct in the open

When a reader finds a real mistake, fix the article and say so at the end, with a date:

> **Update, 14 May:** the first example ignored time zones. Thanks to Léa, in the comments, for spotting it.
> The code has been corrected.

A visible correction costs a little pride and earns a lot of trust. A silent one does the opposite the moment
somebody compares the two versions, and somebody always does.

## When it is not criticism

Disagreement, however blunt, is part of the conversation. An attack on a person is not. On Causerie,
criticism is never a reason to hold a comment, while insults aimed at people are, and a comment removed for
that reason leaves a placeholder with the reason visible. The details are in
[How comment moderation works here](/articles/how-comment-moderation-works/). You never have to choose between
tolerating abuse and silencing a critic: the two are handled differently because they are different things.

## Don't win, finish

The aim of a reply is not to have the last word. It is to leave the thread in a state where the next reader
understands the question better than the first one did. Sometimes that means agreeing to disagree: "we see
this differently; here is the best case for each side" is a perfectly good ending.

And answer soon when you can. A reply the same day says the door is open. A reply a month later says the
door was open once.
"""

DRAFTS_AND_SCHEDULING = """\
This article is a draft. You can open it because you are signed in as someone who may edit articles, and a
banner at the top of the page says so. Readers cannot see it at all: it is absent from the home page, the
archives, the tag pages, the feeds and the sitemap, and its address answers them with "page not found". That
is what a draft is for: a place to write without an audience until you are ready for one.

## Two fields decide

Whether readers can see an article depends on two fields, **status** and **publication date**, and nothing
else:

| Status | Publication date | What readers see |
|---|---|---|
| Draft | any | nothing |
| Published | empty | the article, at once (the date is filled in when you save) |
| Published | in the past | the article, dated in the past |
| Published | in the future | nothing yet: it appears by itself at that time |

There is no separate "scheduled" status. A published article with a future date is simply not published
*yet*, and every page, feed and sitemap asks that question in the same way, so the article turns up
everywhere at once when its time comes.

## Scheduling an article

To schedule an article, set its status to *Published* and its publication date to the day and time you want.
Nothing else is needed: no task to configure, no button to press on the day. The demo includes one,
"Replying to a hard comment", dated a week after the demo was loaded. It is in the admin's list of articles
with its future date, and you can already open it to see how it will look.

A few good reasons to schedule rather than publish at once:

- you write in bursts but want to publish at a steady rhythm;
- you want the article to come out on a morning when you are free to answer comments;
- the article accompanies an event, a release or a talk.

The second reason is the best one. An article draws most of its comments in its first day or two, and that
is when you want to be around to answer them.

## Back-dating

A publication date in the past is allowed too. It is useful when you move articles from an older blog: give
each one its original date and it files itself into the right month of the archives.

## Before you publish

A short checklist catches most mistakes:

1. Read the preview from top to bottom, once, as a reader would; the
   [guide to the editor](/articles/writing-articles-in-markdown/) explains what it shows.
2. Write a summary that says what the reader will learn, not merely that the article exists.
3. Keep the meta description within 160 characters, or leave it empty to use the summary.
4. If there is a cover, describe it in the cover description.
5. Add two or three tags that a reader might actually click.
6. Ask yourself which question you hope readers will ask, and be ready to answer it.

## Taking an article back

Setting a published article back to *Draft* takes it off every public page at once. Setting it to
*Published* again brings it back with the publication date it had, so it returns to its place in the
archives instead of jumping to the top of the home page. If you want it to appear as new, clear the date
before you save and today's is used.

> A draft is a promise to yourself. Publishing is a promise to your readers: that you will be there when
> they answer.
"""


DEMO_ARTICLES = (
    DemoArticle(
        slug="why-causerie-exists",
        title="Why Causerie exists",
        summary=(
            "Publishing is the first half of a blog; answering readers is the second. Causerie is built for "
            "that second half."
        ),
        meta_description=(
            "Why Causerie is a blog built for dialogue: publishing is the first half of the work, "
            "answering readers is the second."
        ),
        tags=("Causerie", "Dialogue", "Blogging"),
        cover_alt=(
            "Three speech bubbles on a gradient from deep blue to teal: a reader's message, the author's "
            "amber reply, and a bubble showing someone typing."
        ),
        colours=("#1e3a8a", "#0d9488", "#f59e0b"),
        days_from_today=-121,
        body=WHY_CAUSERIE_EXISTS,
    ),
    DemoArticle(
        slug="how-comment-moderation-works",
        title="How comment moderation works here",
        summary=(
            "Comments are published at once unless a specific signal holds them, criticism is never one, and "
            "every hold or removal carries a reason readers can see."
        ),
        meta_description=(
            "Comments appear at once unless links, hold words, floods or a ban hold them. "
            "Criticism never does, and every decision has a visible reason."
        ),
        tags=("Moderation", "Comments", "Causerie"),
        cover_alt=(
            "Three speech bubbles on a gradient from violet to orange: a reader's message, the author's pale "
            "yellow reply, and a bubble showing someone typing."
        ),
        colours=("#4c1d95", "#f97316", "#fde047"),
        days_from_today=-86,
        body=HOW_MODERATION_WORKS,
    ),
    DemoArticle(
        slug="writing-articles-in-markdown",
        title="Writing articles in Markdown with the editor",
        summary=(
            "A practical guide to the editor: headings, code blocks, tables, images dropped straight into "
            "the text, and the fields around the body."
        ),
        meta_description=(
            "How to write Causerie articles in Markdown: headings, code, tables, and images "
            "dropped into the editor."
        ),
        tags=("Markdown", "Writing", "Guide"),
        cover_alt=(
            "Three speech bubbles on a gradient from forest green to lime: a reader's message, the author's "
            "cream reply, and a bubble showing someone typing."
        ),
        colours=("#14532d", "#84cc16", "#fef3c7"),
        days_from_today=-51,
        body=WRITING_IN_MARKDOWN,
    ),
    DemoArticle(
        slug="publier-nest-que-la-moitie-du-travail",
        title="Publier n’est que la moitié du travail",
        summary=(
            "Sur les réseaux sociaux comme sur un blog, publier n’est que la première moitié du travail. "
            "La seconde, c’est de répondre à ceux qui vous lisent."
        ),
        meta_description=(
            "Publier n’est que la moitié du travail : répondre aux lecteurs, donner plus que "
            "l’on ne prend et accepter la critique font une communauté."
        ),
        tags=("Communauté", "Réseaux sociaux", "Dialogue"),
        cover_alt=(
            "Trois bulles de dialogue sur un dégradé allant du brun-rouge au doré : le message d’un lecteur, "
            "la réponse de l’auteur en bleu nuit et une bulle où quelqu’un est en train d’écrire."
        ),
        colours=("#9a3412", "#fbbf24", "#1e3a8a"),
        days_from_today=-16,
        body=PUBLIER_N_EST_QUE_LA_MOITIE,
        language="fr",
    ),
    DemoArticle(
        slug="replying-to-a-hard-comment",
        title="Replying to a hard comment",
        summary=(
            "How to answer a reader who says you are wrong: find the question inside, concede what is right, "
            "and correct in the open."
        ),
        meta_description=(
            "How to answer a reader who says you are wrong: find the question, concede what "
            "is right, correct in the open."
        ),
        tags=("Comments", "Dialogue", "Writing"),
        cover_alt=(
            "Three speech bubbles on a gradient from charcoal to indigo: a reader's message, the author's "
            "pink reply, and a bubble showing someone typing."
        ),
        colours=("#1f2937", "#6366f1", "#f472b6"),
        days_from_today=7,
        body=REPLYING_TO_A_HARD_COMMENT,
    ),
    DemoArticle(
        slug="drafts-scheduling-and-publication-dates",
        title="Drafts, scheduling and publication dates",
        summary=(
            "What readers see depends on two fields, status and publication date. How to keep a draft, "
            "schedule an article and back-date one."
        ),
        meta_description=(
            "How status and publication date decide what readers see: drafts, scheduled "
            "articles and back-dated ones."
        ),
        tags=("Guide", "Causerie"),
        cover_alt=(
            "Three speech bubbles on a gradient from slate grey to pale blue: a reader's message, the "
            "author's teal reply, and a bubble showing someone typing."
        ),
        colours=("#334155", "#bae6fd", "#0f766e"),
        days_from_today=None,
        body=DRAFTS_AND_SCHEDULING,
    ),
)


# (key, key of the comment answered, name or None for the article's author, Markdown, options)
DEMO_COMMENTS = {
    "how-comment-moderation-works": (
        (
            "nadia",
            None,
            "Nadia",
            "Honestly, I think publishing everything at once is naive. One bad night and your comments are a "
            "mess. Have you measured how often that happens?",
            {"is_question": True},
        ),
        (
            "owner-nadia",
            "nadia",
            None,
            "Fair question. Most holds here are for links, not for what people think, and the moderation "
            "policy page says exactly what holds a comment, so you can judge for yourself.",
            {},
        ),
        (
            "tom",
            "owner-nadia",
            "Tom",
            "Thanks for publishing the rules: that is what makes it trustworthy.",
            {},
        ),
        (
            "rude",
            None,
            "Anonymous",
            "Whoever wrote this is a moron.",
            {"rejected_for": "insult"},
        ),
        (
            "owner-rude",
            "rude",
            None,
            "The comment above was removed for a personal attack. If you disagree with the article, say "
            "why: criticism is always published here.",
            {},
        ),
        (
            "links",
            None,
            "Priya",
            "Three good reads on the subject: https://example.org/a, https://example.org/b and "
            "https://example.org/c",
            {"status": Comment.Status.HELD, "hold_reasons": ["links"]},
        ),
        (
            "question",
            None,
            "Marc",
            "Can a moderator see who reported a comment?",
            {"is_question": True},
        ),
    ),
    "publier-nest-que-la-moitie-du-travail": (
        (
            "julie",
            None,
            "Julie",
            "Je ne suis pas d’accord : répondre à tout le monde prend un temps fou. Comment faites-vous ?",
            {"is_question": True},
        ),
        (
            "owner-julie",
            "julie",
            None,
            "Je ne réponds pas à tout, mais à toutes les **questions**. La liste des questions sans réponse "
            "m’aide à n’en oublier aucune.",
            {},
        ),
    ),
}
