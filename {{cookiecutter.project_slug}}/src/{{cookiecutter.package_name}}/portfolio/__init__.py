"""Portfolio benchmark: each client's headline KPIs among the consultant's other clients.

Modules by concern: `bundles` reads the clients' complete bundles (kpis.json, manifest.json), `measures`
names the headline KPIs and their definitions, `compare` decides what is comparable (definitions,
currency, period) and ranks it, `ranks` holds the statistics, `pages` the consultant's page and tables,
`cards` the client's card (with `charts`), `benchmark` writes the folder, `into_bundles` adds a card to
a client's bundle.
"""

from .benchmark import Benchmark, NoBundles, benchmark, portfolio_config

__all__ = ["Benchmark", "NoBundles", "benchmark", "portfolio_config"]
