"""The blog's background work, run by the task worker (`manage.py db_worker`)."""

from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import images, page_cache


def waiting(task_):
    """The task's runs queued and not started yet: on the database backend, the queue is a table."""
    return DBTaskResult.objects.filter(task_path=task_.module_path, status=TaskResultStatus.READY)


@task()
def make_cover_renditions(article_id, cover_name):
    """The WebP renditions of an article's new cover, listed on its row. Nothing when the article has
    another cover since (its own task makes those) or has them already."""
    from .models import Article  # the models queue this task

    rows = Article.objects.filter(pk=article_id, cover=cover_name, cover_renditions=[])
    if not rows.exists():
        return 0
    renditions = images.store_renditions(cover_name)
    if not rows.update(cover_renditions=renditions):  # replaced while they were made
        images.delete_renditions(renditions)
        return 0
    page_cache.content_changed()
    return len(renditions)


@task()
def make_body_image_renditions(image_id):
    """The WebP renditions of an image uploaded into articles' bodies; the articles that show it are shown
    with them. Nothing when the image was deleted since or has them already."""
    from .models import Article, BodyImage

    rows = BodyImage.objects.filter(pk=image_id, renditions=[], animated=False)
    image = rows.first()
    if image is None:
        return 0
    renditions = images.store_renditions(image.file.name, folder="uploads/renditions/")
    if not rows.update(renditions=renditions):  # deleted while they were made
        images.delete_renditions(renditions)
        return 0
    for article in Article.objects.filter(body_images=image).only("pk", "language", "body"):
        article.refresh_body_images()
    page_cache.content_changed()
    return len(renditions)


def queue_missing_renditions():
    """Queue the renditions of covers and body images that have none and no task waiting for them (one that
    failed, or whose worker was killed). Returns how many were queued."""
    from .models import Article, BodyImage

    queued = {tuple(result.args_kwargs["args"]) for result in waiting(make_cover_renditions)}
    covers = Article.objects.exclude(cover="").filter(cover_renditions=[]).values_list("pk", "cover")
    missing = [cover for cover in covers if cover not in queued]
    for article_id, cover_name in missing:
        make_cover_renditions.enqueue(article_id, cover_name)
    queued_images = {tuple(result.args_kwargs["args"]) for result in waiting(make_body_image_renditions)}
    body_images = BodyImage.objects.filter(renditions=[], animated=False).values_list("pk", flat=True)
    missing_images = [pk for pk in body_images if (pk,) not in queued_images]
    for image_id in missing_images:
        make_body_image_renditions.enqueue(image_id)
    return len(missing) + len(missing_images)


def prune_autosaves():
    """Delete editors' autosaves left for longer than AUTOSAVE_KEEP_DAYS (saved revisions are all kept)."""
    from . import revisions

    return revisions.prune_autosaves()
