"""Fusion of the code and documentation modalities: the features and heads that score drift.

For one example (old documentation, old code, new code) the feature builder gives

- similarity features from the two encoders: doc↔old code, doc↔new code, their drop, and
  old↔new code;
- structural edit features from the two parse trees: parameters added/removed, documented
  parameters that left the signature, return value lost/gained, raised exceptions and calls
  added/removed, the size of the edit, and identifiers the documentation mentions that
  vanished from the code;
- vector features of the fused pair: doc ⊙ new code, |doc − new code|, new − old code.

Three heads read them (training/recipes/train_doc_drift_head.py fits each): `weighted` (a
weighted sum of the similarities through a sigmoid), `linear` (logistic regression over all
features) and `mlp` (one hidden layer). Inference is numpy only; weights are safetensors.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from codeassist.parsing.docstrings import JAVADOC, JSDOC, PYTHON, RUSTDOC, GODOC, clean_name, parse_doc
from codeassist.parsing.parse import parse_source
from codeassist.records import RECEIVER, TYPE_PARAMETER, CodeUnit, ParsedDoc

SIMILARITY = ("sim_doc_old", "sim_doc_new", "sim_drop", "sim_code_code")
# Parameter changes count only through what the documentation says about them: renaming a
# parameter that a one-line summary never mentions does not make the summary stale.
STRUCTURAL = (
    "doc_params_gone", "doc_params_stale_before",
    "added_params_undocumented", "return_annotation_changed", "return_value_lost",
    "return_value_gained", "doc_returns_without_value", "raises_added", "raises_removed",
    "doc_raises_gone", "calls_added", "calls_removed", "edit_size", "old_lines_log",
    "new_lines_log", "vanished_doc_identifiers", "vanished_doc_identifier_share", "yields_changed",
)
CONVENTIONS = {"python": PYTHON, "javascript": JSDOC, "typescript": JSDOC, "tsx": JSDOC,
               "java": JAVADOC, "rust": RUSTDOC, "go": GODOC}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
_CALL = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")
_KEYWORDS = frozenset({"if", "for", "while", "return", "def", "print", "elif", "switch", "catch",
                       "function", "with", "assert", "not", "and", "or", "in", "lambda", "yield"})


@dataclass(frozen=True)
class Facts:
    """What the parser saw in one version of a unit (None fields when it did not parse)."""

    unit: CodeUnit | None
    identifiers: frozenset[str]
    calls: frozenset[str]
    lines: int


def facts(code: str, language: str) -> Facts:
    """Parse a unit's code and collect what the structural features compare.

    Args:
        code: The source of one unit (with or without its documentation).
        language: The language registry name.

    Returns:
        The unit (first one found), identifiers, call names and line count.
    """
    units = parse_source(code, language, "<unit>").units
    names = set(_IDENTIFIER.findall(code))
    calls = {name for name in _CALL.findall(code) if name not in _KEYWORDS}
    return Facts(units[0] if units else None, frozenset(names), frozenset(calls), code.count("\n") + 1)


def _param_names(unit: CodeUnit | None) -> list[str]:
    if unit is None:
        return []
    return [p.name for p in unit.params if p.kind not in (RECEIVER, TYPE_PARAMETER)]


def parsed_doc(doc: str, language: str) -> ParsedDoc:
    """Parse documentation text in its language's convention.

    Args:
        doc: The documentation without comment markers.
        language: The language registry name.

    Returns:
        Its sections.
    """
    return parse_doc(doc, CONVENTIONS.get(language, PYTHON))


def structural_features(doc: str, old: Facts, new: Facts, language: str) -> dict[str, float]:
    """Compute the structural edit features of one example.

    Args:
        doc: The old documentation.
        old: Facts of the old code.
        new: Facts of the new code.
        language: The language registry name.

    Returns:
        One value per name in STRUCTURAL.
    """
    sections = parsed_doc(doc, language)
    before, after = set(_param_names(old.unit)), set(_param_names(new.unit))
    documented = {clean_name(item.name).split(".")[0] for item in sections.params or ()}
    old_unit, new_unit = old.unit, new.unit
    old_returns = bool(old_unit and old_unit.returns_value)
    new_returns = bool(new_unit and new_unit.returns_value)
    old_raises = set(old_unit.raises if old_unit else ())
    new_raises = set(new_unit.raises if new_unit else ())
    doc_raises = {item.name.rsplit(".", 1)[-1] for item in sections.raises or ()}
    mentioned = set(_IDENTIFIER.findall(doc)) & old.identifiers
    vanished = mentioned - new.identifiers
    ratio = SequenceMatcher(a=_lines(old), b=_lines(new), autojunk=False).ratio() if old.unit and new.unit else 0.0
    return {
        "doc_params_gone": len((documented & before) - after),
        "doc_params_stale_before": len(documented - before),
        "added_params_undocumented": len((after - before) - documented) if documented else 0.0,
        "return_annotation_changed": float(bool(old_unit and new_unit and old_unit.returns != new_unit.returns)),
        "return_value_lost": float(old_returns and not new_returns),
        "return_value_gained": float(new_returns and not old_returns),
        "doc_returns_without_value": float(sections.returns is not None and not new_returns),
        "raises_added": len(new_raises - old_raises),
        "raises_removed": len(old_raises - new_raises),
        "doc_raises_gone": len({r for r in doc_raises if r in {x.rsplit('.', 1)[-1] for x in old_raises}}
                               - {x.rsplit(".", 1)[-1] for x in new_raises}),
        "calls_added": len(new.calls - old.calls),
        "calls_removed": len(old.calls - new.calls),
        "edit_size": 1.0 - ratio,
        "old_lines_log": math.log1p(old.lines),
        "new_lines_log": math.log1p(new.lines),
        "vanished_doc_identifiers": len(vanished),
        "vanished_doc_identifier_share": len(vanished) / len(mentioned) if mentioned else 0.0,
        "yields_changed": float(bool(old_unit and new_unit and old_unit.yields != new_unit.yields)),
    }


def _lines(item: Facts) -> list[str]:
    return [line.strip() for line in (item.unit.body if item.unit else "").splitlines() if line.strip()]


def similarity_features(doc: np.ndarray, old: np.ndarray, new: np.ndarray) -> dict[str, float]:
    """Compute the encoder similarities of one example (vectors are L2-normalised).

    Args:
        doc: The documentation's vector.
        old: The old code's vector.
        new: The new code's vector.

    Returns:
        One value per name in SIMILARITY.
    """
    before, after = float(doc @ old), float(doc @ new)
    return {"sim_doc_old": before, "sim_doc_new": after, "sim_drop": before - after,
            "sim_code_code": float(old @ new)}


def vector_features(doc: np.ndarray, old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Fuse the pair's vectors: doc ⊙ new, |doc − new|, new − old.

    Args:
        doc: The documentation's vector.
        old: The old code's vector.
        new: The new code's vector.

    Returns:
        A float32 vector three times the encoder dimension.
    """
    return np.concatenate([doc * new, np.abs(doc - new), new - old]).astype(np.float32)


@dataclass(frozen=True)
class Head:
    """A trained fusion head: feature normalisation, weights and its decision shift.

    Attributes:
        variant: "weighted", "linear" or "mlp".
        names: Scalar feature names, in order.
        vectors: Whether the vector features follow the scalar ones.
        mean: Per-feature mean used for standardisation.
        std: Per-feature standard deviation.
        weights: Layer weights (one matrix for the linear heads, two for the MLP).
        biases: Layer biases.
        shift: Added to the final logit so that 0.5 is the shipped decision threshold.
    """

    variant: str
    names: tuple[str, ...]
    vectors: bool
    mean: np.ndarray
    std: np.ndarray
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    shift: float

    def probability(self, features: np.ndarray) -> np.ndarray:
        """Score rows of features.

        Args:
            features: (n, d) rows in the order `names` (+ vector features when `vectors`).

        Returns:
            Probabilities in [0, 1], one per row.
        """
        x = (features - self.mean) / self.std
        for index, (weight, bias) in enumerate(zip(self.weights, self.biases)):
            x = x @ weight + bias
            if index < len(self.weights) - 1:
                x = np.maximum(x, 0.0)
        logits = x.reshape(-1) + self.shift
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -40, 40)))

    def save(self, directory: Path) -> None:
        """Write config.json and head.safetensors.

        Args:
            directory: Where to write (created when missing).
        """
        from safetensors.numpy import save_file

        directory.mkdir(parents=True, exist_ok=True)
        tensors = {"mean": self.mean, "std": self.std}
        tensors |= {f"weight_{i}": w.astype(np.float32) for i, w in enumerate(self.weights)}
        tensors |= {f"bias_{i}": b.astype(np.float32) for i, b in enumerate(self.biases)}
        save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in tensors.items()},
                  str(directory / "head.safetensors"))
        config = {"variant": self.variant, "names": list(self.names), "vectors": self.vectors,
                  "layers": len(self.weights), "shift": self.shift}
        (directory / "config.json").write_text(json.dumps(config, indent=2) + "\n")


def load_head(directory: Path) -> Head:
    """Read a head written by `Head.save`.

    Args:
        directory: The head's directory.

    Returns:
        The head.
    """
    from safetensors.numpy import load_file

    config = json.loads((directory / "config.json").read_text())
    tensors = load_file(str(directory / "head.safetensors"))
    layers = range(config["layers"])
    return Head(
        variant=config["variant"], names=tuple(config["names"]), vectors=config["vectors"],
        mean=tensors["mean"], std=tensors["std"],
        weights=tuple(tensors[f"weight_{i}"] for i in layers),
        biases=tuple(tensors[f"bias_{i}"] for i in layers), shift=float(config["shift"]),
    )


@cache
def shipped_head() -> Head:
    """Load the drift head shipped in `codeassist/assets/doc-drift-head/`.

    Returns:
        The head.
    """
    directory = Path(str(resources.files("codeassist").joinpath("assets", "doc-drift-head")))
    return load_head(directory)
