"""Reading and cleaning: read the client's exports, map and validate them against the data contract,
apply the cleaning rules and cache the canonical tables (the data contract lives here)."""
