"""The cleaning rules' settings object (issue #15: settings instead of long parameter lists)."""

import pandas as pd

from {{ cookiecutter.package_name }}.ingest.clean import CleaningRules, clean_transactions


def checks() -> pd.DataFrame:
    return pd.DataFrame({
        "date": pd.to_datetime(["2023-12-31", "2024-01-01", "2024-01-01", "2024-06-30", "2024-07-20"]),
        "amount": [5.0, 10.0, 10.0, 7.0, 3.0],
        "customer_id": pd.array(["a", "b", "b", "c", None], dtype="string"),
    })


def test_rules_from_config_read_the_period_and_the_quality_block():
    config = {"period": {"start": "2024-01-01", "end": "2024-06-30"},
              "quality": {"future_tolerance_days": 3, "drop_duplicates": False, "drop_future": True}}
    rules = CleaningRules.from_config(config)
    assert rules == CleaningRules(period_start=pd.Timestamp("2024-01-01"),
                                  period_end=pd.Timestamp("2024-06-30"), future_tolerance_days=3,
                                  drop_duplicates=False, drop_future=True)
    assert CleaningRules.from_config({"period": {"start": None, "end": None},
                                      "quality": {"future_tolerance_days": 1, "drop_duplicates": True,
                                                  "drop_future": True}}) == CleaningRules()


def test_default_rules_take_the_data_range_and_drop_duplicates_and_future_checks():
    result = clean_transactions(checks(), today=pd.Timestamp("2024-07-01"))
    assert result.period == (pd.Timestamp("2023-12-31"), pd.Timestamp("2024-06-30"))
    counts = result.counts
    assert (counts["duplicates"], counts["future_dated"], counts["outside_period"]) == (1, 1, 0)
    assert result.removed == 2 and result.counts["rows_kept"] == 3


def test_rules_set_the_period_and_what_is_dropped():
    rules = CleaningRules(period_start=pd.Timestamp("2024-01-01"), period_end=pd.Timestamp("2024-12-31"),
                          future_tolerance_days=30, drop_duplicates=False, drop_future=False)
    result = clean_transactions(checks(), today=pd.Timestamp("2024-07-01"), rules=rules)
    assert result.period == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))
    counts = result.counts
    assert (counts["duplicates"], counts["future_dated"], counts["outside_period"]) == (1, 0, 1)
    assert result.removed == 1 and result.counts["rows_kept"] == 4
