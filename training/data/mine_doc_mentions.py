"""Mine labelled (prose chunk, changed unit) candidates for CA301's semantic half.

Between consecutive released sdists of a package (the ones `mine_drift.py` built its history
from; its repositories keep only Python files, so the sdists are read again here, docs and
all), every removed public unit and every unit that lost or renamed a parameter is a
`MentionTarget`, and every prose chunk of the old release's README and docs/ is a candidate for
the change it scores best against (`codeassist.heads.doc_mentions.score.best_matches` without a threshold).

Label 1: the release edited or dropped the chunk, and the edit took out the unit's name, one
of its distinctive name words or a removed parameter that the chunk used. Label 0: anything
else. Chunks on a line the lexical CA301 already reports are left out (the semantic half
never reports them), and so are changelogs, whose prose describes old releases on purpose.
The labels are noisy (a stale chunk nobody fixed counts as 0): `ca301_hand_check.md` records
a read sample.
"""

from __future__ import annotations

import difflib
import re
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

from codeassist.heads.doc_mentions.features import FEATURES, candidates, evidence
from codeassist.heads.doc_mentions.targets import MentionTarget, doc_changes, is_prose_doc, text_words
from codeassist.parsing.markup import code_lines, prose_chunks
from codeassist.parsing.pairing import pair_units
from codeassist.parsing.parse import parse_source
from codeassist.review.context import ChangeContext
from codeassist.review.rules.doc_mentions import removed_code, stale_mentions
from training.data.mine_drift import find_archive
from training.data.mine_pairs import SKIP_DIRS


def read_release(archive: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Return the Python sources and the user docs of an sdist, by path inside it."""
    members: dict[str, bytes] = {}
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as bundle:
            for name in bundle.namelist():
                members[name] = bundle.read(name)
    else:
        with tarfile.open(archive) as bundle:
            for member in bundle.getmembers():
                if member.isfile():
                    members[member.name] = bundle.extractfile(member).read()
    code, docs = {}, {}
    for name, data in members.items():
        relative = "/".join(PurePosixPath(name).parts[1:])
        if not relative:
            continue
        parts = PurePosixPath(relative).parts
        if relative.endswith(".py") and not (SKIP_DIRS & set(parts[:-1])) and not parts[-1].startswith("test_"):
            code[relative] = data.decode("utf-8", "replace")
        elif is_prose_doc(relative):
            docs[relative] = data.decode("utf-8", "replace")
    return code, docs


def release_changes(old_code: dict[str, str], new_code: dict[str, str]) -> tuple[list, list[MentionTarget]]:
    """Pair every unit of two releases; return the pairs and the DocChanges among them."""
    pairs = []
    for path in sorted(set(old_code) | set(new_code)):
        before, after = old_code.get(path), new_code.get(path)
        old_units = parse_source(before, "python", path).units if before is not None else []
        new_units = parse_source(after, "python", path).units if after is not None else []
        if before == after:
            pairs += [(path, change) for change in pair_units(old_units, new_units, frozenset())
                      if change.new is not None]  # unchanged: only to know what is still defined
            continue
        pairs += [(path, change) for change in pair_units(old_units, new_units, frozenset())]
    return pairs, doc_changes(pairs)


def lexical_lines(pairs: list, path: str, text: str) -> set[int]:
    """Lines of a document that the lexical CA301 reports for this change."""
    units, params = removed_code(ChangeContext(changes=None, units=pairs))
    lines = code_lines(text, PurePosixPath(path).suffix)
    return {f.line for f in stale_mentions(path, lines, units, params, {})}


def _words_of(text: str) -> str:
    """The lower-case words of prose, markup gone (an rst → md move is not an edit)."""
    return " ".join(re.findall(r"[a-z0-9_]+", text.lower()))


def edit_of(chunk_text: str, new_chunks: list[str]) -> tuple[bool, set[str], set[str]]:
    """Whether the release edited a chunk; its words, and the words the edit took out."""
    norm = _words_of(chunk_text)
    before = text_words(chunk_text)
    if norm in new_chunks:
        return False, before, set()
    closest = difflib.get_close_matches(norm, new_chunks, n=1, cutoff=0.6)
    return True, before, before - (text_words(closest[0]) if closest else set())


def label(before: set[str], removed: set[str], change: MentionTarget, name: str) -> int:
    """Label a candidate from the chunk's words and the words its edit took out.

    A removed unit: the chunk names it (the identifier, or all of two or more name words)
    and the edit took that out. A removed or renamed parameter: the chunk names the
    parameter and shares a name word with the unit, and the edit took the parameter out.
    """
    if change.params:
        return int(bool(change.params & removed) and bool(change.words & before))
    named = name.lower() in before or (len(change.words) >= 2 and change.words <= before)
    return int(named and bool(({name.lower()} | change.words) & removed))


def package_candidates(package: str, versions: list[str], archives: Path, encode) -> list[dict]:
    """Every scored candidate of one package, over its consecutive releases."""
    rows = []
    releases = [(v, find_archive(archives, package, v)) for v in versions]
    releases = [(v, a) for v, a in releases if a is not None]
    previous = None
    for version, archive in releases:
        current = read_release(archive)
        if previous is not None:
            (old_version, (old_code, old_docs)), (new_code, new_docs) = previous, current
            pairs, changes = release_changes(old_code, new_code)
            rows += _release_rows(package, f"{old_version}..{version}", pairs, changes, old_docs, new_docs, encode)
        previous = (version, current)
    return rows


def _release_rows(package, versions, pairs, changes, old_docs, new_docs, encode) -> list[dict]:
    rows = []
    if not changes:
        return rows
    names = {change.qualname: change.qualname.split(".")[-1] for change in changes}
    for path, text in sorted(old_docs.items()):
        if path not in new_docs:
            continue  # a moved or dropped document is not an edit of its prose
        suffix = PurePosixPath(path).suffix
        new_chunks = [_words_of(c.text) for c in prose_chunks(new_docs[path], suffix)]
        flagged = lexical_lines(pairs, path, text)
        chunks = [c for c in prose_chunks(text, suffix)
                  if not any(c.line <= line <= c.end_line for line in flagged)]
        for chunk, priors, sims in candidates(changes, chunks, encode):
            edited, before, removed = edit_of(chunk.text, new_chunks)
            options = []
            for change, prior, cosine in zip(changes, priors, sims, strict=True):
                if not evidence(change, prior):
                    continue  # as heads.doc_mentions.score.best_matches: never this chunk's match
                target = label(before, removed, change, names[change.qualname]) if edited else 0
                options.append({"qualname": change.qualname, "what": change.what, "cosine": round(float(cosine), 4),
                                **dict(zip(FEATURES[1:], prior)), "label": target})
            rows.append({"package": package, "versions": versions, "path": path, "line": chunk.line,
                         "chunk": chunk.text, "section": chunk.section, "edited": edited, "options": options})
    return rows
