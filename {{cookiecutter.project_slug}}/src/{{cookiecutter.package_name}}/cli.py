"""Command line of the project: sample data, validation, runs.

Run `{{ cookiecutter.project_slug }} --help` or `{{ cookiecutter.project_slug }} COMMAND --help`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .config import ConfigError, UnknownSection, load_config, project_root
from .ingest.errors import DataError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_PARTIAL = 0, 1, 2, 3

DESCRIPTION = """\
Loyalty-program analytics: turn a retail client's exports into a report bundle.

Typical session:
  %(prog)s sample-data --client demo      synthetic data for the demo client (data/raw/demo/)
  %(prog)s validate --client acme         read and check acme's files against the data contract
  %(prog)s run --client acme              run every notebook; bundle in reports/acme/<run_id>/
  %(prog)s run --client acme --only rfm   re-run one section into a new bundle
  %(prog)s batch --resume                 every client in parallel, skipping up-to-date bundles
  %(prog)s benchmark                      every client's latest bundle among the others

A client is described by config/clients/<client>.yaml (see config/defaults.yaml for every key).
"""


def _project(args: argparse.Namespace) -> Path:
    return project_root(Path(args.project) if args.project else None)


CHUNK_ABOVE_CUSTOMERS = 1_000_000  # sample-data generates in blocks above this many customers
CHUNK_CUSTOMERS = 500_000  # customers per block (synthetic/chunked.py): a few GB at most


def cmd_sample_data(args: argparse.Namespace) -> int:
    from . import synthetic

    project = _project(args)
    out = Path(args.out) if args.out else project / "data" / "raw" / args.client
    customers = args.customers
    if args.transactions:
        customers = synthetic.scale_for_transactions(args.transactions)
    # big clients (issue #17): above a million customers simulate in blocks, so memory stays bounded
    chunk = CHUNK_CUSTOMERS if customers > CHUNK_ABOVE_CUSTOMERS and not args.dirt else None
    truth = synthetic.generate(out, n_customers=customers, seed=args.seed, dirt=args.dirt,
                               chunk_customers=chunk)
    rows = truth.get("realised", truth).get("rows", {})
    print(f"sample data for {args.client!r} written to {out}")
    for name, count in rows.items():
        print(f"  {name:<14} {count:>10,} rows")
    print(f"  planted values: {out / 'truth.json'}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from .ingest.prepare import prepare

    project = _project(args)
    config = load_config(project, args.client)
    prepared = prepare(project, config, force=True)
    print(f"{args.client}: every input matches the data contract "
          f"(period {prepared.period[0]} .. {prepared.period[1]})")
    for table, rows in prepared.rows_read.items():
        print(f"  {table:<14} {'not provided' if rows is None else f'{rows:,} rows'}")
    counts = prepared.cleaning
    print(f"  checks set aside by the cleaning rules: {prepared.rejected_rows:,} "
          f"(duplicates {counts['duplicates']:,}, future-dated {counts['future_dated']:,}, "
          f"outside the period {counts['outside_period']:,})")
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from .run.runner import RunOptions, run_with

    project = _project(args)
    result = run_with(project, args.client, RunOptions(only=args.only, progress=not args.quiet,
                                                       scheduler=args.scheduler))
    if result.status == "failed":
        print(f"{args.client}: run FAILED ({result.error}); see {result.bundle}", file=sys.stderr)
        return EXIT_FAILED
    if result.status == "partial":
        failed = [n.notebook for n in result.notebooks if n.status == "failed"]
        print(f"{args.client}: PARTIAL report in {result.seconds:.0f} s: {', '.join(failed)} failed "
              f"({result.error})", file=sys.stderr)
        print(f"  {result.bundle / 'index.html'}")
        return EXIT_PARTIAL
    print(f"{args.client}: report ready in {result.seconds:.0f} s")
    print(f"  {result.bundle / 'index.html'}")
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    from .run.batch import format_summary, run_batch, summary_rows

    project = _project(args)
    result = run_batch(project, args.clients, workers=args.workers, scheduler=args.scheduler,
                       only=args.only, resume=args.resume, notebook_timeout=args.timeout,
                       progress=not args.quiet)
    print(format_summary(summary_rows(result, project.resolve())))
    print(f"summary: {result.folder / 'summary.html'} (and summary.csv, batch.log)")
    total = len(result.outcomes)
    if result.failed:
        print(f"{len(result.failed)} of {total} clients FAILED", file=sys.stderr)
        return EXIT_FAILED
    if result.partial:
        print(f"{len(result.partial)} of {total} clients PARTIAL (a section failed)", file=sys.stderr)
        return EXIT_PARTIAL
    return EXIT_OK


def cmd_benchmark(args: argparse.Namespace) -> int:
    from .portfolio import benchmark

    project = _project(args)
    result = benchmark(project, clients=args.clients, day=args.day)
    print(f"portfolio of {len(result.clients)} clients in {result.seconds:.1f} s")
    print(f"  {result.folder / 'portfolio.html'} (and portfolio.csv, portfolio.xlsx)")
    print(f"  cards: {result.folder / 'cards'}/<client>.html")
    if args.into_bundles:
        from .portfolio.into_bundles import add_cards

        for line in add_cards(result):
            print(f"  {line}")
    return EXIT_OK


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def cmd_install_kernel(args: argparse.Namespace) -> int:
    from .run.kernels import ensure_kernel

    print(f"Jupyter kernel {ensure_kernel()!r} points at {sys.executable}")
    return EXIT_OK


RUN_DESCRIPTION = """\
Validate the inputs, then execute every section's notebook
(notebooks/NN_<section>.ipynb) with papermill. The bundle (index.html, kpis.json, tables.xlsx,
figures/, notebooks/, manifest.json) appears in reports/<client>/<run_id>/ once the report is
built. A failing section never stops the others: the bundle is then published as partial
(manifest status, a banner on the report, the section's error shown, its kpis.json block null).
A run where no section ran is kept as <run_id>.failed/."""

RUN_EPILOG = """\
exit status: 0 complete, 1 failed (no bundle published), 2 bad config or input (nothing
  written), 3 partial (bundle published; some section failed: see the report and manifest.json)"""

BATCH_DESCRIPTION = """\
Run every client of config/clients/*.yaml (or those given with --clients), each
in its own process: --workers at a time on this machine, or on a Dask cluster (--scheduler).
One client's failure (bad input, a failed notebook, a notebook over its time limit, a killed
worker) never stops the others. Progress per client and notebook goes to the terminal and to
reports/_batch/<batch_id>/batch.log; the summary (client, status, seconds, bundle, first error
line) is printed and saved there as summary.csv and summary.html."""

BATCH_EPILOG = """\
exit status: 0 every client complete or up to date, 1 some client failed,
  2 bad arguments (unknown client or section), 3 none failed but some client is partial
  (a section failed; its bundle is published, status partial in the summary)
examples:
  %(prog)s                              every client, one per core
  %(prog)s --clients acme beta --only data_quality program
  %(prog)s --resume                     re-run only what changed or failed
  %(prog)s --scheduler tcp://10.0.0.5:8786   on a Dask cluster (shared project folder)"""

BENCHMARK_DESCRIPTION = """\
Read kpis.json and manifest.json of every client's latest complete bundle (nothing is
re-run) and write reports/_portfolio/<day>/: portfolio.html (clients x headline KPIs with
percentile ranks, sortable, change since each client's previous bundle, trend), portfolio.csv,
portfolio.xlsx and cards/<client>.html, one card per client in its report language (its values
against the anonymised distribution of the others). A KPI is compared only between clients
whose runs defined it alike (e.g. retention.churn_days); money only in one currency unless
portfolio.fx gives rates. Settings: the portfolio block of config/defaults.yaml."""

BENCHMARK_EPILOG = "exit status: 0 written, 2 no complete bundle or a bad portfolio setting"


def _command(commands: argparse._SubParsersAction, name: str, summary: str, description: str,
             epilog: str) -> argparse.ArgumentParser:
    """A sub-command whose description and epilog keep their line breaks."""
    return commands.add_parser(name, help=summary, description=description, epilog=epilog,
                               formatter_class=argparse.RawDescriptionHelpFormatter)


def _add_only(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--only", nargs="+", metavar="SECTION",
                        help="run only these sections (keys: data_quality program rfm retention clv uplift; "
                        "or numbers like 20)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="{{ cookiecutter.project_slug }}", description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--project", help="project folder (default: the one containing the current folder)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sample = commands.add_parser(
        "sample-data", help="generate synthetic client data with known planted values",
        description="Write a synthetic client export (transactions, customers, points ledger, NPS, "
        "surveys, campaigns) and truth.json with every value the generator planted, so that each "
        "section can be checked against the truth.",
    )
    sample.add_argument("--client", default="demo", help="client slug; files go to data/raw/<client>/")
    size = sample.add_mutually_exclusive_group()
    size.add_argument("--customers", type=int, default=5000, help="number of customers (default 5000)")
    size.add_argument("--transactions", type=int, help="aim for about this many checks instead")
    sample.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    sample.add_argument("--dirt", action="store_true",
                        help="add duplicates, returns, zero amounts, future dates, missing contacts")
    sample.add_argument("--out", help="output folder (default data/raw/<client>)")
    sample.set_defaults(func=cmd_sample_data)

    validate = commands.add_parser(
        "validate", help="check a client's config and files against the data contract",
        description="Read every file of the client's config, map its columns, convert and validate "
        "them. A problem is reported with the file, the column and example values; nothing is "
        "analysed. On success the cleaned tables are cached for the next run.",
    )
    validate.add_argument("--client", required=True, help="client slug (config/clients/<client>.yaml)")
    validate.set_defaults(func=cmd_validate)

    run = _command(commands, "run", "run the notebooks of one client into a report bundle",
                   RUN_DESCRIPTION, RUN_EPILOG)
    run.add_argument("--client", required=True, help="client slug (config/clients/<client>.yaml)")
    _add_only(run)
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="Dask scheduler address, e.g. tcp://host:8786: a big client's per-customer "
                     "bases are computed by its workers, bucket by bucket (they must see the project's "
                     "cache folder at the same path; see run.engine_min_checks)")
    run.set_defaults(func=cmd_run)

    batch = _command(commands, "batch", "run many clients in parallel; a summary of which passed",
                     BATCH_DESCRIPTION, BATCH_EPILOG)
    batch.add_argument("--clients", nargs="+", metavar="CLIENT",
                       help="client slugs (default: every config/clients/*.yaml)")
    _add_only(batch)
    batch.add_argument("--workers", type=int, metavar="N",
                       help="clients run at a time on this machine (default: the number of cores)")
    batch.add_argument("--scheduler", metavar="ADDRESS",
                       help="Dask scheduler address, e.g. tcp://host:8786: run the clients on that "
                       "cluster (its workers must see this project folder at the same path)")
    batch.add_argument("--timeout", type=_positive, metavar="SECONDS",
                       help="time limit of each notebook for every client; over it the kernel is "
                       "killed and the client fails (default: each client's run.notebook_timeout)")
    batch.add_argument("--resume", action="store_true",
                       help="skip clients whose latest bundle is complete and has the same input "
                       "files (sha256), the same config and the requested sections; re-run the rest "
                       "(partial and failed clients among them)")
    batch.add_argument("--quiet", action="store_true", help="no progress in the terminal (the log has it)")
    batch.set_defaults(func=cmd_batch)

    bench = _command(commands, "benchmark",
                     "compare every client's latest complete bundle: portfolio page and cards",
                     BENCHMARK_DESCRIPTION, BENCHMARK_EPILOG)
    bench.add_argument("--clients", nargs="+", metavar="CLIENT",
                       help="compare only these clients (default: every folder under reports/)")
    bench.add_argument("--day", help="name of the output folder (default: today, YYYY-MM-DD)")
    bench.add_argument("--into-bundles", action="store_true",
                       help="also add each client's card to its latest bundle as the report's last page "
                       "(index.html, report.pdf, benchmark.html; recorded in manifest.json)")
    bench.set_defaults(func=cmd_benchmark)

    kernel = commands.add_parser("install-kernel",
                                 help="register this Python as the project's Jupyter kernel")
    kernel.set_defaults(func=cmd_install_kernel)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ConfigError, DataError, UnknownSection) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
