"""Refuse answers that would bake a broken project, saying which answer and why."""

import keyword
import re
import sys

ANSWERS = {
    "project_name": "{{ cookiecutter.project_name }}",
    "project_slug": "{{ cookiecutter.project_slug }}",
    "package_name": "{{ cookiecutter.package_name }}",
    "language": "{{ cookiecutter.language }}",
    "currency": "{{ cookiecutter.currency }}",
    "first_client": "{{ cookiecutter.first_client }}",
}

RULES = [
    (
        "project_slug",
        lambda v: re.fullmatch(r"[a-z][a-z0-9-]*[a-z0-9]", v) is not None,
        ("must be lowercase Latin letters, digits and dashes, starting with a letter "
         "(e.g. 'acme-loyalty'); derived from the project name, so give a Latin project name "
         "or answer project_slug explicitly"),
    ),
    (
        "package_name",
        lambda v: re.fullmatch(r"[a-z_][a-z0-9_]*", v) is not None and not keyword.iskeyword(v),
        "must be a valid lowercase Python identifier (letters, digits, underscores), not a keyword",
    ),
    ("language", lambda v: v in ("en", "ru"), "must be 'en' or 'ru'"),
    (
        "currency",
        lambda v: re.fullmatch(r"[A-Z]{3}", v) is not None,
        "must be a three-letter ISO 4217 code in capitals, e.g. RUB, EUR, USD",
    ),
    (
        "first_client",
        lambda v: re.fullmatch(r"[a-z0-9][a-z0-9_-]*", v) is not None,
        "must be lowercase letters, digits, dashes or underscores (it names a config file and folders)",
    ),
]


def main() -> int:
    errors = [
        f"  {key} = {ANSWERS[key]!r}: {reason}"
        for key, is_valid, reason in RULES
        if not is_valid(ANSWERS[key])
    ]
    if errors:
        print("ERROR: cannot generate the project:", file=sys.stderr)
        print("\n".join(errors), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
