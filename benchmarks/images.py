"""Upload pipeline: time and memory to validate, process and render images of several sizes.

Memory is the peak resident size so far of this process or of the child processes the work runs in (Pillow
allocates outside Python's tracemalloc), so cases run from smallest to largest and each row's growth belongs
to that step.

Run: DJANGO_DEBUG=1 .venv/bin/python benchmarks/images.py
Images are made with Pillow here; nothing is written to MEDIA_ROOT.
"""

import resource
import time
from io import BytesIO

import setup_django  # noqa: F401  (first: the imports below need Django set up)
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from blog import images


def photo(size, format):
    """A noisy image, so that encoders work as hard as on a photograph."""
    grain = Image.effect_noise((size[0] // 8, size[1] // 8), 48).convert("RGB")
    image = grain.resize(size, Image.Resampling.BICUBIC)
    buffer = BytesIO()
    image.save(buffer, format=format, quality=90)
    return buffer.getvalue()


def step(label, function):
    start = time.perf_counter()
    result = function()
    elapsed = (time.perf_counter() - start) * 1000
    # Decoding and re-encoding run in a child process (blog.images.within_budget): the peak of either.
    usage = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = max(u.ru_maxrss for u in usage) / 1024
    return label, elapsed, peak, result


def main():
    print(f"{'image':<24} {'KB':>7} {'step':<11} {'ms':>8} {'peak RSS MiB':>12}")
    for size, format in [
        ((1600, 900), "JPEG"),
        ((4000, 3000), "JPEG"),
        ((6000, 4000), "JPEG"),
        ((3000, 2000), "PNG"),
    ]:
        data = photo(size, format)
        upload = SimpleUploadedFile(f"x.{format.lower()}", data)
        rows = [step("validate", lambda upload=upload: images.validate_image(upload))]
        rows.append(step("process", lambda upload=upload: images.process_image(upload)))
        processed = rows[-1][3]
        rows.append(step("renditions", lambda processed=processed: images.make_renditions(processed)))
        name = f"{size[0]}x{size[1]} {format}"
        for label, elapsed, peak, _result in rows:
            print(f"{name:<24} {len(data) / 1024:>7.0f} {label:<11} {elapsed:>8.1f} {peak:>12.0f}")


if __name__ == "__main__":
    main()
