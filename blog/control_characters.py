"""Control characters have no place in stored text: they break feeds (XML 1.0 forbids most of them), and a
reader never means one. Every model with text people type takes ``WithoutControlCharacters``, which removes
them from its character fields before it is validated and before it is saved; the feeds remove them again
from what they print (for rows stored before)."""

from django.db import models

# C0 controls and DEL, but tab, newline and carriage return, which a multi-line text may hold.
_CONTROLS = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# A one-line text has no use for a tab or a line break either: each becomes a space.
_ONE_LINE = {**_CONTROLS, 0x09: " ", 0x0A: " ", 0x0D: " "}


def without_control_characters(text, one_line=False):
    """``text`` without C0 control characters and DEL, keeping tab, newline and carriage return unless
    ``one_line`` (then each is a space)."""
    return text.translate(_ONE_LINE if one_line else _CONTROLS)


class WithoutControlCharacters(models.Model):
    """A model whose CharFields (one line) and TextFields (several) never hold control characters."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.remove_control_characters()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        self.remove_control_characters()
        super().clean_fields(exclude)

    def remove_control_characters(self):
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    one_line = not isinstance(field, models.TextField)
                    setattr(self, field.attname, without_control_characters(value, one_line))
