from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from blog import markup
from blog.models import Article
from tests.factories import make_article, make_image_file, make_tag, with_renditions

pytestmark = pytest.mark.django_db


def test_published_includes_articles_whose_date_has_come():
    article = make_article(published_at=timezone.now() - timedelta(minutes=1))
    assert list(Article.objects.published()) == [article]


def test_published_excludes_drafts():
    make_article(status=Article.Status.DRAFT)
    assert not Article.objects.published().exists()


def test_scheduled_article_is_invisible_until_its_date():
    article = make_article(published_at=timezone.now() + timedelta(days=1))
    assert not Article.objects.published().exists()
    assert not article.is_published()


def test_scheduled_article_appears_by_itself_once_its_date_has_passed():
    article = make_article(published_at=timezone.now() + timedelta(seconds=1))
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert list(Article.objects.published()) == [article]


def test_publishing_without_a_date_publishes_now():
    article = make_article(status=Article.Status.PUBLISHED, published_at=None)
    assert article.published_at is not None
    assert article.is_published()


def test_body_html_is_rendered_when_saved():
    article = make_article(body="# Title\n\nSome **bold** text")
    assert "<strong>bold</strong>" in article.body_html
    article.body = "Now *emphasis*"
    article.save()
    assert Article.objects.get(pk=article.pk).body_html.count("<em>emphasis</em>") == 1


def test_body_html_never_keeps_script_from_the_body():
    article = make_article(body="<script>alert(1)</script>\n\n[x](javascript:alert(1))")
    assert "<script" not in article.body_html
    assert "javascript:" not in article.body_html


def test_reading_time_counts_words_at_220_a_minute():
    assert make_article(body="word " * 10).reading_time == 1
    assert make_article(body="word " * 1000).reading_time == 5


def test_cover_requires_a_description():
    article = make_article()
    article.cover = make_image_file()
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "cover_alt" in error.value.message_dict


def test_cover_that_is_not_an_image_is_refused_with_a_reason():
    from django.core.files.uploadedfile import SimpleUploadedFile

    article = make_article()
    article.cover = SimpleUploadedFile("cover.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")
    article.cover_alt = "A cover"
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "cover" in error.value.message_dict


def test_cover_is_stored_under_an_unguessable_name_with_webp_renditions(media_root):
    article = make_article(
        cover=make_image_file("my holiday.jpg", size=(1200, 600)), cover_alt="A red square"
    )
    assert "holiday" not in article.cover.name
    assert [r["width"] for r in article.cover_renditions] == [480, 960, 1200]
    for rendition in article.cover_renditions:
        with Image.open(media_root / rendition["name"]) as image:
            assert image.format == "WEBP"
            assert image.width == rendition["width"]
    assert "480w" in article.cover_srcset


def test_replacing_the_cover_removes_the_old_renditions(media_root, django_capture_on_commit_callbacks):
    article = make_article(cover=make_image_file(size=(600, 300)), cover_alt="First")
    old = [media_root / r["name"] for r in article.cover_renditions]
    article.cover = make_image_file(size=(500, 250))
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
        assert all(path.exists() for path in old)  # until the write is committed
    assert not any(path.exists() for path in old)
    assert [r["width"] for r in with_renditions(article).cover_renditions] == [480, 500]


def test_a_new_cover_its_renditions_and_the_search_vector_are_saved_in_the_articles_one_write(
    media_root, django_assert_num_queries
):
    article = make_article(cover=make_image_file(size=(600, 300)), cover_alt="First")
    article.cover = make_image_file(size=(500, 250))
    # The stored cover's names, the UPDATE and the renditions' task, in one transaction (here a savepoint).
    with django_assert_num_queries(5):
        article.save()
    stored = Article.objects.get(pk=article.pk)
    assert stored.cover.name == article.cover.name
    assert [r["width"] for r in with_renditions(stored).cover_renditions] == [480, 500]


def test_removing_the_cover_deletes_its_file_and_renditions(media_root, django_capture_on_commit_callbacks):
    article = make_article(cover=make_image_file(size=(600, 300)), cover_alt="Gone soon")
    files = [media_root / article.cover.name] + [media_root / r["name"] for r in article.cover_renditions]
    article.cover = None
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert not any(path.exists() for path in files)
    assert Article.objects.get(pk=article.pk).cover_renditions == []


def test_tag_slug_is_derived_from_its_name():
    assert make_tag("Dialogue ouvert").slug == "dialogue-ouvert"


def test_article_url_uses_its_slug():
    assert make_article(slug="hello").get_absolute_url() == "/articles/hello/"


def test_cover_dimensions_are_those_of_the_stored_scaled_image(settings):
    settings.IMAGE_MAX_SIDE = 1000
    article = make_article(cover=make_image_file(size=(3000, 1500)), cover_alt="Wide")
    article = Article.objects.get(pk=article.pk)
    assert (article.cover_width, article.cover_height) == (1000, 500)


def test_replacing_the_cover_deletes_the_old_file(media_root, django_capture_on_commit_callbacks):
    article = make_article(cover=make_image_file(), cover_alt="First")
    old = media_root / article.cover.name
    article.cover = make_image_file()
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert not old.exists()
    assert (media_root / article.cover.name).exists()


def test_deleting_an_article_deletes_its_cover_and_renditions(media_root, django_capture_on_commit_callbacks):
    article = make_article(cover=make_image_file(size=(600, 300)), cover_alt="Gone")
    files = [media_root / article.cover.name] + [media_root / r["name"] for r in article.cover_renditions]
    assert all(path.exists() for path in files)
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert not any(path.exists() for path in files)


def test_a_rolled_back_cover_change_keeps_the_files_its_row_names(media_root):
    article = make_article(cover=make_image_file(size=(600, 300)), cover_alt="Kept")
    files = [media_root / article.cover.name] + [media_root / r["name"] for r in article.cover_renditions]
    with pytest.raises(RuntimeError), transaction.atomic():
        article.cover = make_image_file(size=(500, 250))
        article.save()
        raise RuntimeError("the admin's transaction fails after the save")
    assert all(path.exists() for path in files)
    assert Article.objects.get(pk=article.pk).cover.name == files[0].relative_to(media_root).as_posix()


def test_a_failed_write_deletes_the_new_cover_files_it_stored(media_root):
    article = make_article(cover=make_image_file(size=(600, 300)), cover_alt="First")
    before = set(media_root.rglob("*"))
    article.cover = make_image_file(size=(500, 250))
    article.slug = make_article().slug  # taken: the UPDATE fails
    with pytest.raises(IntegrityError), transaction.atomic():
        article.save()
    assert {path for path in media_root.rglob("*") if path.is_file()} == {p for p in before if p.is_file()}


def test_publish_and_unpublish_change_a_whole_queryset():
    drafts = [make_article(status=Article.Status.DRAFT) for _ in range(2)]
    assert Article.objects.filter(pk__in=[a.pk for a in drafts]).publish() == 2
    assert Article.objects.published().count() == 2
    assert Article.objects.all().unpublish() == 2
    assert not Article.objects.published().exists()


def test_scheduled_means_published_with_a_future_date():
    assert make_article(published_at=timezone.now() + timedelta(days=1)).is_scheduled()
    assert not make_article().is_scheduled()
    assert not make_article(status=Article.Status.DRAFT).is_scheduled()


def test_body_too_dense_to_render_is_refused_with_a_reason_instead_of_shown_as_plain_text():
    article = make_article()
    article.body = "> " * 100 + "a quote inside a hundred quotes"
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "Split it into two articles" in error.value.message_dict["body"][0]


def test_ordinary_long_article_is_accepted():
    article = make_article()
    sentence = "A sentence of prose with a [link](https://example.org) in it. "
    section = "## A section\n\n" + sentence * 30 + "\n\n"
    article.body = (section * 100)[:90_000]
    article.full_clean()


def test_saving_after_validation_stores_the_checked_rendering_and_follows_later_edits():
    article = make_article()
    article.body = "Checked *once*"
    article.full_clean()
    article.save()
    assert Article.objects.get(pk=article.pk).body_html == "<p>Checked <em>once</em></p>"
    article.body = "Edited **after** validation"
    article.save()
    assert Article.objects.get(pk=article.pk).body_html == "<p>Edited <strong>after</strong> validation</p>"


def test_saving_after_validation_stores_exactly_what_render_article_makes():
    # Validation renders with render_article_or_none and the save reuses it: the level-one heading must still
    # become an <h2> and the table still be reachable by keyboard.
    article = make_article()
    article.body = "# Part one\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    article.full_clean()
    article.save()
    stored = Article.objects.get(pk=article.pk).body_html
    assert stored == markup.render_article(article.body)
    assert '<h2 id="h-part-one">' in stored and '<table tabindex="0">' in stored
