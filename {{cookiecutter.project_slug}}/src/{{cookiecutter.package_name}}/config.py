"""Client configuration: `config/defaults.yaml` merged with `config/clients/<client>.yaml`.

The defaults file is the schema: every key a client may set exists there, and its default's type is the
type the key takes. A key that is not in the defaults, or a value of the wrong type, is refused with a
`ConfigError` that names the key's path (``program.gross_margin``), the file, and what was expected.
Dates are normalised to ISO strings (``YYYY-MM-DD``) so the merged config is plain JSON: papermill passes
parameters as strings anyway (nteract/papermill#345), and modules parse them with `as_timestamp`.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

TABLES = ("transactions", "customers", "points", "nps", "surveys", "campaigns")

# Keys whose default is null take one of these types (the default's own type decides for the rest).
NULLABLE_TYPES: dict[str, tuple[type, ...]] = {
    "data.read.thousands": (str,),
    "data.read.date_format": (str,),
    "data.read.sheet": (str, int),
    "data.*.path": (str,),
    "data.*.read.thousands": (str,),
    "data.*.read.date_format": (str,),
    "data.*.read.sheet": (str, int),
    "data.read.timezone": (str,),
    "data.*.read.timezone": (str,),
    "report.chromium": (str,),
    "period.start": (dt.date,),
    "period.end": (dt.date,),
    "program.launch_date": (dt.date,),
    "program.benefit_change_date": (dt.date,),
    "clv.calibration_end": (dt.date,),
    "run.kernel_name": (str,),
    "run.scheduler": (str,),
    "uplift.region_launch_dates": (dict,),
    "uplift.campaign_costs": (dict,),
    "uplift.cost_per_contact": (float, int),
    "portfolio.currency": (str,),
    "portfolio.fx": (dict,),
}

# Keys whose value may be a word or a number (the default is the word).
MIXED_TYPES: dict[str, tuple[type, ...]] = {
    "run.kernels": (str, int),  # "auto" or how many kernels
}

CHOICES: dict[str, tuple[Any, ...]] = {
    "language": ("en", "ru"),
    "clv.time_unit": ("D", "W"),
    "uplift.matching": ("nearest", "propensity"),
}

# Free-form maps: client column names -> canonical names, client codes -> canonical codes.
FREE_FORM = re.compile(r"^data\.[a-z_]+\.(columns|values)$")


class UnknownSection(ValueError):
    """--only named a section that has no notebook."""


class ConfigError(ValueError):
    """A client config that cannot be used; the message names the file and the key's path."""


def project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` (default: cwd) that holds config/defaults.yaml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "config" / "defaults.yaml").is_file():
            return folder
    raise ConfigError(f"no config/defaults.yaml found in {here} or any folder above it")


def client_config_path(project_dir: Path, client: str) -> Path:
    return Path(project_dir) / "config" / "clients" / f"{client}.yaml"


def list_clients(project_dir: Path) -> list[str]:
    """Slugs of every config/clients/*.yaml, sorted."""
    return sorted(p.stem for p in (Path(project_dir) / "config" / "clients").glob("*.yaml"))


def load_config(project_dir: Path, client: str) -> dict[str, Any]:
    """Merged, validated config of `client` with dates as ISO strings and `client` set to its slug."""
    project_dir = Path(project_dir)
    defaults = _read_yaml(project_dir / "config" / "defaults.yaml")
    path = client_config_path(project_dir, client)
    if not path.is_file():
        known = ", ".join(list_clients(project_dir)) or "none"
        raise ConfigError(f"no config for client {client!r}: {path} does not exist (known: {known})")
    overrides = _read_yaml(path)
    merged = merge(defaults, overrides, source=path)
    merged["client"] = client
    return merged


def merge(defaults: dict[str, Any], overrides: dict[str, Any], source: Path | str) -> dict[str, Any]:
    """Deep-merge `overrides` into a copy of `defaults`, refusing unknown keys and wrong types."""
    merged = copy.deepcopy(defaults)
    _merge_into(merged, overrides, path="", source=str(source))
    _check_choices(merged, source=str(source))
    return _normalise_dates(merged)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys, got {type(data).__name__}")
    return data


def _generic(path: str) -> str:
    """data.points.read.sep -> data.*.read.sep, so per-table keys share one rule."""
    parts = path.split(".")
    if len(parts) >= 3 and parts[0] == "data" and parts[1] in TABLES:
        parts[1] = "*"
    return ".".join(parts)


def _merge_into(target: dict[str, Any], overrides: dict[str, Any], path: str, source: str) -> None:
    for key, value in overrides.items():
        key_path = f"{path}.{key}" if path else str(key)
        if FREE_FORM.match(path):
            target[key] = value
            continue
        if key not in target:
            if not _is_per_table_read_key(key_path):
                known = ", ".join(sorted(map(str, target))) or "(none)"
                raise ConfigError(f"{source}: unknown key {key_path!r} (known keys here: {known})")
            target[key] = _READ_KEYS[key]
        default = target[key]
        if FREE_FORM.match(key_path):
            _check_free_form(value, key_path, source)
            target[key] = copy.deepcopy(value)
        elif isinstance(default, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: {key_path!r} must be a mapping, got {value!r}")
            _merge_into(default, value, key_path, source)
        else:
            _check_type(value, default, key_path, source)
            target[key] = value


def _is_per_table_read_key(key_path: str) -> bool:
    """A per-table `read` block starts empty: its keys are those of `data.read`."""
    match = re.fullmatch(r"data\.([a-z_]+)\.read\.([a-z_]+)", key_path)
    return bool(match) and match.group(1) in TABLES and match.group(2) in _READ_KEYS


# Defaults of per-table read options, for the type check (null ones use NULLABLE_TYPES).
_READ_KEYS: dict[str, Any] = {
    "sep": ",",
    "decimal": ".",
    "thousands": None,
    "encoding": "utf-8",
    "date_format": None,
    "header_row": 0,
    "sheet": None,
    "timezone": None,
}


def _check_free_form(value: Any, key_path: str, source: str) -> None:
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: {key_path!r} must be a mapping, got {value!r}")
    leaf_is_map = key_path.endswith(".values")
    for name, target in value.items():
        if leaf_is_map:
            if not isinstance(target, dict):
                raise ConfigError(
                    f"{source}: {key_path}.{name} must map client codes to canonical codes, got {target!r}"
                )
        elif not isinstance(target, str):
            raise ConfigError(
                f"{source}: {key_path}.{name} must be a canonical column name (text), got {target!r}"
            )


def _type_names(types: tuple[type, ...]) -> str:
    names = {dt.date: "a date (YYYY-MM-DD)", str: "text", int: "an integer", float: "a number",
             bool: "true/false", dict: "a mapping"}
    shown = [t for t in types if not (t is int and float in types)]  # an int is a number too
    return " or ".join(names.get(t, t.__name__) for t in shown)


def _check_type(value: Any, default: Any, key_path: str, source: str) -> None:
    if value is None:
        return  # null always means "not set / use the data's own value"
    if key_path in MIXED_TYPES:
        types = MIXED_TYPES[key_path]
    elif default is None:
        types = NULLABLE_TYPES.get(key_path) or NULLABLE_TYPES.get(_generic(key_path))
        if types is None:
            return
    elif isinstance(default, bool):
        types = (bool,)
    elif isinstance(default, int):
        types = (int,)
    elif isinstance(default, float):
        types = (float, int)
    else:
        types = (type(default),)
    if dt.date in types and isinstance(value, str):
        try:
            dt.date.fromisoformat(value)
            return
        except ValueError:
            pass
    ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
    if not ok:
        raise ConfigError(
            f"{source}: {key_path!r} must be {_type_names(types)}, got {value!r} "
            f"({type(value).__name__})"
        )


def _check_choices(config: dict[str, Any], source: str) -> None:
    for key_path, choices in CHOICES.items():
        value = get(config, key_path)
        if value not in choices:
            raise ConfigError(
                f"{source}: {key_path!r} must be one of {', '.join(map(str, choices))}, got {value!r}"
            )
    kernels = get(config, "run.kernels", "auto")
    whole = isinstance(kernels, int) and not isinstance(kernels, bool)
    if kernels != "auto" and not (whole and kernels >= 1):
        raise ConfigError(f"{source}: 'run.kernels' must be auto or a whole number >= 1, got {kernels!r}")


def _normalise_dates(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _normalise_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise_dates(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def get(config: dict[str, Any], key_path: str, default: Any = None) -> Any:
    """config value at a dotted path, e.g. get(cfg, "program.point_value")."""
    node: Any = config
    for part in key_path.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


def as_timestamp(value: str | dt.date | None) -> pd.Timestamp | None:
    """An ISO date string from the config as a pandas Timestamp (None stays None)."""
    return None if value is None else pd.Timestamp(value)


def write_config(config: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")


def read_config(path: Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))
