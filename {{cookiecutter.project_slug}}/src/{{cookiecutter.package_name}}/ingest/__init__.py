"""Reading and cleaning: read the client's exports, map and validate them against the data contract,
apply the cleaning rules and cache the canonical tables (the data contract lives here).

read (load_table, load_all; the reading rules in its docstring) <- csv_reader (CSV in chunks: Arrow's
fast path, pandas' reference reader), spreadsheet (Excel, Parquet), convert (a converter per column:
numbers, dates, yes/no, codes, ids, text), schema (the contract, column mapping, pandera checks),
options (ReadOptions), errors (DataError); clean (cleaning rules), consistency (rules between tables),
keys (ids as integer keys); prepare (the cache in data/interim/<client>/).
"""
