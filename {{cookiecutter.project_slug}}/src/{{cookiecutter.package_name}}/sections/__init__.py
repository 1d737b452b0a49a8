"""The report's sections: one folder each, registered once (`registry.register`).

``sections/<key>/`` holds a section's metrics (by subject), ``section.py`` (its steps and
``run(ctx) -> SectionResult``), its texts (``texts.py``) and plots, and registers a `Section`: key,
notebook, config block, inputs it requires, report parts (tiles, findings, methodology). Adding a
section is one folder with that registration and one notebook ``notebooks/NN_<key>.ipynb``.
"""

from .registry import Section, get, register, registered

__all__ = ["Section", "get", "register", "registered"]
