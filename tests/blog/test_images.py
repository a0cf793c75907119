"""blog/images.py: every image is made here with Pillow, or, for decompression bombs, written byte by byte."""

import contextlib
import io
import random
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django_tasks_db.models import DBTaskResult
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from blog.images import (
    ALLOWED_FORMATS,
    cover_files,
    image_size,
    make_renditions,
    process_image,
    unguessable_name,
    validate_image,
)
from tests.factories import make_article, make_image_file

RED = (220, 20, 20)
BLUE = (20, 20, 220)


def make_image(size=(64, 48), mode="RGB", color=RED):
    return Image.new(mode, size, color)


def encode(image, format_, **options):
    buffer = io.BytesIO()
    image.save(buffer, format_, **options)
    return buffer.getvalue()


def upload(data, name="upload.bin", content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def opened(content_file):
    content_file.seek(0)
    return Image.open(io.BytesIO(content_file.read()))


def refusal(file):
    with pytest.raises(ValidationError) as caught:
        validate_image(file)
    return caught.value


def noise(size=(32, 24), seed=0):
    return Image.frombytes("RGB", size, random.Random(seed).randbytes(size[0] * size[1] * 3))


def hand_made_png(width, height, *, with_pixels=True):
    """A black 1-bit PNG written byte by byte: 20000x20000 takes a few dozen kilobytes, where Pillow would
    need the whole picture in memory to write it. ``with_pixels=False`` gives the header and no pixel data."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = bytes(1 + (width + 7) // 8)  # a filter byte, then the row's bits, all zero
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height if with_pixels else 0))
    pixels += compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def animation(format_, size=(60, 40), durations=(100, 200, 300), transparent=False, **options):
    """A square stepping right across the picture, one step a frame."""
    frames = []
    for index in range(len(durations)):
        frame = Image.new("RGBA", size, (0, 0, 0, 0) if transparent else (*BLUE, 255))
        frame.paste((*RED, 255), (index * 10, 0, index * 10 + 10, 10))
        frames.append(frame if transparent else frame.convert("RGB"))
    if format_ == "GIF" and transparent:
        options["disposal"] = 2
    return encode(
        frames[0], format_, save_all=True, append_images=frames[1:], duration=list(durations), **options
    )


def exif_with_gps(orientation=1):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Causerie Test Camera"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (48.0, 51.0, 24.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (2.0, 21.0, 7.0),
    }
    return exif


SRGB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
METADATA_KEYS = {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "Comment"}


def png_with_metadata():
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "shot at home")
    text.add_itxt("XML:com.adobe.xmp", XMP.decode())
    return encode(make_image(), "PNG", exif=exif_with_gps(), icc_profile=SRGB_PROFILE, pnginfo=text)


WITH_METADATA = {
    "JPEG": lambda: encode(
        make_image(), "JPEG", exif=exif_with_gps(), icc_profile=SRGB_PROFILE, xmp=XMP, comment="shot at home"
    ),
    "PNG": png_with_metadata,
    "WEBP": lambda: encode(make_image(), "WEBP", exif=exif_with_gps(), icc_profile=SRGB_PROFILE, xmp=XMP),
    "GIF": lambda: encode(make_image(), "GIF", comment="shot at home"),
}


# Accepted images


@pytest.mark.parametrize("format_", sorted(ALLOWED_FORMATS))
def test_each_allowed_format_is_accepted_whatever_its_name_and_type_say(format_):
    validate_image(upload(encode(make_image(), format_), "notes.txt", "text/plain"))


@pytest.mark.parametrize(
    ("format_", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("GIF", "gif"), ("WEBP", "webp")]
)
def test_processed_image_keeps_its_real_format_and_extension(format_, extension):
    processed = process_image(upload(encode(make_image(), format_), "photo.bmp", "image/bmp"))

    assert opened(processed).format == format_
    assert processed.name.endswith("." + extension)


def test_plain_django_file_can_be_validated():
    validate_image(File(io.BytesIO(encode(make_image(), "JPEG")), name="cover.jpg"))


def test_model_file_already_in_storage_is_not_read_again(settings):
    settings.IMAGE_MAX_BYTES = 1  # anything read would be refused
    stored = FieldFile(None, models.ImageField(), "covers/already-there.jpg")

    validate_image(stored)


def test_model_file_just_uploaded_is_checked(settings):
    pending = FieldFile(None, models.ImageField(), "photo.jpg")
    pending.file = upload(b"not an image", "photo.jpg", "image/jpeg")
    pending._committed = False  # as Django leaves a file assigned to a model field and not yet saved

    assert refusal(pending).code == "not_an_image"


def test_phone_multi_picture_jpeg_is_accepted_and_saved_as_a_plain_jpeg():
    data = encode(make_image(), "MPO", save_all=True, append_images=[make_image((16, 12), color=BLUE)])
    assert Image.open(io.BytesIO(data)).format == "MPO"
    file = upload(data, "IMG_0001.jpg", "image/jpeg")

    validate_image(file)
    processed = opened(process_image(file))

    assert (processed.format, processed.size, getattr(processed, "n_frames", 1)) == ("JPEG", (64, 48), 1)


# Metadata


def test_processed_jpeg_has_no_exif_and_no_gps():
    data = encode(make_image(), "JPEG", exif=exif_with_gps())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    processed = opened(process_image(upload(data, "photo.jpg", "image/jpeg")))

    assert not processed.getexif()
    assert not processed.getexif().get_ifd(ExifTags.IFD.GPSInfo)


@pytest.mark.parametrize("format_", sorted(WITH_METADATA))
def test_processed_image_has_no_exif_xmp_comment_or_colour_profile(format_):
    data = WITH_METADATA[format_]()
    assert set(Image.open(io.BytesIO(data)).info) & METADATA_KEYS

    processed = opened(process_image(upload(data)))

    assert not set(processed.info) & METADATA_KEYS
    assert not processed.getexif()


def test_broken_colour_profile_does_not_block_an_upload():
    file = upload(encode(make_image(), "JPEG", icc_profile=b"not a colour profile"))

    validate_image(file)
    processed = opened(process_image(file))

    assert "icc_profile" not in processed.info


# Orientation


def upside_photo():
    """A 60x30 picture, red in its top-left corner, whose EXIF says: turn me 90 degrees clockwise."""
    image = make_image((60, 30), color=BLUE)
    image.paste(RED, (0, 0, 10, 10))
    return encode(image, "JPEG", exif=exif_with_gps(orientation=6))


def test_exif_orientation_is_applied_so_the_photo_stays_upright():
    processed = opened(process_image(upload(upside_photo())))

    assert processed.size == (30, 60)
    red, green, blue = processed.convert("RGB").getpixel((25, 4))
    assert red > 180 and green < 80 and blue < 80


def test_image_size_reports_the_size_as_displayed():
    assert image_size(upload(upside_photo())) == (30, 60)


# Scaling


@pytest.mark.parametrize("format_", ["JPEG", "PNG"])
def test_large_image_is_scaled_down_to_the_maximum_side(format_):
    file = upload(encode(make_image((5000, 1000)), format_))

    assert opened(process_image(file)).size == (2400, 480)


def test_tall_image_is_scaled_by_its_height(settings):
    settings.IMAGE_MAX_SIDE = 100

    assert opened(process_image(upload(encode(make_image((60, 400)), "PNG")))).size == (15, 100)


def test_image_within_the_maximum_side_keeps_its_size():
    assert opened(process_image(upload(encode(make_image((2400, 30)), "PNG")))).size == (2400, 30)


# Colour modes


def test_cmyk_jpeg_is_stored_as_rgb():
    file = upload(encode(make_image(mode="CMYK", color=(0, 255, 255, 0)), "JPEG"))

    processed = opened(process_image(file))

    assert processed.mode == "RGB"
    red, green, blue = processed.getpixel((10, 10))
    assert red > 200 and green < 60 and blue < 60


def test_greyscale_jpeg_stays_greyscale():
    assert opened(process_image(upload(encode(make_image(mode="L", color=90), "JPEG")))).mode == "L"


def test_transparent_png_keeps_its_transparency():
    image = make_image(mode="RGBA", color=(*RED, 255))
    image.paste((0, 0, 0, 0), (0, 0, 10, 10))

    processed = opened(process_image(upload(encode(image, "PNG"))))

    assert processed.getpixel((5, 5))[3] == 0
    assert processed.getpixel((30, 30))[3] == 255


def test_palette_png_keeps_its_transparent_colour_when_scaled(settings):
    settings.IMAGE_MAX_SIDE = 32
    image = make_image((64, 64)).convert("P")
    image.paste(0, (0, 0, 64, 20))
    file = upload(encode(image, "PNG", transparency=0))

    processed = opened(process_image(file)).convert("RGBA")

    assert processed.size == (32, 32)
    assert processed.getpixel((16, 2))[3] == 0
    assert processed.getpixel((16, 28))[3] == 255


def test_palette_image_is_scaled_smoothly_not_by_dropping_pixels(settings):
    settings.IMAGE_MAX_SIDE = 20
    stripes = Image.new("P", (40, 40), 0)
    stripes.putpalette([0, 0, 0, 255, 255, 255])
    for x in range(0, 40, 2):
        stripes.paste(1, (x, 0, x + 1, 40))

    processed = opened(process_image(upload(encode(stripes, "PNG"))))

    assert 100 <= processed.convert("L").getpixel((10, 10)) <= 155


def test_sixteen_bit_png_keeps_its_brightness():
    file = upload(encode(Image.new("I;16", (40, 40), 32768), "PNG"))

    processed = opened(process_image(file))
    [(_width, rendition)] = make_renditions(file)

    assert 120 <= processed.convert("L").getpixel((20, 20)) <= 135
    assert 120 <= opened(rendition).convert("L").getpixel((20, 20)) <= 135


# Animations


@pytest.mark.parametrize("format_", ["GIF", "PNG", "WEBP"])
def test_animation_stays_animated(format_):
    processed = opened(process_image(upload(animation(format_))))

    assert (processed.format, processed.n_frames) == (format_, 3)


def test_animated_gif_keeps_its_frame_durations():
    processed = opened(process_image(upload(animation("GIF", durations=(100, 200, 300)))))

    durations = []
    for index in range(processed.n_frames):
        processed.seek(index)
        durations.append(processed.info["duration"])
    assert durations == [100, 200, 300]


@pytest.mark.parametrize("loop", [0, 3])
def test_animated_gif_keeps_its_loop_count(loop):
    processed = opened(process_image(upload(animation("GIF", loop=loop))))

    assert processed.info["loop"] == loop


def test_still_gif_stays_a_still_gif():
    processed = opened(process_image(upload(encode(make_image(), "GIF"))))

    assert (processed.format, getattr(processed, "is_animated", False)) == ("GIF", False)


def test_animated_gif_is_scaled_frame_by_frame(settings):
    settings.IMAGE_MAX_SIDE = 30

    processed = opened(process_image(upload(animation("GIF", size=(60, 40)))))

    assert (processed.size, processed.n_frames) == ((30, 20), 3)


def test_transparent_gif_animation_leaves_no_trail_behind_the_moving_square():
    processed = opened(process_image(upload(animation("GIF", transparent=True))))

    processed.seek(2)
    frame = processed.convert("RGBA")
    assert frame.getpixel((25, 5))[3] == 255  # the square, now at its third place
    assert frame.getpixel((5, 5))[3] == 0  # where it was in the first frame


def test_animation_whose_frames_add_up_to_too_many_pixels_is_refused(settings):
    settings.IMAGE_MAX_PIXELS = 60 * 40 * 3 - 1

    assert refusal(upload(animation("GIF", size=(60, 40)))).code == "too_many_pixels"


# Refused files


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (b"Dear diary, today I took a photo.\n", "photo.jpg", "image/jpeg"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "scan.jpg", "image/jpeg"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "cat.png", "image/png"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>',
            "logo.svg",
            "image/svg+xml",
        ),
        (b"", "empty.png", "image/png"),
    ],
    ids=["text", "pdf", "html", "svg", "empty"],
)
def test_file_that_is_not_an_image_is_refused(data, name, content_type):
    assert refusal(upload(data, name, content_type)).code == "not_an_image"


def test_not_an_image_message_lists_the_accepted_formats():
    error = refusal(upload(b"plain text", "photo.jpg", "image/jpeg"))

    assert "JPEG, PNG, GIF and WebP" in error.messages[0]


@pytest.mark.parametrize("format_", ["BMP", "TIFF", "ICO"])
def test_image_in_another_format_is_refused_by_name(format_):
    error = refusal(upload(encode(make_image(), format_), "photo.jpg", "image/jpeg"))

    assert error.code == "unsupported_format"
    assert error.messages[0].startswith(format_)


def test_iphone_heic_photo_is_refused_as_an_unsupported_format():
    data = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(200)

    error = refusal(upload(data, "IMG_0002.HEIC", "image/heic"))

    assert (error.code, error.messages[0][:4]) == ("unsupported_format", "HEIF")


def truncated(format_, keep=0.6):
    data = encode(noise((120, 90)), format_)
    return data[: int(len(data) * keep)]


@pytest.mark.parametrize(
    "data",
    [
        truncated("JPEG"),
        truncated("JPEG", keep=0.99),
        encode(noise(), "JPEG", progressive=True)[:-300],
        truncated("PNG"),
        truncated("GIF"),
        truncated("WEBP"),
        encode(make_image(), "JPEG")[:200],
        animation("GIF")[:-40],
    ],
    ids=["jpeg", "jpeg-end", "progressive-jpeg", "png", "gif", "webp", "jpeg-header", "gif-last-frame"],
)
def test_damaged_image_is_refused(data):
    assert refusal(upload(data)).code == "corrupt"


def test_file_over_the_byte_limit_is_refused_with_the_limit_in_megabytes(settings):
    settings.IMAGE_MAX_BYTES = 2 * 1024 * 1024

    error = refusal(upload(bytes(2 * 1024 * 1024 + 1), "photo.jpg", "image/jpeg"))

    assert error.code == "too_large"
    assert "2 MB" in error.messages[0]


def test_file_at_the_byte_limit_is_accepted(settings):
    data = encode(make_image(), "PNG")
    settings.IMAGE_MAX_BYTES = len(data)

    validate_image(upload(data))


def test_hand_made_png_is_a_valid_image():
    """The bombs below are refused for their size, not for being malformed."""
    validate_image(upload(hand_made_png(1000, 250)))


def test_image_over_the_pixel_limit_is_refused_from_its_header_before_decoding(settings):
    settings.IMAGE_MAX_PIXELS = 1000

    # No pixel data at all: decoding would find it damaged; the header alone must refuse it.
    assert refusal(upload(hand_made_png(50, 50, with_pixels=False))).code == "too_many_pixels"


def test_image_over_the_default_pixel_limit_is_refused():
    # 48 megapixels: over our limit, under Pillow's own.
    assert refusal(upload(hand_made_png(8000, 6000))).code == "too_many_pixels"


def test_decompression_bomb_is_refused_at_the_default_limits():
    data = hand_made_png(20000, 20000)  # 400 megapixels in a few dozen kilobytes
    assert len(data) < 100_000

    assert refusal(upload(data)).code == "too_many_pixels"


def test_pillows_bomb_warning_becomes_a_refusal_and_never_escapes(settings, recwarn):
    settings.IMAGE_MAX_PIXELS = 500_000_000  # leave Pillow's own warning as the only guard

    error = refusal(upload(hand_made_png(10000, 10000, with_pixels=False)))

    assert error.code == "too_many_pixels"
    assert not [
        warning for warning in recwarn if issubclass(warning.category, Image.DecompressionBombWarning)
    ]


def test_too_many_pixels_message_gives_the_limit_in_megapixels(settings):
    settings.IMAGE_MAX_PIXELS = 2_500_000

    error = refusal(upload(hand_made_png(2000, 2000)))

    assert "2.5 megapixels" in error.messages[0]


@pytest.mark.parametrize("format_", sorted(ALLOWED_FORMATS))
def test_mangled_bytes_raise_only_validation_errors_and_what_passes_can_be_processed(format_):
    original = encode(noise(), format_)
    chance = random.Random(format_)
    for _attempt in range(40):
        data = bytearray(original)
        for _change in range(chance.randint(1, 8)):
            data[chance.randrange(len(data))] = chance.randrange(256)
        data = bytes(data[: chance.randint(1, len(data))] if chance.random() < 0.3 else data)
        file = upload(data)
        try:
            validate_image(file)
        except ValidationError:
            continue
        process_image(file)
        make_renditions(file)


# File position


@pytest.mark.parametrize(
    "data",
    [encode(make_image(), "JPEG"), b"not an image", truncated("PNG"), hand_made_png(20000, 20000)],
    ids=["valid", "not-an-image", "corrupt", "bomb"],
)
def test_validation_leaves_the_file_at_its_start(data):
    file = upload(data)
    file.read(5)

    with contextlib.suppress(ValidationError):
        validate_image(file)

    assert file.tell() == 0


def test_validation_leaves_a_too_large_file_at_its_start(settings):
    settings.IMAGE_MAX_BYTES = 10
    file = upload(encode(make_image(), "PNG"))

    with pytest.raises(ValidationError):
        validate_image(file)

    assert file.tell() == 0


def test_processing_and_renditions_leave_the_file_at_its_start():
    file = upload(encode(make_image(), "JPEG"))

    process_image(file)
    make_renditions(file)
    image_size(file)

    assert file.tell() == 0


# Renditions


def widths_and_sizes(renditions):
    return [(width, opened(content).format, opened(content).size) for width, content in renditions]


def test_renditions_are_webp_at_each_requested_width():
    renditions = make_renditions(upload(encode(make_image((2000, 1000)), "JPEG")))

    assert widths_and_sizes(renditions) == [
        (480, "WEBP", (480, 240)),
        (960, "WEBP", (960, 480)),
        (1600, "WEBP", (1600, 800)),
    ]


def test_renditions_never_enlarge_the_image():
    renditions = make_renditions(upload(encode(make_image((700, 350)), "PNG")))

    assert [(width, size) for width, _format, size in widths_and_sizes(renditions)] == [
        (480, (480, 240)),
        (700, (700, 350)),
    ]


def test_small_image_gets_one_rendition_at_its_own_width():
    renditions = make_renditions(upload(encode(make_image((300, 200)), "PNG")))

    assert widths_and_sizes(renditions) == [(300, "WEBP", (300, 200))]


def test_image_as_wide_as_the_largest_width_gets_every_width():
    renditions = make_renditions(upload(encode(make_image((1600, 900)), "JPEG")))

    assert [width for width, _content in renditions] == [480, 960, 1600]


def test_renditions_come_sorted_whatever_the_order_of_the_widths():
    renditions = make_renditions(upload(encode(make_image((500, 500)), "PNG")), widths=(400, 100, 200))

    assert [width for width, _content in renditions] == [100, 200, 400]


def test_renditions_of_an_animation_are_its_first_frame():
    [(_width, rendition)] = make_renditions(upload(animation("GIF")))

    image = opened(rendition)
    assert getattr(image, "n_frames", 1) == 1
    assert image.convert("RGB").getpixel((5, 5))[0] > 180  # the square's first place


def test_renditions_follow_the_exif_orientation():
    renditions = make_renditions(upload(upside_photo()), widths=(20, 40))

    assert [(width, size) for width, _format, size in widths_and_sizes(renditions)] == [
        (20, (20, 40)),
        (30, (30, 60)),
    ]


def test_renditions_of_a_transparent_image_keep_their_transparency():
    image = make_image(mode="RGBA", color=(0, 0, 0, 0))

    [(_width, rendition)] = make_renditions(upload(encode(image, "PNG")))

    assert opened(rendition).convert("RGBA").getpixel((5, 5))[3] == 0


def test_rendition_of_a_very_tall_image_stays_within_the_webp_size_limit():
    renditions = make_renditions(upload(encode(make_image((10, 20000), mode="L", color=0), "PNG")))

    assert widths_and_sizes(renditions) == [(8, "WEBP", (8, 16383))]


# Names


def test_unguessable_names_differ_between_calls():
    assert len({unguessable_name("jpg") for _ in range(50)}) == 50


def test_unguessable_name_has_a_lower_case_extension_and_nothing_else_to_read():
    name = unguessable_name("JPG")

    stem, extension = name.rsplit(".", 1)
    assert extension == "jpg"
    assert len(stem) >= 24


def test_processed_image_name_keeps_nothing_of_the_uploaded_name():
    file = upload(encode(make_image(), "JPEG"), "holiday-in-paris-with-alice.jpg", "image/jpeg")

    name = process_image(file).name

    assert not any(word in name for word in ("holiday", "paris", "alice"))


def test_renditions_have_names_of_their_own():
    renditions = make_renditions(upload(encode(make_image((2000, 1000)), "JPEG"), "holiday.jpg"))

    names = [content.name for _width, content in renditions]
    assert len(set(names)) == 3
    assert all(name.endswith(".webp") and "holiday" not in name for name in names)


# Article covers


@pytest.mark.django_db
def test_a_cover_whose_article_is_not_written_keeps_the_files_it_replaces(media_root):
    article = make_article(cover=make_image_file(size=(600, 300)), cover_alt="First")
    kept = [media_root / article.cover.name] + [media_root / r["name"] for r in article.cover_renditions]
    article.cover = make_image_file(size=(500, 250))

    with pytest.raises(RuntimeError), cover_files(article):
        raise RuntimeError("the write failed")

    assert all(path.exists() for path in kept)


@pytest.mark.django_db
def test_a_new_cover_is_re_encoded_before_its_article_is_written_and_its_renditions_queued(media_root):
    article = make_article()
    article.cover = make_image_file("holiday.png", format="PNG", size=(700, 350))

    with cover_files(article):
        assert "holiday" not in article.cover.name and (media_root / article.cover.name).exists()
        assert article.cover_renditions == []
    [queued] = DBTaskResult.objects.filter(task_path="blog.tasks.make_cover_renditions")
    assert queued.args_kwargs == {"args": [article.pk, article.cover.name], "kwargs": {}}
