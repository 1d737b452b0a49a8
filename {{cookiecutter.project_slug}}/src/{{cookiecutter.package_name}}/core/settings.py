"""A section's settings: one frozen dataclass read from its block of the client config.

A section declares its fields once, with their types and defaults (equal to `config/defaults.yaml`,
which documents every key; a test keeps the two equal), and names its block::

    @dataclass(frozen=True)
    class Settings(ConfigBlock, block="retention"):
        churn_days: int = 180
        ...

`Settings.from_config(config)` then reads the block of a merged client config the same way for every
section: a field takes the block's key of its name, or the key `setting(key=...)` names (a key of the
block, or a dotted path from the config's root such as ``"program.gross_margin"``); a missing key keeps
the default; a value is converted by the field's annotation (int, float, bool, str, a day as a naive
`pd.Timestamp`, a tuple of them; `Any` and mappings as given); a field whose type is itself a
`ConfigBlock` is read from that class's own block. Null means "not set": a field that may be None
becomes None, any other keeps its default, or the value `setting(null=...)` gives null. Keys the
dataclass does not declare are ignored (the config loader has already refused unknown keys).
`Settings.config_keys()` names the key each field is read from.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

import pandas as pd

from ..config import get

Block = TypeVar("Block", bound="ConfigBlock")

_UNSET = object()
_SCALARS = (bool, int, float, str)


def setting(default: Any, *, key: str | None = None, null: Any = _UNSET) -> Any:
    """A field with a `default` whose config key is not its name (`key`: a key of the block, or a dotted
    path from the config's root) or whose null means `null` rather than the default."""
    return dataclasses.field(default=default, metadata={"key": key, "null": null})


class ConfigBlock:
    """Base of a frozen dataclass read from the client config's `block` (a dotted path from its root)."""

    block: ClassVar[str] = ""

    def __init_subclass__(cls, block: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.block = block or cls.block

    @classmethod
    def config_keys(cls) -> dict[str, str]:
        """{field: the dotted path of the config key it is read from}, fields of nested blocks included
        as ``field.subfield``."""
        keys = {}
        for item, hint in _fields(cls):
            if _is_block(hint):
                keys.update({f"{item.name}.{name}": path for name, path in hint.config_keys().items()})
            else:
                key = item.metadata.get("key") or item.name
                keys[item.name] = key if "." in key else f"{cls.block}.{key}"
        return keys

    @classmethod
    def from_config(cls: type[Block], config: Mapping[str, Any] | None) -> Block:
        """The settings of a merged client config (missing keys keep the defaults)."""
        root = dict(config or {})
        paths = cls.config_keys()
        values = {}
        for item, hint in _fields(cls):
            if _is_block(hint):
                values[item.name] = hint.from_config(root)
                continue
            value = get(root, paths[item.name], _UNSET)
            if value is None:
                value = None if _may_be_none(hint) else item.metadata.get("null", _UNSET)
            elif value is not _UNSET:
                value = _convert(value, hint)
            if value is not _UNSET:
                values[item.name] = value
        return cls(**values)


def _fields(cls: type) -> list[tuple[dataclasses.Field, Any]]:
    """The dataclass's fields with their annotations resolved."""
    hints = typing.get_type_hints(cls)
    return [(item, hints[item.name]) for item in dataclasses.fields(cls)]


def _is_block(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, ConfigBlock)


def _may_be_none(hint: Any) -> bool:
    return hint is Any or type(None) in typing.get_args(hint)


def _convert(value: Any, hint: Any) -> Any:
    """`value` as the type `hint` names (a union: its first type other than None)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    if typing.get_origin(hint) is tuple:
        return tuple(_convert(part, typing.get_args(hint)[0]) for part in value)
    if hint is pd.Timestamp:
        return _day(value)
    return hint(value) if hint in _SCALARS else value


def _day(value: Any) -> pd.Timestamp | None:
    """A date of the config (an ISO string) as a naive Timestamp; a blank string is None."""
    stamp = pd.Timestamp(value) if str(value).strip() else pd.NaT
    return None if pd.isna(stamp) else stamp.tz_localize(None)
