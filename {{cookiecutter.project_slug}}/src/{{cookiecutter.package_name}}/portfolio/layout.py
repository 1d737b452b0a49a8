"""The portfolio's Jinja templates (``portfolio/templates``): self-contained pages, styles inline, no
script or font loaded from anywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"
_ENVIRONMENT = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2"]),
                           trim_blocks=True, lstrip_blocks=True)


def render_page(template: str, **context: Any) -> str:
    return _ENVIRONMENT.get_template(template).render(**context)
