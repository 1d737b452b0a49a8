"""The CSV exports of long tables: what pandas would write, read back, a block of rows at a time."""

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.report import xlsx
from {{ cookiecutter.package_name }}.report.xlsx import write_csv


def test_an_export_reads_back_as_pandas_own_csv_of_the_table_whatever_the_blocks(tmp_path, monkeypatch):
    frame = pd.DataFrame({
        "customer_id": pd.Series(["c,1", 'q"2', None, "Иван", "007"], dtype="string"),
        "clv": [1.0, np.nan, 1e-5, 2.5, 123456789.125],
        "checks": [1, 2, 3, 4, 5],
        "first_day": pd.to_datetime(["2024-01-01", None, "2024-02-03", "2024-01-05", "2024-03-01"]),
        "member": [True, False, True, False, True],
        "segment": pd.Categorical(["Champions", None, "Lost", "Champions", "Lost"]),
    })
    monkeypatch.setattr(xlsx, "CSV_ROWS", 2)  # three blocks
    write_csv(frame, tmp_path / "new.csv")
    frame.to_csv(tmp_path / "pandas.csv", index=False, encoding="utf-8-sig")
    raw = (tmp_path / "new.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    assert raw.decode("utf-8-sig").count("customer_id") == 1  # one header
    text = {"customer_id": "string"}
    got = pd.read_csv(tmp_path / "new.csv", encoding="utf-8-sig", dtype=text)
    expected = pd.read_csv(tmp_path / "pandas.csv", encoding="utf-8-sig", dtype=text)
    pd.testing.assert_frame_equal(got, expected)
    assert got["customer_id"].tolist()[:2] == ["c,1", 'q"2'] and got["customer_id"].isna().tolist()[2]


def test_an_empty_export_has_its_header(tmp_path):
    write_csv(pd.DataFrame({"customer_id": pd.Series([], dtype="string"), "score": []}), tmp_path / "e.csv")
    assert (tmp_path / "e.csv").read_text(encoding="utf-8-sig").splitlines() == ['"customer_id","score"']
