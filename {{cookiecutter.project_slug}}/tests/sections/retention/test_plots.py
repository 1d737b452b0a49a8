"""Retention charts: the cohort heatmap looks exactly like seaborn's."""

import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from PIL import Image

from {{ cookiecutter.package_name }}.core.plots import new_figure
from {{ cookiecutter.package_name }}.run.context import _figure_png
from {{ cookiecutter.package_name }}.sections.retention.plots import cohort_heatmap


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_cohort_heatmap_draws_what_seaborn_draws():
    """cohort_heatmap replaces the notebook's seaborn.heatmap call (faster: no extra draw of
    the whole figure): the same image, cell labels, colours and ticks included."""
    rng = np.random.default_rng(3)
    values = rng.random((6, 6))
    values[:, 0] = 1.0
    rows, columns = np.indices(values.shape)
    values[columns > 5 - rows] = np.nan  # months not observed yet
    matrix = pd.DataFrame(values, index=pd.Index([f"2024-{m:02d}" for m in range(1, 7)], name="cohort"),
                          columns=[str(c) for c in range(6)])
    figure, axes = new_figure(11, 0.32 * len(matrix) + 1.5)
    sns.heatmap(matrix, annot=True, fmt=".0%", cmap="Blues", robust=True, cbar=False,
                annot_kws={"size": 6}, ax=axes)
    axes.grid(False)
    axes.set(xlabel="months since the first purchase", ylabel="cohort")
    expected = _figure_png(figure)
    plt.close(figure)
    figure = cohort_heatmap(matrix, "Blues")
    drawn = _figure_png(figure)
    plt.close(figure)
    assert len(figure.axes[0].texts) == int(np.isfinite(values).sum())
    assert np.array_equal(pixels(drawn), pixels(expected))
