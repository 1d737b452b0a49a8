"""Loyalty-program analytics for {{ cookiecutter.project_name }}."""

__version__ = "0.1.0"
