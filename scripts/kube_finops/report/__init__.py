"""Reports from the marts: charts, the per-cluster workbook, a weekly digest, and
Parquet exports. Every number comes from the dbt reporting tables (models/marts/reporting/);
these modules only read and draw."""
