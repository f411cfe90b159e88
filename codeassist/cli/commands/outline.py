"""`codeassist outline FILE`: the functions, methods and classes of one file."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from codeassist.errors import EXIT_CLEAN, CodeassistError


def outline(*, file: Path, format: str = "text") -> int:
    """Print the units of one file, one line each or as a JSON document.

    Args:
        file: The source file.
        format: "text" or "json".

    Returns:
        0.

    Raises:
        CodeassistError: For a missing, unsupported or unreadable file.
    """
    from codeassist.changes.files import read_source
    from codeassist.config import DEFAULT_MAX_FILE_BYTES
    from codeassist.languages import LANGUAGES, language_for_path
    from codeassist.parsing.parse import parse_source
    if not file.is_file():
        raise CodeassistError(f"no such file: {file}", "pass the path of a source file")
    spec = language_for_path(file)
    if spec is None:
        known = ", ".join(s for lang in LANGUAGES.values() for s in lang.suffixes)
        raise CodeassistError(f"unsupported file type: {file}", f"codeassist parses {known}")
    text, reason = read_source(file, DEFAULT_MAX_FILE_BYTES)
    if text is None:
        raise CodeassistError(f"cannot outline {file}: {reason}", "pass a UTF-8 text source file")
    parsed = parse_source(text, spec.name, file.as_posix())
    for problem in parsed.problems:
        print(f"codeassist: {file}: {problem}", file=sys.stderr)
    if format == "json":
        document = {"path": file.as_posix(), "language": spec.name,
                    "units": [_unit_json(u) for u in parsed.units], "problems": parsed.problems}
        print(json.dumps(document, indent=2))
        return EXIT_CLEAN
    for unit in parsed.units:
        params = ", ".join(p.name for p in unit.params)
        doc = "documented" if unit.has_doc else "no doc"
        print(f"{unit.start_line}-{unit.end_line} {unit.kind} {unit.qualname}({params}) [{doc}]")
    return EXIT_CLEAN


def _unit_json(unit: object) -> dict[str, object]:
    from dataclasses import asdict

    data = asdict(unit)  # type: ignore[call-overload]
    data.pop("body")
    doc = data.pop("doc")
    data["has_doc"] = doc is not None
    if doc is not None:
        parsed = doc.pop("parsed")
        doc.pop("text")
        data["doc"] = {**doc, "style": parsed["style"], "summary": parsed["summary"]}
    return data
