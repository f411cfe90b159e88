"""`python -m benchmarks.static_rules`: run the benchmark parts."""

from __future__ import annotations

from .run import main

if __name__ == "__main__":
    raise SystemExit(main())
