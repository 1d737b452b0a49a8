"""Every text of the report in its two languages: locale formats (`formats`) and one catalogue of named
templates (`catalogue`): `render("program.reach", "ru", "RUB", members=1200)`."""

from .catalogue import LANGUAGES, Text, label, register, render

__all__ = ["LANGUAGES", "Text", "label", "register", "render"]
