"""Precision of the static rules on real packages of every language, read by hand.

`python -m benchmarks.precision` fetches the pinned packages of `sources.toml` (PyPI sdists,
npm tarballs, Debian packages that ship sources), runs `codeassist check --select CA1` over
each, draws a seeded sample of at most 15 findings per rule × language, writes them with the
code they are about to benchmarks/results/precision_sample.md, and prints precision per
rule × language from the hand verdicts in `verdicts.toml`.
"""
