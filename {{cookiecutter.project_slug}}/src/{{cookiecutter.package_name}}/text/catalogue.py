"""One catalogue of the report's texts: named templates with fields, in English and Russian.

Every text the report shows is either

* a **template**, registered under a dotted name (``program.reach``, ``report.title``,
  ``tile.nps.note``) in both languages with the same fields; domain code names it and gives the
  fields (`Text`), the run renders it in the client's language (`render`): no language branch
  outside this package; or
* a **label**: a word that is data rather than prose (a column name, a segment name, a group, a
  word drawn on a chart), shown as is in English and looked up in the Russian labels (`label`).

Areas register their texts where they live (a section in its ``texts.py``, the report frame in
``report/texts.py``) with `register`; registering checks that both languages have the same names
and, for each name, the same fields, so a Russian report never misses a number.

Fields take the locale formats of `formats` by their format spec:

=====================  =========================================  ========================
spec                   meaning                                    en / ru example
=====================  =========================================  ========================
``{n:number}``         count or amount, 0 decimals                ``1,234`` / ``1 234``
``{x:number1}``        1 decimal (``number2``: 2)                 ``3.5`` / ``3,5``
``{p:percent}``        fraction as a percentage, 1 decimal        ``12.3%`` / ``12,3 %``
``{p:percent0}``       0 decimals                                 ``12%`` / ``12 %``
``{p:+percent}``       signed, 1 decimal (``+percent0``: 0)       ``+12.3%`` / ``+12,3 %``
``{m:money}``          money in the run's currency                ``1,234 RUB`` / ``1 234 ₽``
``{n:+number}``        signed count / amount                      ``+1,234`` / ``+1 234``
``{d:date}``           a date                                     ``31 Dec 2024`` / ``31.12.2024``
``{s}``                anything else: `str`, a label translated   ``members`` / ``участники``
``{t}``                a nested `Text`: rendered in the language
=====================  =========================================  ========================
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import formats

LANGUAGES = ("en", "ru")
DEFAULT_LANGUAGE = "en"

_TEMPLATES: dict[str, dict[str, str]] = {language: {} for language in LANGUAGES}
_LABELS: dict[str, dict[str, str]] = {language: {} for language in LANGUAGES if language != "en"}


class CatalogueError(ValueError):
    """Texts registered inconsistently (a name or a field missing in one language, a name taken twice)."""


@dataclass(frozen=True)
class Text:
    """A named template and its fields, rendered in the run's language when shown."""

    key: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def render(self, language: str = DEFAULT_LANGUAGE, currency: str = "") -> str:
        return render(self.key, language, currency, **self.fields)


def fields_of(template: str) -> set[str]:
    """The field names of a `str.format` template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def register(namespace: str, templates: Mapping[str, Mapping[str, str]],
             labels: Mapping[str, Mapping[str, str]] | None = None) -> None:
    """Add an area's texts: `templates` = {language: {name: template}}, registered as
    ``<namespace>.<name>``; `labels` = {language: {English word: word}} for the languages other than
    English. Both languages must have the same names and each name the same fields."""
    english = templates.get("en", {})
    for language in LANGUAGES:
        other = templates.get(language, {})
        if set(other) != set(english):
            missing = sorted(set(english) ^ set(other))
            raise CatalogueError(f"{namespace}: names not in both languages: {missing[:5]}")
        for name, template in other.items():
            if fields_of(template) != fields_of(english[name]):
                raise CatalogueError(f"{namespace}.{name}: fields differ between en and {language}")
    for language in LANGUAGES:
        table = _TEMPLATES[language]
        for name, template in templates.get(language, {}).items():
            key = f"{namespace}.{name}" if namespace else name
            if key in table and table[key] != template:
                raise CatalogueError(f"{key}: registered twice with different texts")
            table[key] = template
    for language, words in (labels or {}).items():
        _LABELS[language].update(words)


def has(key: str) -> bool:
    return key in _TEMPLATES[DEFAULT_LANGUAGE]


def template(key: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The template registered as `key` in `language` (English for a language without texts)."""
    table = _TEMPLATES.get(language, _TEMPLATES[DEFAULT_LANGUAGE])
    try:
        return table[key]
    except KeyError:
        raise KeyError(f"no text named {key!r} in the catalogue") from None


def label(word: Any, language: str = DEFAULT_LANGUAGE, context: str = "") -> Any:
    """`word` in `language` when it is a registered label (an entry ``"<context>:<word>"`` first: a
    word that means something else in one table or chart); anything else unchanged."""
    if language == DEFAULT_LANGUAGE or not isinstance(word, str):
        return word
    words = _LABELS.get(language, {})
    if context and f"{context}:{word}" in words:
        return words[f"{context}:{word}"]
    return words.get(word, word)


class _LocaleFormatter(string.Formatter):
    """`str.format` with the locale specs of the module docstring."""

    def __init__(self, language: str, currency: str) -> None:
        super().__init__()
        self.language, self.currency = language, currency

    def format_field(self, value: Any, format_spec: str) -> str:
        language = self.language
        signed = format_spec.startswith("+")
        spec = format_spec.lstrip("+")
        if isinstance(value, Text):
            return render(value.key, language, self.currency, **value.fields)
        if spec in ("number", "number0", "number1", "number2"):
            return formats.format_number(value, language, int(spec[6:] or 0), signed=signed)
        if spec in ("percent", "percent0", "percent1", "percent2"):
            return formats.format_percent(value, language, int(spec[7:] or 1), signed=signed)
        if spec in ("money", "money2"):
            return formats.format_money(value, self.currency, language, 2 if spec == "money2" else 0)
        if spec == "date":
            return formats.format_date(value, language)
        if isinstance(value, str) and not format_spec:
            return label(value, language)
        return super().format_field(value, format_spec)


def render(key: str, language: str = DEFAULT_LANGUAGE, currency: str = "", /, **fields: Any) -> str:
    """The template `key` in `language` with its `fields` filled in, in the language's formats."""
    return _LocaleFormatter(language, currency).format(template(key, language), **fields)


def format_template(text: str, language: str = DEFAULT_LANGUAGE, currency: str = "", /,
                    **fields: Any) -> str:
    """An unregistered template (a notebook's own ad-hoc text) filled in the language's formats."""
    return _LocaleFormatter(language, currency).format(text, **fields)


def keys(language: str = DEFAULT_LANGUAGE) -> list[str]:
    """Every registered name (for tests and for finding unused texts)."""
    return sorted(_TEMPLATES[language])
