"""Campaign targeting, part 2: per-customer uplift models, cross-fitted.

The learners are scikit-learn's histogram gradient boosting (`HistGradientBoostingRegressor`, missing
values and categories handled natively) composed into meta-learners of the incremental revenue
tau(x) = E[y | x, sent] - E[y | x, not sent], y = the customer's spend in the campaign window:

* T-learner (two models): mu1 fitted on the treatment group, mu0 on the control group;
  tau(x) = mu1(x) - mu0(x).
* X-learner (Kuenzel et al. 2019): the same mu0, mu1; imputed effects D1 = y - mu0(x) on the treated and
  D0 = mu1(x) - y on the controls; tau1 fitted on D1, tau0 on D0;
  tau(x) = g tau0(x) + (1 - g) tau1(x), g = the treated share (the propensity: the control group is
  drawn at random, so it is the same for everyone).
* Response model ("send to the likeliest buyers"): P(buys in the window | x) fitted on the treatment
  group (`HistGradientBoostingClassifier`), for comparison.

Cross-fitting: customers are split into `folds` folds at random within each group; every customer is
scored by models fitted on the other folds only, so the evaluation never sees a customer's own outcome
in the model that ranks them. Outcomes are capped at their 99.5th percentile for fitting (a few very
large baskets would otherwise drive the trees); evaluation uses the raw outcomes.

Every fit runs on one thread (`single_thread`): the runner executes notebooks side by side, one per
core, and OpenMP threads competing for the same cores made a fit ten times slower; and a fit's sums
over threads would add in another order on another machine. A kernel given more cores than one fits
the folds side by side instead (`ModelOptions.threads`; scikit-learn's tree building releases the
GIL), each fold as on one thread: the scores are the same. Predictions of the models once fitted (the
target list's millions of customers) use the kernel's cores (`predicting_on`): a row's score is its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

LEARNERS = ("t_learner", "x_learner")
RESPONSE = "response_model"
CAP_QUANTILE = 0.995


@dataclass(frozen=True)
class ModelOptions:
    """Gradient boosting settings shared by every model (small trees, strong leaves: the outcome is
    noisy and the effect is a small difference of two means)."""

    max_iter: int = 80
    learning_rate: float = 0.05
    max_leaf_nodes: int = 8
    min_leaf_share: float = 0.01
    seed: int = 42
    threads: int = 1  # folds fitted side by side

    def regressor(self, rows: int) -> HistGradientBoostingRegressor:
        return HistGradientBoostingRegressor(
            max_iter=self.max_iter, learning_rate=self.learning_rate, max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=max(20, int(self.min_leaf_share * rows)), l2_regularization=1.0,
            early_stopping=False, categorical_features="from_dtype", random_state=self.seed)

    def classifier(self, rows: int) -> HistGradientBoostingClassifier:
        return HistGradientBoostingClassifier(
            max_iter=self.max_iter, learning_rate=self.learning_rate, max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=max(20, int(self.min_leaf_share * rows)), early_stopping=False,
            categorical_features="from_dtype", random_state=self.seed)


@contextmanager
def single_thread() -> Iterator[None]:
    """OpenMP (scikit-learn's trees) limited to one thread inside the block. OpenMP keeps the limit
    per calling thread, so folds fitted side by side each set their own (a process-wide pool, BLAS,
    would have two threads restoring each other's limit)."""
    with threadpool_limits(limits=1, user_api="openmp"):
        yield


@contextmanager
def predicting_on(threads: int) -> Iterator[None]:
    """OpenMP limited to `threads` inside the block, for predictions only: a fitted model scores each
    row on its own (rows split among the threads), so the scores are the same on any number of them."""
    with threadpool_limits(limits=max(1, threads), user_api="openmp"):
        yield


def _fit(options: ModelOptions, x: pd.DataFrame, y: np.ndarray):
    return options.regressor(len(x)).fit(x, y)


def fit_learners(x: pd.DataFrame, y: np.ndarray, treated: np.ndarray, options: ModelOptions,
                 names: tuple[str, ...] = LEARNERS) -> dict[str, Callable[[pd.DataFrame], np.ndarray]]:
    """Fit the meta-learners `names` (module docstring) on (x, y, treated), sharing mu0 and mu1;
    return tau of each as a function of new rows."""
    unknown = set(names) - set(LEARNERS)
    if unknown:
        raise ValueError(f"unknown learners {sorted(unknown)}")
    mu1 = _fit(options, x[treated], y[treated])
    mu0 = _fit(options, x[~treated], y[~treated])
    out: dict[str, Callable[[pd.DataFrame], np.ndarray]] = {}
    if "t_learner" in names:
        out["t_learner"] = lambda new: mu1.predict(new) - mu0.predict(new)
    if "x_learner" in names:
        tau1 = _fit(options, x[treated], y[treated] - mu0.predict(x[treated]))
        tau0 = _fit(options, x[~treated], mu1.predict(x[~treated]) - y[~treated])
        g = float(treated.mean())
        out["x_learner"] = lambda new: g * tau0.predict(new) + (1.0 - g) * tau1.predict(new)
    return out


def fit_response(x: pd.DataFrame, responded: np.ndarray, options: ModelOptions):
    """P(buys | x) on the treatment rows given; a constant when they all did or none did."""
    if responded.all() or not responded.any():
        share = float(responded.mean()) if responded.size else 0.0
        return lambda new: np.full(len(new), share)
    model = options.classifier(len(x)).fit(x, responded)
    return lambda new: model.predict_proba(new)[:, 1]


def capped(y: np.ndarray) -> np.ndarray:
    """y capped at its CAP_QUANTILE quantile (for fitting only)."""
    return np.minimum(y, np.quantile(y, CAP_QUANTILE)) if y.size else y


def fold_ids(treated: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """A fold number per row, drawn at random within the treatment and the control group."""
    rng = np.random.default_rng(seed)
    out = np.empty(treated.size, dtype=np.int64)
    for group in (treated, ~treated):
        where = np.flatnonzero(group)
        out[rng.permutation(where)] = np.arange(where.size) % folds
    return out


def cross_fit(x: pd.DataFrame, y: np.ndarray, treated: np.ndarray, responded: np.ndarray,
              folds: int, options: ModelOptions) -> pd.DataFrame:
    """Out-of-fold scores of every learner and the response model, one row per row of x (folds
    fitted `options.threads` at a time)."""
    fold = fold_ids(treated, folds, options.seed)
    y_fit = capped(np.asarray(y, float))
    scores = pd.DataFrame(index=x.index, columns=[*LEARNERS, RESPONSE], dtype=float)

    def score(k: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        with single_thread():
            return fold == k, _score_fold(x, y_fit, treated, responded, fold == k, options)

    with ThreadPoolExecutor(max(1, min(options.threads, folds)), thread_name_prefix="fold") as pool:
        for test, fold_scores in pool.map(score, range(folds)):
            for name, values in fold_scores.items():
                scores.loc[test, name] = values
    return scores


def _score_fold(x: pd.DataFrame, y: np.ndarray, treated: np.ndarray, responded: np.ndarray,
                test: np.ndarray, options: ModelOptions) -> dict[str, np.ndarray]:
    """The scores of the rows `test` from models fitted on the other rows, by learner."""
    train = ~test
    x_train, x_test = x[train], x[test]
    learners = fit_learners(x_train, y[train], treated[train], options)
    out = {name: tau(x_test) for name, tau in learners.items()}
    out[RESPONSE] = fit_response(x_train[treated[train]], responded[train & treated], options)(x_test)
    return out
