"""What a notebook sees: the client's config and tables, and the helpers that record its results.

In a pipeline run papermill passes `run_dir` (the bundle being written): config, tables and results
go through that folder. Opened in JupyterLab with the parameters cell's defaults (`run_dir = ""`), the
same notebook reads the cached tables (preparing them first if needed) and shows everything without
writing a bundle, so a consultant can edit and re-run a single section.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from ..config import load_config, project_root, read_config
from ..core.memory import limit_arenas, release_freed
from ..engine.budget import available_cores
from ..sections.steps import Chart, Say, Skip, Step, Table
from ..text import catalogue, common
from ..text.catalogue import DEFAULT_LANGUAGE, Text
from ..text.formats import format_number, format_percent

if TYPE_CHECKING:
    from ..ingest.prepare import Prepared

# Working files of a run inside its bundle folder; removed when the bundle is complete.
PARTS = ".parts"
RUN_FILE = "run.json"
# Output metadata of a shown table or chart: what it was saved as ("tables/<name>", "figures/<name>"),
# so the report can leave out what a section that failed saved before failing.
SAVED_AS = "saved_as"


def open_run(client: str = "demo", run_dir: str = "", project_dir: str | None = None) -> RunContext:
    """The context of `client`: inside a pipeline run when `run_dir` is set, interactive otherwise."""
    limit_arenas()  # before any thread of a section allocates (buckets and folds side by side)
    if run_dir:
        folder = Path(run_dir)
        run = json.loads((folder / PARTS / RUN_FILE).read_text(encoding="utf-8"))
        config = read_config(folder / PARTS / "config.json")
        context = RunContext(config, Path(run["cache_dir"]), tuple(run["period"]), folder)
        context.threads = int(run.get("threads", 1))
        return context
    from ..ingest.prepare import prepare  # reading raw files is only needed outside a run

    root = project_root(Path(project_dir) if project_dir else None)
    config = load_config(root, client)
    _make_demo_data_if_missing(root, config)
    prepared = prepare(root, config)
    return RunContext(config, prepared.cache_dir, prepared.period, None, prepared)


def _make_demo_data_if_missing(project: Path, config: dict[str, Any]) -> None:
    """The demo client's data is synthetic: make it on first use, so a fresh checkout opens in Lab."""
    transactions = config["data"]["transactions"]["path"]
    if config["client"] == "demo" and transactions and not (project / transactions).is_file():
        from ..synthetic import generate

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


def _read_table(path: Path, columns: Sequence[str] | None, categories: Sequence[str]) -> pd.DataFrame:
    """The Parquet table at `path`: `columns` of it (those it has; None: all), `categories` as such."""
    names = pq.read_schema(path).names
    wanted = names if columns is None else [c for c in columns if c in names]
    return pd.read_parquet(path, columns=wanted, read_dictionary=[c for c in categories if c in wanted])


# pandas >= 3 always copies on write; pandas 2 only with the option set
_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3 or pd.options.mode.copy_on_write is True


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
        self._tables: dict[Any, pd.DataFrame | None] = {}
        # cores this kernel may use: the runner shares the machine's among the kernels it runs side by
        # side (run.json); opened in Lab, all of them
        self.threads = available_cores()

    @property
    def client(self) -> str:
        return self.config["client"]

    @property
    def language(self) -> str:
        return self.config["language"]

    @property
    def interactive(self) -> bool:
        return self.run_dir is None

    def table(self, name: str, columns: Sequence[str] | None = None,
              categories: Sequence[str] = ()) -> pd.DataFrame | None:
        """A cleaned canonical table (a fresh copy), or None when the client did not provide it.
        `columns`: only those of them the table has, read (and kept) apart from the whole table;
        `categories`: text columns read as categories. A section that needs a few columns of a big
        table asks for them (a 100M client's points ledger is 1.1 GiB whole, 0.4 GiB as date, kind
        and points with the kind as a category).

        With copy-on-write (pandas >= 3) the copy shares the cached data until either is modified,
        so asking again costs no memory (a deep copy of ten million checks is a gigabyte)."""
        key = name if columns is None and not categories else (
            name, None if columns is None else tuple(columns), tuple(categories))
        if key not in self._tables:
            path = self.cache_dir / f"{name}.parquet"
            self._tables[key] = _read_table(path, columns, categories) if path.is_file() else None
            release_freed()  # the reader's buffers: 0.5 GiB of a 100M client's customers and points
        frame = self._tables[key]
        return None if frame is None else frame.copy(deep=not _COPY_ON_WRITE)

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

    def t(self, template: str, /, **fields: Any) -> str:
        """An unregistered `template` (English; a notebook's own text) in the run's language with
        `fields` filled in, numbers, money and dates in the language's format. Sections name catalogue
        texts instead (`Step.say`, `render`); the old translation table is used while it exists."""
        return _sentence(template, self.language, self.config.get("currency", ""), **fields)

    def show_table(self, frame: pd.DataFrame, name: str, caption: str = "", max_rows: int = 40,
                   export: bool = False) -> None:
        """Show a table (its first `max_rows` rows) and keep all of it for tables.xlsx (sheet `name`;
        `export`: for exports/<name>.csv, see `report.xlsx`).
        In a Russian run the caption, column names and label values that are catalogue labels
        (`text.catalogue.label`) are translated, in the report and in tables.xlsx alike."""
        self._check_name(name)
        language = self.language
        caption = _word(caption, language)
        if self.run_dir is not None:
            folder = self.run_dir / PARTS / "tables"
            folder.mkdir(exist_ok=True)
            translate_frame(frame, language, name).to_parquet(folder / f"{name}.parquet")
            meta = folder / f"{name}.json"
            meta.write_text(json.dumps({"caption": caption, "export": export}, ensure_ascii=False),
                            encoding="utf-8")
        shown = frame.head(max_rows)
        note = (" " + self.render(Text(common.FIRST_ROWS, {"shown": max_rows, "rows": len(frame)}))
                if len(frame) > max_rows else "")
        _display_html(_table_html(shown, caption + note, language, name), {SAVED_AS: f"tables/{name}"})

    def show_figure(self, figure: Any, name: str, caption: str = "") -> None:
        """Save a matplotlib figure as figures/<name>.png, show it, and close it. In a Russian run its
        words and the caption are translated first (`translate_figure`)."""
        import matplotlib.pyplot as plt

        self._check_name(name)
        translate_figure(figure, self.language, name)
        png = _figure_png(figure)  # rendered once: the same bytes are saved and shown
        if self.run_dir is not None:
            folder = self.run_dir / "figures"
            folder.mkdir(exist_ok=True)
            (folder / f"{name}.png").write_bytes(png)
        _display_figure(png, _word(caption, self.language), {SAVED_AS: f"figures/{name}"})
        plt.close(figure)

    def say(self, markdown_text: str, /, **fields: Any) -> None:
        """A sentence of interpretation, shown as markdown in the notebook and the report. The text is
        an English template, filled in as by `t` (sections use `Step.say` with a catalogue name)."""
        self._markdown(self.t(markdown_text, **fields) if fields else _word(markdown_text, self.language))

    def skip(self, reason: str, /, **fields: Any) -> None:
        """Say that (part of) the section is skipped and why; the run carries on. `reason` and `fields`
        as in `say`."""
        reason = self.t(reason, **fields) if fields else _word(reason, self.language)
        self._markdown(self.render(Text(common.SKIPPED, {"reason": reason})))

    def render(self, text: Text) -> str:
        """A catalogue text (`text.Text`) in the run's language and currency."""
        return text.render(self.language, self.config.get("currency", ""))

    def show(self, step: Step) -> None:
        """Show what a section's step gave, in order: tables, charts, sentences, skip reasons."""
        for item in step.items:
            if isinstance(item, Table):
                self.show_table(item.frame, item.name, self.render(item.caption), item.max_rows, item.export)
            elif isinstance(item, Chart):
                self.show_figure(item.draw(), item.name, self.render(item.caption))
            elif isinstance(item, Say):
                self._markdown(self.render(item.text))
            elif isinstance(item, Skip):
                self._markdown(self.render(Text(common.SKIPPED, {"reason": item.reason})))
        release_freed()  # the step's working frames are garbage now (core.memory): the next starts lower

    @staticmethod
    def _markdown(text: str) -> None:
        from IPython.display import Markdown, display

        display(Markdown(text))

    @staticmethod
    def _check_name(name: str) -> None:
        if not _NAME.match(name):
            raise ValueError(f"table/figure name {name!r} must be lowercase letters, digits, underscores")


def _is_share(column: object) -> bool:
    name = str(column).lower()
    return any(word in name for word in ("share", "rate", "_pct", "uplift"))


MAX_LABELS = 1000  # a text column with more distinct values holds ids (customers), not labels


def _word(value: Any, language: str, context: str = "") -> Any:
    """A label (a column name, a label value, a word on a chart) in `language`: the catalogue's label
    (`text.catalogue.label`, the entry ``"<context>:<word>"`` first)."""
    return catalogue.label(value, language, context)


def _sentence(template: str, language: str, currency: str, /, **fields: Any) -> str:
    """An ad-hoc `template` (a notebook's own text) filled in the language's formats."""
    return catalogue.format_template(template, language, currency, **fields)


def translate_frame(frame: pd.DataFrame, language: str, context: str = "") -> pd.DataFrame:
    """A copy of `frame` with its column names and the label values of its text columns (segment
    names, groups, rules, ...) in `language`, wherever they are catalogue labels (entries of the table
    `context` first, see `text.catalogue.label`); numbers untouched. English: `frame` itself."""
    if language == DEFAULT_LANGUAGE:
        return frame
    out = frame.copy()
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        dtype = values.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            categories = dtype.categories
            renamed = [_word(c, language, context) for c in categories]
            if len(set(renamed)) == len(renamed) and list(renamed) != list(categories):
                out.isetitem(position, values.cat.rename_categories(renamed))
        elif pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype):
            labels = pd.unique(values.dropna())
            if len(labels) > MAX_LABELS:
                continue  # ids, not labels
            mapping = {v: _word(v, language, context) for v in labels}
            mapping = {k: v for k, v in mapping.items() if v is not k}
            if mapping:
                out.isetitem(position, values.map(lambda v, m=mapping: m.get(v, v)))
    names = [_word(c, language, context) for c in frame.columns]
    if len(set(map(str, names))) == len(names):
        out.columns = names
    return out


def _locale_formats(frame: pd.DataFrame, language: str) -> dict[object, object]:
    """The number and date format of each column, chosen by the English column names."""

    def english(pattern: str, ru_format: Any) -> object:
        return pattern if language == DEFAULT_LANGUAGE else ru_format

    formats: dict[object, object] = {}
    for column in frame.columns:
        dtype = frame[column].dtype
        if pd.api.types.is_bool_dtype(dtype):
            if language != DEFAULT_LANGUAGE:
                formats[column] = lambda v: _word("yes" if v else "no", language)
            continue
        if pd.api.types.is_numeric_dtype(dtype):
            if _is_share(column):
                formats[column] = english("{:.1%}", lambda v: format_percent(v, language))
            elif pd.api.types.is_integer_dtype(dtype) or frame[column].dropna().mod(1).eq(0).all():
                formats[column] = english("{:,.0f}", lambda v: format_number(v, language))
            else:
                formats[column] = english("{:,.2f}", lambda v: format_number(v, language, 2))
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            has_time = (frame[column].dropna() != frame[column].dropna().dt.normalize()).any()
            formats[column] = "{:%Y-%m-%d %H:%M}" if has_time else "{:%Y-%m-%d}"
    return formats


def format_table(frame: pd.DataFrame, language: str = DEFAULT_LANGUAGE,
                 context: str = "") -> pd.io.formats.style.Styler:
    """Readable numbers: shares and rates as percentages, thousands separated, dates without 00:00;
    column names and label values in `language` (`translate_frame`), numbers in its format."""
    formats = _locale_formats(frame, language)
    shown = translate_frame(frame, language, context)
    if shown is not frame:
        renamed = dict(zip(frame.columns, shown.columns, strict=True))
        formats = {renamed[column]: pattern for column, pattern in formats.items()}
    numeric = [c for c in shown.columns if pd.api.types.is_numeric_dtype(shown[c].dtype)]
    return (shown.style.hide(axis="index").format(formats, na_rep="—")
            .set_table_attributes('class="data"')
            .set_properties(subset=numeric, **{"text-align": "right"}))


def _table_html(frame: pd.DataFrame, caption: str, language: str = DEFAULT_LANGUAGE,
                context: str = "") -> str:
    return ((f"<p class='caption'>{caption}</p>" if caption else "")
            + format_table(frame, language, context).to_html())


def translate_figure(figure: Any, language: str, context: str = "") -> None:
    """Put the figure's words (titles, axis labels, tick labels, legend entries) into `language`, where
    they are catalogue labels (entries of the figure `context` first, see `text.catalogue.label`);
    numbers, dates and unknown texts stay as drawn."""
    if language == DEFAULT_LANGUAGE:
        return
    from matplotlib.text import Text

    figure.canvas.draw()  # tick labels exist only once drawn
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            labels = axis.get_ticklabels()
            words = [label.get_text() for label in labels]
            translated = [_word(word, language, context) for word in words]
            if translated != words:
                axis.set_ticks(axis.get_ticklocs(), translated)
    for artist in figure.findobj(Text):
        words = artist.get_text()
        translated = _word(words, language, context)
        if translated != words:
            artist.set_text(translated)


def _display_html(html: str, metadata: dict[str, str] | None = None) -> None:
    from IPython.display import HTML, display

    display(HTML(html), metadata=metadata)


FIGURE_DPI = 110


def _figure_png(figure: Any) -> bytes:
    """The figure as PNG bytes (110 dpi): drawn once, saved and shown.

    A figure with a layout engine (constrained layout: the kpis and clv charts) already fits its
    labels; figures without one are cropped to their tight bounding box. `savefig` alone would draw
    either kind twice: once without output to lay it out or to measure it, then for real. Here the
    layout (or the bounding box) is computed directly, then the figure is drawn once; and date
    axes get their ticks fixed once computed (matplotlib would rebuild them with dateutil's rrule
    every time an axis is measured or drawn, a few dozen times per figure). Same pixels as `savefig`
    with bbox_inches="tight" or the layout engine, in about two thirds of the time.
    """
    import io

    import matplotlib as mpl

    _freeze_date_ticks(figure)
    figure.set_dpi(FIGURE_DPI)
    engine = figure.get_layout_engine()
    bbox = None
    if engine is not None:
        engine.execute(figure)
        with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
            figure.set_layout_engine(None)  # laid out: savefig must not do it again
    elif hasattr(figure.canvas, "get_renderer"):  # Agg canvases (inline, Agg backends)
        renderer = figure.canvas.get_renderer()
        bbox = figure.get_tightbbox(renderer).padded(mpl.rcParams["savefig.pad_inches"])
    else:
        bbox = "tight"
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches=bbox)
    return buffer.getvalue()


def _freeze_date_ticks(figure: Any) -> None:
    """Replace the automatic date ticks of every axis by the ticks and labels they give now (the
    data limits are final once a chart is built): the same ticks, computed once."""
    from matplotlib.dates import AutoDateLocator
    from matplotlib.ticker import FixedFormatter, FixedLocator

    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            locator = axis.get_major_locator()
            if isinstance(locator, AutoDateLocator):
                ticks = locator()
                labels = axis.get_major_formatter().format_ticks(ticks)
                axis.set_major_locator(FixedLocator(ticks))
                axis.set_major_formatter(FixedFormatter(labels))


def _display_figure(png: bytes, caption: str, metadata: dict[str, str] | None = None) -> None:
    """Show PNG bytes whatever matplotlib backend is active (papermill, JupyterLab, Agg)."""
    from IPython.display import Image, display

    if caption:
        _display_html(f"<p class='caption'>{caption}</p>")
    display(Image(data=png, format="png"), metadata=metadata)
