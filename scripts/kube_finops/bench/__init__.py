"""`make bench`: time our dbt build against the users' Polars step2 and a DuckDB raw-scan floor on
the same generated raw files (wall time and peak RSS, alternating runs), and the incremental
daily run after a week of history. Speed goals live here, never in tests."""
