"""Validation and re-encoding of uploaded images: article covers and pictures dropped into the editor.

An upload is judged by its bytes alone, never by its name or the content type the browser sent. What passes
``validate_image`` is fully decoded once, so ``process_image`` and ``make_renditions`` can rely on it.

An article's cover is a file with renditions beside it: ``cover_files`` re-encodes a new cover around the
write of the article's row and queues its renditions for the task worker (``blog.tasks``), then deletes the
files the row no longer names, and ``delete_cover_files`` deletes them with the article.
"""

import ctypes
import functools
import io
import itertools
import math
import multiprocessing
import resource
import secrets
import warnings
from contextlib import contextmanager, suppress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageCms, ImageOps, ImageSequence, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}

# Phone cameras store a second picture (a depth map, a preview) after the photo; Pillow calls such files MPO.
# The first picture is an ordinary JPEG and the only one we keep.
_FORMAT_ALIASES = {"MPO": "JPEG"}
_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
_ANIMATED_FORMATS = {"GIF", "PNG", "WEBP"}
# Pillow cannot read HEIF, so it would call an iPhone photo "not an image"; naming the format helps.
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_WEBP_MAX_SIDE = 16383
_SRGB = ImageCms.createProfile("sRGB")
_MB = 1024 * 1024
_ENCODER_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    # optimize=True costs seconds on a large photo-like PNG for a few per cent; level 6 is zlib's balance.
    "PNG": {"compress_level": 6},
    "GIF": {"optimize": True},
    "WEBP": {"quality": 82},
}

_MESSAGES = {
    "too_large": _("This file is larger than %(limit)s MB."),
    "not_an_image": _("This file is not an image. Only JPEG, PNG, GIF and WebP images are accepted."),
    "unsupported_format": _(
        "%(format)s images are not accepted. Only JPEG, PNG, GIF and WebP images are accepted."
    ),
    "too_many_pixels": _("This image has too many pixels: at most %(limit)s megapixels are accepted."),
    "corrupt": _("This image is damaged or incomplete. Try exporting it again."),
    "too_many_frames": _("This animation has too many frames: at most %(limit)s are accepted."),
    "too_costly": _(
        "This image takes too much time or memory to process. Try a smaller size or, for an animation, "
        "fewer frames."
    ),
}
_ANIMATION_TOO_MANY_PIXELS = _(
    "This animation has too many pixels: its frames may add up to at most %(limit)s megapixels."
)
# A frame shown longer than a minute is a still picture; and Pillow adds up the delays of identical frames
# it merges, which a GIF stores in 16 bits of hundredths of a second.
_MAX_FRAME_MS = 60_000
_MAX_ANIMATION_MS = {"GIF": 655_350}


def validate_image(file):
    """Raise ValidationError unless ``file`` holds a complete JPEG, PNG, GIF or WebP image within the limits.

    Codes: ``too_large`` (IMAGE_MAX_BYTES), ``not_an_image``, ``unsupported_format``, ``too_many_pixels``
    (IMAGE_MAX_PIXELS, judged from the header before decoding; for an animation, its frames together against
    IMAGE_MAX_ANIMATION_PIXELS), ``too_many_frames`` (IMAGE_MAX_FRAMES), ``corrupt`` and ``too_costly`` (the
    work took more than IMAGE_MAX_SECONDS or IMAGE_MAX_MEMORY_MB). Nothing else is raised whatever the bytes
    are. Leaves ``file`` at position 0.

    Validating is re-encoding: the image is decoded and written again as ``process_image`` returns it, so
    what passes can be stored, and the result is kept with the file for ``process_image``.

    A model's file already in storage passes unread: it was checked when it arrived, and checking it again on
    every save of its model would download it each time and, once the limits are lowered, refuse edits that
    do not touch it.
    """
    if isinstance(file, FieldFile) and file._committed:
        return
    _processed(file)


def process_image(file):
    """Return ``file``'s image re-encoded as a ContentFile in its own format, under an unguessable name.

    The result is upright (EXIF orientation applied), fits in IMAGE_MAX_SIDE on both sides, is in sRGB and
    carries no metadata: no EXIF, GPS, XMP, comment or colour profile. Animated GIF, PNG and WebP images stay
    animated, each frame shown for at most a minute. Raises what ``validate_image`` raises (and costs nothing
    more after it). Leaves ``file`` at position 0.
    """
    return _processed(file)


def _processed(file):
    # A model's FieldFile wraps the upload the form field already judged: the result is kept on the upload.
    holder = file.file if isinstance(file, FieldFile) else file
    done = getattr(holder, "_causerie_processed", None)
    if done is None:
        max_bytes = settings.IMAGE_MAX_BYTES
        data = _read(file, max_bytes + 1)
        if len(data) > max_bytes:
            raise _invalid("too_large", limit=f"{max_bytes / _MB:.3g}")
        outcome = within_budget(_examine, data, _limits())
        if outcome is None:
            raise _invalid("too_costly")
        if outcome[0] == "refused":
            raise _refusal(*outcome[1:])
        done = outcome[1:]
        holder._causerie_processed = done
    extension, content = done
    return ContentFile(content, name=unguessable_name(extension))


def _limits():
    return {
        "max_pixels": settings.IMAGE_MAX_PIXELS,
        "max_animation_pixels": _max_animation_pixels(),
        "max_frames": settings.IMAGE_MAX_FRAMES,
        "max_side": settings.IMAGE_MAX_SIDE,
    }


def _max_animation_pixels():
    return min(settings.IMAGE_MAX_ANIMATION_PIXELS, settings.IMAGE_MAX_PIXELS)


def _examine(data, limits):
    """Validate and re-encode ``data``: ``("ok", extension, bytes)`` or ``("refused", code, params)``."""
    try:
        _decode_all(data, limits)
    except _Refused as refused:
        return ("refused", refused.code, refused.params)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return ("refused", "too_many_pixels", {})
    except UnidentifiedImageError:
        return ("refused", *_unreadable(data))
    except MemoryError:
        return None
    except Exception:
        # Malformed data makes Pillow's decoders raise OSError, ValueError, SyntaxError, EOFError,
        # struct.error and more; by now the format is known to be an allowed one, so the file is damaged.
        return ("refused", "corrupt", {})
    try:
        return ("ok", *_reencode(data, limits["max_side"]))
    except MemoryError:
        return None
    except Exception:
        # What decoded but cannot be written again (a frame or palette no encoder takes) is no use either.
        return ("refused", "corrupt", {})


def _reencode(data, max_side):
    with _open(data) as im:
        format_ = _format(im)
        if _is_animated(im, format_):
            image, options = _animation(im, format_, max_side)
        else:
            _draft(im, format_, _fit(im.size, max_side))
            image = _upright(im)
            image = _prepare(image, _fit(image.size, max_side), format_)
            options = {}
        buffer = io.BytesIO()
        image.save(buffer, format_, **_ENCODER_OPTIONS[format_], **options)
    return _EXTENSIONS[format_], buffer.getvalue()


def within_budget(function, *args):
    """Return ``function(*args)`` run in a child process, or None if it needed more than IMAGE_MAX_SECONDS
    or more than IMAGE_MAX_MEMORY_MB of memory.

    Whatever the bytes make Pillow do, the worker or request that asked is held that long at most and keeps
    its own memory. The child is a fork of this process (a few milliseconds) whose address space may grow by
    the budget (memory this process freed but kept may be reused on top of it); the result comes back
    through a pipe, so it must pickle.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    extra_bytes = settings.IMAGE_MAX_MEMORY_MB * _MB
    child = context.Process(target=_run_limited, args=(sender, extra_bytes, function, args), daemon=True)
    child.start()
    sender.close()
    try:
        if receiver.poll(settings.IMAGE_MAX_SECONDS):
            return receiver.recv()
        return None
    except (EOFError, OSError):  # the child died: out of memory as the kernel saw it
        return None
    finally:
        child.kill()
        child.join()
        receiver.close()


def _run_limited(sender, extra_bytes, function, args):
    with suppress(OSError, AttributeError):  # glibc: large blocks mapped anew, so the limit below sees them
        # instead of their reusing memory the parent freed (M_MMAP_THRESHOLD is -3).
        ctypes.CDLL(None).mallopt(-3, 64 * 1024)
    with suppress(OSError, ValueError):  # no /proc (not Linux): the time limit still holds
        with open("/proc/self/statm") as statm:
            address_space = int(statm.read().split()[0]) * resource.getpagesize()
        limit = address_space + extra_bytes
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        result = function(*args)
    except MemoryError:
        result = None
    sender.send(result)
    sender.close()


def make_renditions(file, widths=(480, 960, 1600)):
    """Return ``[(width, ContentFile), ...]`` sorted by width: WebP copies of ``file``'s image for a srcset.

    One for each requested width up to the image's own width (never enlarged), plus one at the image's own
    width when that is below the largest requested width, so there is always at least one. Animations give
    their first frame. The width returned is the rendition's real one: it is smaller than asked only for an
    image so tall that WebP's 16383-pixel limit on height applies. ``file`` must have passed
    ``validate_image``. Runs within the budget of ``within_budget``, raising ValidationError (``too_costly``)
    beyond it. Leaves ``file`` at position 0.
    """
    if not widths:
        return []
    encoded = within_budget(_renditions, _read(file), widths)
    if encoded is None:
        raise _invalid("too_costly")
    return [(width, ContentFile(content, name=unguessable_name("webp"))) for width, content in encoded]


def _renditions(data, widths):
    largest = max(widths)
    with _open(data) as im:
        _draft(im, _format(im), (largest, largest))
        image = _prepare(_upright(im), None, "WEBP")
    chosen = {width for width in widths if width <= image.width}
    if image.width < largest:
        chosen.add(image.width)
    sizes = {
        _fit((width, max(1, round(image.height * width / image.width))), _WEBP_MAX_SIDE) for width in chosen
    }
    renditions = []
    for size in sorted(sizes):
        scaled = image if size == image.size else _resize(image, size)
        buffer = io.BytesIO()
        scaled.save(buffer, "WEBP", **_ENCODER_OPTIONS["WEBP"])
        renditions.append((size[0], buffer.getvalue()))
    return renditions


def unguessable_name(extension):
    """Return a fresh random file name ending in ``extension``, lower-cased; nothing else is in it."""
    return f"{secrets.token_urlsafe(18)}.{extension.lower().lstrip('.')}"


def image_size(file):
    """Return ``(width, height)`` of ``file``'s image as displayed (after EXIF orientation), from its header.

    ``file`` must have passed ``validate_image``. Leaves ``file`` at position 0.
    """
    with _open(_read(file)) as im:
        width, height = im.size
        if _orientation(im) in {5, 6, 7, 8}:
            return height, width
        return width, height


@contextmanager
def cover_files(article):
    """Keep the files of ``article``'s cover in step with the write of its row, made inside this block.

    Before the write, a new cover (a file not yet stored) is re-encoded with ``process_image`` and stored,
    and its renditions are emptied; after it, the task that makes them is queued in the same transaction (the
    owner's save does not wait for them; the page shows the cover itself until they are made). Without a
    cover the list is emptied. Once the write is committed, the files the row named before and no longer
    names (a replaced or removed cover and its renditions) are deleted. If the write fails, the old files
    stay and the new one is deleted.
    """
    cover = article.cover
    is_new = bool(cover) and not cover._committed
    before = None
    if article.pk and (is_new or not cover):
        rows = type(article)._default_manager.filter(pk=article.pk)
        before = rows.values_list("cover", "cover_renditions").first()
    if is_new:
        processed = process_image(cover)
        cover.save(processed.name, processed, save=False)
    if is_new or not cover:
        article.cover_renditions = []
    try:
        yield
    except BaseException:
        if is_new:
            _delete_cover_files(article.cover.name, [])
        raise
    if is_new:
        from . import tasks  # the tasks module reads the models, which call this one

        tasks.make_cover_renditions.enqueue(article.pk, article.cover.name)
    if before:
        # A rollback of the surrounding transaction (the admin's, say) must leave the row's files in place.
        transaction.on_commit(functools.partial(_delete_cover_files, *before, keep=article.cover.name))


def store_renditions(cover_name, folder="covers/renditions/"):
    """Make and store the renditions of the stored image ``cover_name`` in ``folder``: its row's list."""
    with default_storage.open(cover_name, "rb") as file:
        renditions = make_renditions(file)
    return [
        {"width": width, "name": default_storage.save(f"{folder}{content.name}", content)}
        for width, content in renditions
    ]


def make_fallback(file, width=960):
    """Return ``file``'s image at most ``width`` pixels wide, in its own format, as a ContentFile.

    What an image in an article's body shows where WebP is not understood, before its renditions are made,
    and always for an animation (which stays animated, within ``width`` on both sides): never the original at
    full size. ``file`` must have passed ``validate_image``. Runs within the budget of ``within_budget`` (an
    animation's frames are all resized again), raising ValidationError (``too_costly``) beyond it. Leaves
    ``file`` at position 0.
    """
    made = within_budget(_fallback, _read(file), width)
    if made is None:
        raise _invalid("too_costly")
    extension, content = made
    return ContentFile(content, name=unguessable_name(extension))


def _fallback(data, width):
    with _open(data) as im:
        format_ = _format(im)
        if _is_animated(im, format_):
            image, options = _animation(im, format_, width)
        else:
            _draft(im, format_, (width, width))
            image = _upright(im)
            size = None
            if image.width > width:
                size = (width, max(1, round(image.height * width / image.width)))
            image, options = _prepare(image, size, format_), {}
        buffer = io.BytesIO()
        image.save(buffer, format_, **_ENCODER_OPTIONS[format_], **options)
    return _EXTENSIONS[format_], buffer.getvalue()


def is_animation(file):
    """Whether ``file``'s image is an animated GIF, PNG or WebP. Leaves ``file`` at position 0."""
    with _open(_read(file)) as im:
        return _is_animated(im, _format(im))


def delete_renditions(renditions):
    _delete_cover_files("", renditions)


def delete_cover_files(article):
    """Delete the files of ``article``'s cover and its renditions, once its row's deletion is committed."""
    names = article.cover.name, article.cover_renditions
    transaction.on_commit(functools.partial(_delete_cover_files, *names))


def _delete_cover_files(cover_name, renditions, keep=""):
    for name in [cover_name, *(rendition["name"] for rendition in renditions)]:
        if name and name != keep:
            default_storage.delete(name)


def _invalid(code, **params):
    return ValidationError(_MESSAGES[code], code=code, params=params or None)


def _refusal(code, params):
    if code in {"too_many_pixels", "too_many_animation_pixels"}:
        message = _ANIMATION_TOO_MANY_PIXELS if code == "too_many_animation_pixels" else None
        setting = _max_animation_pixels() if message else settings.IMAGE_MAX_PIXELS
        limit = f"{setting / 1e6:.3g}"
        return ValidationError(
            message or _MESSAGES["too_many_pixels"], code="too_many_pixels", params={"limit": limit}
        )
    return _invalid(code, **params)


def _read(file, size=-1):
    file.seek(0)
    try:
        return file.read(size)
    finally:
        file.seek(0)


@contextmanager
def _open(data):
    """Open ``data`` with Pillow's JPEG, PNG, GIF and WebP readers only, its bomb warning made an error."""
    with warnings.catch_warnings():
        # Pillow warns, instead of raising, between its own pixel limit and twice that limit.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        # Other readers are never given untrusted bytes: some are little used, and EPS runs Ghostscript.
        with Image.open(io.BytesIO(data), formats=sorted(ALLOWED_FORMATS)) as im:
            yield im


class _Refused(Exception):
    def __init__(self, code, **params):
        super().__init__(code)
        self.code, self.params = code, params


def _decode_all(data, limits):
    with _open(data) as im:
        format_ = _format(im)
        animated = _is_animated(im, format_)
        max_pixels = limits["max_animation_pixels" if animated else "max_pixels"]
        total = 0
        # Frames are counted as they are read, never from the file's own count: Pillow finds a GIF's count by
        # reading every frame, and an APNG's is whatever its header claims.
        for index in itertools.count() if animated else [0]:
            if index == limits["max_frames"]:
                with suppress(EOFError):
                    im.seek(index)
                    raise _Refused("too_many_frames", limit=limits["max_frames"])
                break
            if index:
                try:
                    im.seek(index)
                except EOFError:
                    break
            # A GIF frame may enlarge the canvas, so each frame is measured before it is decoded.
            total += im.width * im.height
            if total > max_pixels:
                raise _Refused("too_many_animation_pixels" if animated else "too_many_pixels")
            # Decoding at an eighth of the size still reads every byte, which is what finds truncation.
            _draft(im, format_, (1, 1))
            im.load()


def _unreadable(data):
    """Return the refusal (code, params) for bytes that Pillow's allowed readers could not open."""
    format_ = _sniff(data[:16])
    if format_ is None:
        return "not_an_image", {}
    if _FORMAT_ALIASES.get(format_, format_) in ALLOWED_FORMATS:
        return "corrupt", {}
    return "unsupported_format", {"format": format_}


def _sniff(prefix):
    """Return the name of the image format whose signature ``prefix`` starts with, or None."""
    if prefix[4:8] == b"ftyp" and prefix[8:12] in _HEIF_BRANDS:
        return "HEIF"
    Image.init()
    for name, (_factory, accept) in Image.OPEN.items():
        if accept is None:
            continue
        try:
            matches = accept(prefix)
        except Exception:  # some signature checks index or unpack past the end of a short prefix
            continue
        # A string is Pillow's way of saying "would match, but this reader is not installed".
        if matches and not isinstance(matches, str):
            return name
    return None


def _format(im):
    return _FORMAT_ALIASES.get(im.format, im.format)


def _is_animated(im, format_):
    return format_ in _ANIMATED_FORMATS and getattr(im, "is_animated", False)


def _fit(size, max_side):
    width, height = size
    if max(width, height) <= max_side:
        return size
    scale = max_side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _draft(im, format_, size):
    """Let a JPEG decode at 1/2, 1/4 or 1/8 scale while still at least ``size``: much less time and memory."""
    if format_ == "JPEG" and size != im.size:
        im.draft(None, size)


def _orientation(im):
    try:
        return im.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # unreadable EXIF must not block an upload: the picture is taken as stored
        return 1


def _upright(image):
    """Turn ``image`` in place (no copy of a big picture) the way its EXIF orientation says; return it."""
    with suppress(Exception):  # unreadable EXIF must not block an upload: the picture is kept as stored
        ImageOps.exif_transpose(image, in_place=True)
    return image


def _prepare(image, size, format_):
    """Return ``image`` resized to ``size``, in sRGB, in a mode ``format_`` stores, without metadata.

    ``size=None`` keeps the size. A palette image kept at its size keeps its palette and transparent colour.
    """
    if image.mode.startswith("I"):
        # Pillow's own conversion clips 16-bit values instead of scaling them, which turns the picture white.
        image = image.convert("I").point(lambda value: value * (1 / 257)).convert("L")
        image.info.pop("transparency", None)  # a 16-bit value, meaningless now
    if image.mode in {"L", "RGB"} and "transparency" in image.info:
        image = image.convert(image.mode + "A")  # a transparent colour would not survive resampling
    resizing = size is not None and size != image.size
    if (resizing or format_ == "WEBP") and image.mode not in {"L", "LA", "RGB", "RGBA", "CMYK"}:
        # Pillow resizes palette and 1-bit images with nearest neighbour only, which looks ragged.
        image = image.convert("RGBA" if image.has_transparency_data else "L" if image.mode == "1" else "RGB")
    if resizing:
        image = _resize(image, size)
    image = _to_srgb(image)
    transparency = image.info.get("transparency")
    image.info = {} if transparency is None else {"transparency": transparency}
    return image


def _resize(image, size):
    # Shrinking by a whole factor first is faster than Lanczos over every source pixel and looks the same.
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _to_srgb(image):
    """Return ``image`` with its embedded colour profile applied, so that dropping the profile keeps colours.

    CMYK always comes out as RGB: browsers differ in how they show CMYK JPEGs, and some do not show them.
    """
    profile = image.info.get("icc_profile")
    if profile and image.mode in {"RGB", "RGBA", "CMYK"}:
        # A broken profile, or one for another colour space, is ignored: the pixels are kept as they are.
        with suppress(ImageCms.PyCMSError, OSError, ValueError):
            image = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                _SRGB,
                outputMode="RGBA" if image.mode == "RGBA" else "RGB",
            )
    if image.mode == "CMYK":
        image = image.convert("RGB")
    return image


def _durations(frames, format_):
    """Each frame's delay in whole milliseconds, at most a minute, scaled down together where the format
    could not store their total (Pillow merges identical frames into one, adding up their delays)."""
    durations = []
    for frame in frames:
        duration = frame.info.get("duration", 0)
        valid = isinstance(duration, int | float) and math.isfinite(duration)
        durations.append(int(min(max(duration, 0), _MAX_FRAME_MS)) if valid else 0)
    total, limit = sum(durations), _MAX_ANIMATION_MS.get(format_)
    if limit and total > limit:
        durations = [duration * limit // total for duration in durations]
    return durations


def _animation(im, format_, max_side):
    """Return the first frame of ``im``, prepared, and the options that save all its frames after it."""
    loop = im.info.get("loop")
    # Copies: the next frame is drawn over this one, so turning this one in place would spoil it.
    frames = [_upright(frame.copy()) for frame in ImageSequence.Iterator(im)]
    durations = _durations(frames, format_)
    # A GIF frame may enlarge the canvas; every frame must have the first one's size.
    first = frames[0].size
    frames = [frame if frame.size == first else frame.crop((0, 0, *first)) for frame in frames]
    size = _fit(first, max_side)
    transparent = any(frame.has_transparency_data for frame in frames)
    if format_ == "GIF" and transparent:
        # One mode for all frames: Pillow's GIF writer mixes up transparent colours across mixed modes.
        frames = [frame.convert("RGBA") for frame in frames]
    frames = [_prepare(frame, size, format_) for frame in frames]
    options = {"save_all": True, "append_images": frames[1:], "duration": durations}
    if loop is not None:
        options["loop"] = loop
    if format_ == "GIF" and transparent:
        # Each frame is a whole picture; without clearing the last one, its pixels show through transparency.
        options["disposal"] = 2
    return frames[0], options
