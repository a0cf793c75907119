from django import forms

from . import images


class ImageUploadField(forms.FileField):
    """An image upload judged by ``blog.images`` alone, which speaks first: its refusals name the site's real
    formats and limits (Django's image field would say "Upload a valid image", or list some eighty
    extensions Pillow knows). The file's name does not matter, however long: the stored one is generated."""

    def __init__(self, *, max_length=None, **kwargs):
        super().__init__(**kwargs)

    def to_python(self, data):
        file = super().to_python(data)
        if file is not None:
            images.validate_image(file)
        return file
