"""Benchmark the static CA1xx rules beside pydoclint and docsig, in one run.

    .venv/bin/python -m benchmarks.static_rules [--modules 150] [--repeat 3] [--seed 0]

Run it from the repository root (benchmarks/ is not an installed package). Three parts, all
printed (ratios matter, not absolute times: these machines are shared):

(a) speed (`speed.py`): each tool as one process over the same ~150 standard-library modules
    (copied to a temporary directory, so every tool sees identical files and no project
    config); best of `--repeat` wall times, and the ratio to pydoclint.
(b) quality on mutations (`quality.py`): functions whose docstrings document exactly their
    parameters in a structured style (Google, NumPy, Sphinx) are taken from the standard
    library and from a second, real source (installed packages); each is written out
    unchanged (a negative case) and mutated: a parameter renamed, removed or added in the
    signature, and the returned values dropped when a return value is documented (positive
    cases). Each tool runs once over all case files (pydoclint once per docstring style, since
    it has no style detection); precision, recall per mutation kind and the false-positive
    rate on originals are printed per source.
(c) precision on real code (`precision.py`): `codeassist check --select CA1` over the whole
    standard library; findings per rule, and a seeded sample with docstring excerpts written
    to benchmarks/results/stdlib_sample.md together with the hand verdicts in
    `verdicts.toml`.

The other modules hold what the parts share: `corpus.py` chooses the files and functions,
`doc_params.py` reads parameter sections (independently of codeassist), `targets.py` finds the
functions that qualify, `mutations.py` mutates them, `tools.py` runs the three checkers, and
`run.py` parses the command line and runs the parts.
"""
