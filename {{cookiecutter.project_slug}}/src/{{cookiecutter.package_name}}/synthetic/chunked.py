"""Chunked generation (issue #17, big clients): customers simulated block by block, files appended.

``generate(out, Scenario(..., chunk_customers=k))`` simulates the ``n_customers`` in blocks of ``k``
(the last one smaller), so that at most one block's customers and rows are in memory: 100M checks
(about 8M customers) fit in a few GB. Block b draws from its own random stream, child b of
``np.random.SeedSequence(seed).spawn(n_blocks)``, so a seed and a chunk size reproduce the same files
byte for byte (a different chunk size gives different, equally valid data; the unchunked default
draws from ``default_rng(seed)`` and is unchanged).

Each block is the same model as the unchunked run (generator.py) on its own customers; the
population-level draws are made per block, which is statistically the same: customer ids continue
across blocks (block b's ids follow block b - 1's, still in registration order within a block) and so
do check numbers (globally unique, in time order within a block); tiers are the tertiles of the latent
value within each block; each campaign targets the same share of each block's alive customers and
splits them into treatment and control with the same shares; the anonymous checks, NPS and survey
respondents are drawn per block in the same proportions. The planted ``params`` of truth.json are
those of the unchunked run.

Files: each block is written into a scratch folder with the ordinary writers, then appended to the
output files (the header once). So transactions.csv is in time order within each block, not over the
whole file; customers.csv stays sorted by client_id; campaigns.csv and campaign_effects.csv hold each
campaign's rows block by block. The ``realised`` block of truth.json is recombined exactly from
per-block counts and sums (chunk_truth.py); truth.json also gets ``chunks`` {chunk_customers, blocks}.

Refused in chunked mode: ``dirt=True`` (dirt rows copy and reference other checks across the file,
and its shares are of the whole file).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .campaign_effects import EFFECTS_FILE, write_campaign_effects
from .chunk_truth import add_stats, block_stats, finish
from .contacts import make_contacts
from .dirt import no_dirt
from .params import DEFAULT_PARAMS, merge
from .points import simulate_points
from .simulate import Simulation, simulate_checks, simulate_customers, sort_and_number
from .surveys import simulate_nps, simulate_surveys
from .timeline import Calendar
from .truth import jsonable, params_truth
from .writers import (
    write_campaigns,
    write_customers,
    write_points,
    write_simple,
    write_transaction_lines,
    write_transactions,
)

if TYPE_CHECKING:
    from .generator import Scenario

SCRATCH = ".block"  # the scratch folder of one block, inside out_dir, removed at the end
FILES = ("transactions.csv", "customers.csv", "points.csv", "nps.csv", "surveys.csv", "campaigns.csv",
         EFFECTS_FILE)


def block_sizes(n_customers: int, chunk_customers: int) -> list[int]:
    """Blocks of `chunk_customers` customers, the last one holding the rest."""
    if chunk_customers < 1:
        raise ValueError("chunk_customers must be >= 1")
    if n_customers < 1:
        raise ValueError("n_customers must be >= 1")
    full, rest = divmod(int(n_customers), int(chunk_customers))
    return [int(chunk_customers)] * full + ([rest] if rest else [])


def simulate_block(size: int, cal: Calendar, p: dict, rng: np.random.Generator,
                   first_customer: int, first_check: int) -> Simulation:
    """One block: generator._simulate's steps without dirt, ids and check numbers shifted by the
    customers and checks of the blocks before it."""
    cust = simulate_customers(size, cal, p, rng)
    # shift before the contacts: the e-mail addresses carry the id, so they stay unique too
    cust["id"] = (cust["id"].astype(np.int64) + first_customer).astype(str).astype(object)
    checks = simulate_checks(cust, cal, p, rng)
    ledger = simulate_points(checks, cust, cal, p, rng)
    checks = sort_and_number(checks, rng)
    checks["number"] = checks["number"] + first_check
    contacts = make_contacts(cust, p, rng)
    nps = simulate_nps(checks, cust, cal, p, rng)
    surveys = simulate_surveys(checks, cust, cal, p, rng)
    return Simulation(cal=cal, p=p, cust=cust, checks=checks, ledger=ledger, contacts=contacts, nps=nps,
                      surveys=surveys, dirt_rows=None, dirt_counts=no_dirt())


def _write_block(folder: Path, sim: Simulation, lines_seed: int | None) -> tuple[dict, dict, dict]:
    """The block's files in `folder`: rows per file, the lines counts ({} without lines) and
    campaign_effects.csv's summary (its rows and columns; the means are recombined from sums)."""
    folder.mkdir(parents=True, exist_ok=True)
    cust, cal = sim.cust, sim.cal
    lines: dict = {}
    if lines_seed is not None:
        written, checks = write_transaction_lines(folder, sim.checks, None, cust, cal, lines_seed)
        lines = {"lines": written, "checks": checks}
    rows = {
        "transactions": lines["lines"] if lines else write_transactions(folder, sim.checks, None, cust, cal),
        "customers": write_customers(folder, cust, sim.contacts, cal),
        "points": write_points(folder, sim.ledger, cust, cal),
        "nps": write_simple(folder / "nps.csv", sim.nps, cust, cal),
        "surveys": write_simple(folder / "surveys.csv", sim.surveys, cust, cal),
        "campaigns": write_campaigns(folder, cust, cal),
    }
    return rows, lines, write_campaign_effects(folder, cust)


def _append(src: Path, dst: Path, first: bool) -> None:
    """Append `src` to `dst` byte for byte; a block after the first drops its header line."""
    with open(src, "rb") as fin, open(dst, "wb" if first else "ab") as fout:
        if not first:
            fin.readline()
        shutil.copyfileobj(fin, fout, 16 * 1024 * 1024)


def generate_chunked(out_dir: Path, scenario: Scenario, generator: str) -> dict:
    """`generate` in blocks of ``scenario.chunk_customers`` (module docstring); returns the truth.

    `generator` is the name truth.json carries (generator.GENERATOR)."""
    if scenario.dirt:
        raise ValueError("dirt=True is not supported with chunk_customers (dirt rows reference other "
                         "checks of the whole file); generate without chunks or without dirt")
    p = merge(DEFAULT_PARAMS, scenario.params or {})
    cal = Calendar(scenario.start, scenario.end, scenario.launch_date, scenario.today, p)
    sizes = block_sizes(scenario.n_customers, scenario.chunk_customers)
    seeds = np.random.SeedSequence(scenario.seed).spawn(len(sizes))
    scratch = out_dir / SCRATCH
    stats, lines, first_customer, first_check = None, {"lines": 0, "checks": 0}, 0, 0
    sim: Simulation | None = None
    effects_file: dict = {}
    try:
        for b, (size, seed_seq) in enumerate(zip(sizes, seeds, strict=True)):
            sim = simulate_block(size, cal, p, np.random.default_rng(seed_seq), first_customer, first_check)
            # the lines' own stream: an integer drawn from the block's seed, not from its generator
            lines_seed = int(seed_seq.generate_state(1)[0]) if scenario.lines else None
            rows, block_lines, effects_file = _write_block(scratch, sim, lines_seed)
            for name in FILES:
                _append(scratch / name, out_dir / name, first=b == 0)
            for key in block_lines:
                lines[key] += block_lines[key]
            stats = add_stats(stats, {**block_stats(sim, rows), "effects_rows": effects_file["rows"]})
            first_customer += size
            first_check += int(sim.checks["day"].size)
            if b < len(sizes) - 1:
                sim = None  # free the block before the next one is drawn (keep the last for finish)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    realised, effects = finish(stats, sim, no_dirt())
    realised["campaign_effects"] = {"file": EFFECTS_FILE, "rows": stats["effects_rows"],
                                    "columns": effects_file["columns"], "campaigns": effects}
    if scenario.lines:
        realised["lines"] = lines
    truth = jsonable({
        "schema_version": 1,
        "generator": generator,
        "params": params_truth(p, cal, scenario.n_customers, scenario.seed, scenario.dirt),
        "realised": realised,
        "chunks": {"chunk_customers": int(scenario.chunk_customers), "blocks": len(sizes)},
    })
    with open(out_dir / "truth.json", "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=2)
    return truth
