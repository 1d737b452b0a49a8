"""Read, validate and clean a client's inputs once, and cache the canonical tables as Parquet.

The cache lives in data/interim/<client>/ (git-ignored, like all data) and is keyed by the sha256 of
every input file, the config blocks that shape the tables, and the package version: an unchanged
client is never parsed twice, and notebooks opened in JupyterLab read the same tables as the last run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .. import __version__
from ..config import TABLES
from ..core.conditions import record_facts
from ..core.memory import release_arrow_pool
from .clean import CleaningRules, clean_transactions
from .consistency import consistency_counts
from .read import input_files, load_all, sha256_of
from .streamed import prepare_streamed, streams

CACHE_FORMAT = 3  # 3: prepared.json records the requirement facts


@dataclass
class Prepared:
    """Where the cleaned tables are and what went into them."""

    cache_dir: Path
    key: str
    inputs: dict[str, dict[str, Any]]
    rows_read: dict[str, int | None]
    cleaning: dict[str, int]
    rejected_rows: int
    period: tuple[str, str]
    reused: bool = False
    lines: dict[str, Any] | None = None  # receipt lines: read, checks, per_check, conflicts (lines.py)

    def table(self, name: str) -> pd.DataFrame | None:
        path = self.cache_dir / f"{name}.parquet"
        return pd.read_parquet(path) if path.is_file() else None

    @property
    def period_timestamps(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        return pd.Timestamp(self.period[0]), pd.Timestamp(self.period[1])


def cache_dir_for(project_dir: Path, client: str) -> Path:
    return Path(project_dir) / "data" / "interim" / client


def input_hashes(project_dir: Path, config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """table -> {path (relative), sha256, bytes} for every configured input file."""
    hashes = {}
    for table, path in input_files(project_dir, config).items():
        exists = path.is_file()
        hashes[table] = {
            "path": os.path.relpath(path, project_dir),
            "sha256": sha256_of(path) if exists else None,
            "bytes": path.stat().st_size if exists else None,
        }
    return hashes


def cache_key(inputs: dict[str, dict[str, Any]], config: dict[str, Any], today: str) -> str:
    shaping = {"inputs": inputs, "data": config["data"], "period": config["period"],
               "quality": config["quality"], "version": __version__, "format": CACHE_FORMAT,
               "today": today}
    return hashlib.sha256(json.dumps(shaping, sort_keys=True, default=str).encode()).hexdigest()


def prepare(project_dir: Path, config: dict[str, Any], today: pd.Timestamp | None = None,
            force: bool = False) -> Prepared:
    """Cleaned canonical tables of the client in `config`, from cache when the inputs are unchanged.

    Raises DataError (file, column, examples) before anything is written when an input is bad.
    """
    project_dir = Path(project_dir)
    today = (today or pd.Timestamp.now()).normalize()
    inputs = input_hashes(project_dir, config)
    key = cache_key(inputs, config, today.date().isoformat())
    cache_dir = cache_dir_for(project_dir, config["client"])
    meta_path = cache_dir / "prepared.json"
    if not force and meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("key") == key:
            return Prepared(cache_dir=cache_dir, reused=True, **_fields(meta))

    if streams(project_dir, config):  # a big transactions file: never held in memory (streamed.py)
        meta = prepare_streamed(project_dir, config, today, key, inputs, cache_dir)
        return Prepared(cache_dir=cache_dir, **_fields(meta))

    reading: dict[str, int] = {}
    lines: dict[str, Any] = {}
    tables = load_all(project_dir, config, reading, lines)
    rows_read = {name: (None if frame is None else int(len(frame))) for name, frame in tables.items()}
    if lines:
        rows_read["transactions"] = lines["read"]  # rows of the file: its receipt lines
    cleaned = clean_transactions(
        tables["transactions"], today=today, rules=CleaningRules.from_config(config),
        consume=True,  # the checks as read are not needed again: do not hold them twice
    )
    tables["transactions"] = cleaned.transactions
    release_arrow_pool()
    counts = {**cleaned.counts, **consistency_counts(tables), **reading}
    release_arrow_pool()
    start, end = cleaned.period
    meta = {
        "key": key, "inputs": inputs, "rows_read": rows_read, "cleaning": counts,
        "rejected_rows": cleaned.removed, "period": [start.date().isoformat(), end.date().isoformat()],
        "lines": lines or None,
        # what the sections' requirement checks need, for those that do not load a big client's checks
        "requirements": record_facts(tables).to_json(),
    }
    _write_atomically(cache_dir, tables, meta)
    return Prepared(cache_dir=cache_dir, **_fields(meta))


def _fields(meta: dict[str, Any]) -> dict[str, Any]:
    return {"key": meta["key"], "inputs": meta["inputs"], "rows_read": meta["rows_read"],
            "cleaning": meta["cleaning"], "rejected_rows": meta["rejected_rows"],
            "period": tuple(meta["period"]), "lines": meta.get("lines")}


def _write_atomically(cache_dir: Path, tables: dict[str, pd.DataFrame | None],
                      meta: dict[str, Any]) -> None:
    """Write into a sibling temporary folder, then swap it in, so readers never see half a cache."""
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{cache_dir.name}-", dir=cache_dir.parent))
    for name in TABLES:
        if tables.get(name) is not None:
            tables[name].to_parquet(staging / f"{name}.parquet", index=False)
    (staging / "prepared.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    old = cache_dir.with_name(f".{cache_dir.name}-old-{os.getpid()}")
    if cache_dir.exists():
        cache_dir.rename(old)
    staging.rename(cache_dir)
    shutil.rmtree(old, ignore_errors=True)
