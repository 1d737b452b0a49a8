"""Section settings read from the config: the generic reader by hand, and every section's defaults equal
to config/defaults.yaml (the one place defaults are documented), so the two cannot drift apart."""

from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path

import pandas as pd
import pytest
import yaml

from {{ cookiecutter.package_name }}.config import get
from {{ cookiecutter.package_name }}.core.settings import ConfigBlock, setting
from {{ cookiecutter.package_name }}.sections.registry import registered

PROJECT = Path(__file__).resolve().parents[2]
DEFAULTS = yaml.safe_load((PROJECT / "config" / "defaults.yaml").read_text(encoding="utf-8"))
SECTIONS = [section.key for section in registered()]
PACKAGE = registered.__module__.split(".")[0]


def settings_of(key: str) -> type[ConfigBlock]:
    return importlib.import_module(f"{PACKAGE}.sections.{key}").Settings


@dataclasses.dataclass(frozen=True)
class Fees(ConfigBlock, block="shop.fees"):
    card: float = 0.01


@dataclasses.dataclass(frozen=True)
class Shop(ConfigBlock, block="shop"):
    opened: pd.Timestamp | None = None
    tills: int = 2
    cash: bool = True
    sizes: tuple[float, ...] = (1.0,)
    limit: int | None = 10
    rent: float = setting(5.0, null=0.0)
    margin: float = setting(0.3, key="finance.margin", null=1.0)
    hours: int = setting(8, key="opening_hours")
    fees: Fees = dataclasses.field(default_factory=Fees)


def test_every_section_reads_its_block_and_defaults_to_defaults_yaml():
    assert SECTIONS == ["data_quality", "program", "rfm", "retention", "clv", "uplift"]
    for key in SECTIONS:
        cls = settings_of(key)
        assert cls.block == {"data_quality": "quality"}.get(key, key)
        paths = cls.config_keys()
        missing = [path for path in paths.values() if get(DEFAULTS, path, KeyError) is KeyError]
        assert not missing, f"{key}: fields read from keys that defaults.yaml lacks: {missing}"
        assert cls.from_config(DEFAULTS) == cls(), f"{key}: a Settings() default differs from defaults.yaml"


def test_the_keys_sections_read_from_other_blocks():
    assert settings_of("clv").config_keys()["gross_margin"] == "program.gross_margin"
    assert settings_of("clv").config_keys()["rfm_bins"] == "rfm.bins"
    assert settings_of("program").config_keys()["anomaly_window"] == "program.share_anomaly_window_months"
    assert settings_of("uplift").config_keys()["program.monthly_cost"] == "program.monthly_cost"


def test_values_are_converted_by_the_field_types():
    shop = Shop.from_config({"shop": {"opened": "2024-03-01T10:00:00+03:00", "tills": "3", "cash": 0,
                                      "sizes": [1, 2], "limit": "7", "opening_hours": 10, "unknown": 1,
                                      "fees": {"card": 2}},
                             "finance": {"margin": "0.25"}})
    assert shop == Shop(pd.Timestamp("2024-03-01 10:00"), 3, False, (1.0, 2.0), 7, 5.0, 0.25, 10, Fees(2.0))
    assert isinstance(shop.sizes[0], float) and isinstance(shop.fees.card, float)


def test_missing_keys_keep_the_defaults_and_null_means_not_set():
    assert Shop.from_config(None) == Shop.from_config({"shop": {}}) == Shop()
    nulls = Shop.from_config({"shop": {"opened": None, "tills": None, "sizes": None, "limit": None,
                                       "rent": None, "opening_hours": None},
                              "finance": {"margin": None}})
    # a field that may be None becomes None; another keeps its default, or the value its null means
    assert nulls == Shop(opened=None, tills=2, sizes=(1.0,), limit=None, rent=0.0, margin=1.0, hours=8)
    assert Shop.from_config({"shop": {"opened": " "}}).opened is None


@pytest.mark.parametrize("key", SECTIONS)
def test_a_client_value_reaches_the_section(key):
    """Each field of each section takes a client's value of its key (not only its default)."""
    cls = settings_of(key)
    for name, path in cls.config_keys().items():
        if "." in name:
            continue  # a nested block's field: read by its own class
        default = getattr(cls(), name)
        if not isinstance(default, (int, float)) or isinstance(default, bool):
            continue
        config = yaml.safe_load(yaml.safe_dump(DEFAULTS))
        block, _, last = path.rpartition(".")
        get(config, block)[last] = default + 1
        assert getattr(cls.from_config(config), name) == default + 1, f"{key}.{name} from {path}"
