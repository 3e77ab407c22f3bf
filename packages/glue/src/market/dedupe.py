"""One row per (symbol, interval, ts): the latest `ingested_at` wins (DESIGN.md "Canonical record")."""

from __future__ import annotations

# Ties on ingested_at (two objects landing in the same second) are broken by lineage, then by the values
# themselves, so the winner never depends on the order Spark happens to read files in.
PRECEDENCE: tuple[str, ...] = ("ingested_at", "source_key", "source_etag", "close", "open", "high", "low", "volume")
