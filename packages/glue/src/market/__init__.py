"""The market-data Spark transform. `market.job.run` is the one entry; everything else is DataFrame → DataFrame."""
