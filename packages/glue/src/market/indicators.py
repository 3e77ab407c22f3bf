"""Every indicator of INDICATORS.md for whole (symbol, interval) series (the computation lives in `compute`)."""

from __future__ import annotations

from .compute import with_indicators

__all__ = ["with_indicators"]
