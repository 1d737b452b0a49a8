"""The one text mechanism: named templates with the same fields in both languages."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.text import catalogue
from {{ cookiecutter.package_name }}.text.catalogue import CatalogueError, Text, label, register, render


def test_a_template_renders_in_each_language_with_locale_formats():
    register("test_catalogue", {
        "en": {"share": "Members bring {share:percent} of revenue ({revenue:money}) by {day:date}."},
        "ru": {"share": "Участники приносят {share:percent} выручки ({revenue:money}) к {day:date}."},
    }, labels={"ru": {"test_catalogue_word": "слово"}})
    fields = {"share": 0.1234, "revenue": 1234567, "day": "2024-12-31"}
    assert render("test_catalogue.share", "en", "RUB", **fields) == (
        "Members bring 12.3% of revenue (1,234,567\u00a0RUB) by 31 Dec 2024.")
    assert render("test_catalogue.share", "ru", "RUB", **fields) == (
        "Участники приносят 12,3\u00a0% выручки (1\u00a0234\u00a0567\u00a0₽) к 31.12.2024.")
    assert Text("test_catalogue.share", fields).render("ru", "RUB").startswith("Участники")
    assert label("test_catalogue_word", "ru") == "слово"
    assert label("test_catalogue_word", "en") == "test_catalogue_word"


def test_templates_with_different_fields_or_names_are_refused():
    with pytest.raises(CatalogueError, match="fields differ"):
        register("test_bad", {"en": {"x": "{a} and {b}"}, "ru": {"x": "{a}"}})
    with pytest.raises(CatalogueError, match="not in both languages"):
        register("test_bad2", {"en": {"x": "a", "y": "b"}, "ru": {"x": "а"}})
    assert not catalogue.has("test_bad.x")


def test_an_unknown_name_is_an_error_not_a_silent_english_text():
    with pytest.raises(KeyError, match="no text named"):
        render("test_catalogue.nothing", "en")
