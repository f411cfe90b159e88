"""Every learned scorer, one folder per family, each reading its asset through one loader.

The families — `doc_drift` (CA201), `doc_mentions` (CA301), `commit_message` (CA401),
`llm_review` (CA501) — have the same files and the same verbs, so reading one explains the
rest:

- `features.py` — rows from the family's inputs (`feature_rows`, or `candidates` and
  `line_features`), and the names of their columns. The recipe that trains the head and the
  rule that uses it build their rows here, so the head never sees at run time what it did
  not see in training.
- `head.py` — `FAMILY` (its asset is `codeassist/assets/<family>-head/`), `trained_on()`
  (what the running code's features depend on: feature names, encoder ids, model layers,
  prompt), `load_head(directory)` through the one loader with those expected keys, and
  `shipped_head()` (cached).
- `score.py` — the verb the rule calls: `drift_scores`, `best_matches`,
  `mismatch_probability`, `score_lines`. Heads return scores and plain records, never
  `Finding`s; `codeassist/review/rules/` turns them into findings.
- Family-specific modules beside them: `doc_drift/explain.py` (which part of the
  documentation no longer matches), `doc_mentions/targets.py` (which changed units prose may
  still describe), `commit_message/summary.py` (what a diff shows of a change),
  `llm_review/comments.py` (the LLM's located, validated comments, as `LineComment`s).

`cross_encoder.py` is the one scorer that is not a family of its own: MiniLM with a LoRA
adapter reads documentation and code in one sequence (early fusion) and a head in the one
format turns the pooled pair into a probability; CA201's features and `search --rerank` read
it (`codeassist/assets/cross-encoder/`).

`asset.py` is the one head format and loader: every head directory holds `head.json` (family,
kind, trained-on keys, threshold, date, command), `head.safetensors` (its arrays),
`metrics.json` and `MODEL_CARD.md`; `load_head` refuses a head whose trained-on keys differ
from the running code's, and `save_head` is what every recipe in `training/recipes/` calls.
Scoring is numpy only: no torch is imported to score.
"""
