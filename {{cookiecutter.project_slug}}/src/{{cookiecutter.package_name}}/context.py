"""What a notebook sees: the client's config and tables, and the helpers that record its results.

In a pipeline run papermill passes `run_dir` (the bundle being written): config, tables and results
go through that folder. Opened in JupyterLab with the parameters cell's defaults (`run_dir = ""`), the
same notebook reads the cached tables (preparing them first if needed) and shows everything without
writing a bundle, so a consultant can edit and re-run a single section.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .config import load_config, project_root, read_config

if TYPE_CHECKING:
    from .prepare import Prepared

# Working files of a run inside its bundle folder; removed when the bundle is complete.
PARTS = ".parts"
RUN_FILE = "run.json"


def open_run(client: str = "demo", run_dir: str = "", project_dir: str | None = None) -> RunContext:
    """The context of `client`: inside a pipeline run when `run_dir` is set, interactive otherwise."""
    if run_dir:
        folder = Path(run_dir)
        run = json.loads((folder / PARTS / RUN_FILE).read_text(encoding="utf-8"))
        config = read_config(folder / PARTS / "config.json")
        return RunContext(config, Path(run["cache_dir"]), tuple(run["period"]), folder)
    from .prepare import prepare  # reading raw files is only needed outside a run

    root = project_root(Path(project_dir) if project_dir else None)
    config = load_config(root, client)
    _make_demo_data_if_missing(root, config)
    prepared = prepare(root, config)
    return RunContext(config, prepared.cache_dir, prepared.period, None, prepared)


def _make_demo_data_if_missing(project: Path, config: dict[str, Any]) -> None:
    """The demo client's data is synthetic: make it on first use, so a fresh checkout opens in Lab."""
    transactions = config["data"]["transactions"]["path"]
    if config["client"] == "demo" and transactions and not (project / transactions).is_file():
        from .sample import generate

        generate((project / transactions).parent)


def _plain(value: Any) -> Any:
    """numpy / pandas scalars to JSON-ready Python values; NaN and NaT become None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if value is pd.NaT or value is pd.NA:
        return None
    return value


_NAME = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class RunContext:
    """Config, tables and result recorders of one client's run (or of an interactive session)."""

    def __init__(self, config: dict[str, Any], cache_dir: Path, period: tuple[str, str],
                 run_dir: Path | None, prepared: Prepared | None = None) -> None:
        self.config = config
        self.cache_dir = Path(cache_dir)
        self.period = (pd.Timestamp(period[0]), pd.Timestamp(period[1]))
        self.run_dir = run_dir
        self.prepared = prepared
        self.recorded: dict[str, Any] = {}
        self._tables: dict[str, pd.DataFrame | None] = {}

    @property
    def client(self) -> str:
        return self.config["client"]

    @property
    def language(self) -> str:
        return self.config["language"]

    @property
    def interactive(self) -> bool:
        return self.run_dir is None

    def table(self, name: str) -> pd.DataFrame | None:
        """A cleaned canonical table (a fresh copy), or None when the client did not provide it."""
        if name not in self._tables:
            path = self.cache_dir / f"{name}.parquet"
            self._tables[name] = pd.read_parquet(path) if path.is_file() else None
        frame = self._tables[name]
        return None if frame is None else frame.copy()

    def preparation(self) -> dict[str, Any]:
        """Rows read, cleaning counts and input hashes recorded when the tables were prepared."""
        return json.loads((self.cache_dir / "prepared.json").read_text(encoding="utf-8"))

    # --- results -------------------------------------------------------------------------------
    def record(self, section: str, values: dict[str, Any]) -> None:
        """Headline numbers of a section, merged into kpis.json under `section` by the report step."""
        plain = _plain(values)
        self.recorded[section] = plain
        if self.run_dir is not None:
            folder = self.run_dir / PARTS / "kpis"
            folder.mkdir(exist_ok=True)
            (folder / f"{section}.json").write_text(json.dumps(plain, indent=2, ensure_ascii=False),
                                                    encoding="utf-8")

    def show_table(self, frame: pd.DataFrame, name: str, caption: str = "", max_rows: int = 40) -> None:
        """Show a table (its first `max_rows` rows) and keep all of it for tables.xlsx (sheet `name`)."""
        self._check_name(name)
        if self.run_dir is not None:
            folder = self.run_dir / PARTS / "tables"
            folder.mkdir(exist_ok=True)
            frame.to_parquet(folder / f"{name}.parquet")
            meta = folder / f"{name}.json"
            meta.write_text(json.dumps({"caption": caption}, ensure_ascii=False), encoding="utf-8")
        shown = frame.head(max_rows)
        note = f" (first {max_rows} of {len(frame)} rows)" if len(frame) > max_rows else ""
        _display_html(_table_html(shown, caption + note))

    def show_figure(self, figure: Any, name: str, caption: str = "") -> None:
        """Save a matplotlib figure as figures/<name>.png, show it, and close it."""
        import matplotlib.pyplot as plt

        self._check_name(name)
        if self.run_dir is not None:
            folder = self.run_dir / "figures"
            folder.mkdir(exist_ok=True)
            figure.savefig(folder / f"{name}.png", dpi=110, bbox_inches="tight")
        _display_figure(figure, caption)
        plt.close(figure)

    def say(self, markdown_text: str) -> None:
        """A sentence of interpretation, shown as markdown in the notebook and the report."""
        from IPython.display import Markdown, display

        display(Markdown(markdown_text))

    def skip(self, reason: str) -> None:
        """Say that (part of) the section is skipped and why; the run carries on."""
        self.say(f"**Skipped:** {reason}")

    @staticmethod
    def _check_name(name: str) -> None:
        if not _NAME.match(name):
            raise ValueError(f"table/figure name {name!r} must be lowercase letters, digits, underscores")


def _is_share(column: object) -> bool:
    name = str(column).lower()
    return any(word in name for word in ("share", "rate", "_pct", "uplift"))


def format_table(frame: pd.DataFrame) -> pd.io.formats.style.Styler:
    """Readable numbers: shares and rates as percentages, thousands separated, dates without 00:00."""
    formats: dict[object, object] = {}
    for column in frame.columns:
        dtype = frame[column].dtype
        if pd.api.types.is_bool_dtype(dtype):
            continue
        if pd.api.types.is_numeric_dtype(dtype):
            if _is_share(column):
                formats[column] = "{:.1%}"
            elif pd.api.types.is_integer_dtype(dtype) or frame[column].dropna().mod(1).eq(0).all():
                formats[column] = "{:,.0f}"
            else:
                formats[column] = "{:,.2f}"
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            has_time = (frame[column].dropna() != frame[column].dropna().dt.normalize()).any()
            formats[column] = "{:%Y-%m-%d %H:%M}" if has_time else "{:%Y-%m-%d}"
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c].dtype)]
    return (frame.style.hide(axis="index").format(formats, na_rep="—")
            .set_table_attributes('class="data"')
            .set_properties(subset=numeric, **{"text-align": "right"}))


def _table_html(frame: pd.DataFrame, caption: str) -> str:
    return (f"<p class='caption'>{caption}</p>" if caption else "") + format_table(frame).to_html()


def _display_html(html: str) -> None:
    from IPython.display import HTML, display

    display(HTML(html))


def _display_figure(figure: Any, caption: str) -> None:
    """Show the figure as PNG whatever matplotlib backend is active (papermill, JupyterLab, Agg)."""
    import io

    from IPython.display import Image, display

    if caption:
        _display_html(f"<p class='caption'>{caption}</p>")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    display(Image(data=buffer.getvalue(), format="png"))
