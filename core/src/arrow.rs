//! LAS → Arrow → Parquet.
