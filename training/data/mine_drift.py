"""Mine just-in-time doc/code drift examples from release histories, plus mutations.

For each package in the config, the sdists of successive releases become one git repository
with one commit per release (GitPython). Between consecutive releases, every function or
method whose code changed and that had documentation gives one example
(old doc, old code, new code): label 1 when the documentation was also changed
substantively in the same release, 0 when it was left as it was (Panthaplackel et al.,
AAAI 2021). Whitespace, punctuation, typo-sized and doctest-only documentation edits are
dropped as ambiguous. The labels are noisy: a doc left unchanged may be stale, and a changed
doc may have been rewritten for style; `drift_hand_check.md` records a read sample.

Mutation examples add the structural cases with certain labels: on documented units of the
newest release, rename, remove or add a documented parameter, drop the return value, drop
a documented `raise`, or change a default the documentation states ("Defaults to 5." while
the signature now says 6; label 1), and cosmetic edits (rename a local variable, reformat) as
negatives (label 0).

The split is by package (config `test_packages`, `dev_packages`; the rest train).
"""

from __future__ import annotations

import argparse
import difflib
import random
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

from codeassist.changes import gitdiff
from codeassist.parsing.doc_values import literal, same_value, stated_defaults
from codeassist.parsing.pairing import pair_units
from codeassist.parsing.parse import parse_source
from codeassist.records import CLASS, RECEIVER, VAR_KEYWORD, VAR_POSITIONAL, CodeUnit
from training.config import add_config_arguments, load_config, parse_set
from training.data.fetch_sources import fetch
from training.data.mine_pairs import SKIP_DIRS

COLUMNS = ("package", "source", "kind", "path", "qualname", "old_doc", "old_code", "new_code",
           "new_doc", "label", "versions")
_WORD = re.compile(r"[a-z0-9_]+")


def normalise_doc(doc: str) -> list[str]:
    """Return the words of documentation without doctest examples, case or punctuation.

    Args:
        doc: Documentation text.

    Returns:
        Lower-case word tokens of the prose.
    """
    prose = []
    in_example = False
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped.startswith((">>>", "...")):
            in_example = True
            continue
        if in_example and stripped:
            continue  # doctest output
        in_example = False
        prose.append(stripped.lower())
    return _WORD.findall(" ".join(prose))


def doc_label(old_doc: str, new_doc: str | None) -> int | None:
    """Label one code change by what happened to its documentation.

    Args:
        old_doc: The documentation before.
        new_doc: The documentation after (None when it was removed).

    Returns:
        1 for a substantive documentation update, 0 for none, None when ambiguous
        (typo-sized or example-only edits, or a removed doc).
    """
    if new_doc is None:
        return None
    before, after = normalise_doc(old_doc), normalise_doc(new_doc)
    if before == after:
        return 0  # untouched, or only whitespace, punctuation or doctest examples changed
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    edits = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    changed = sum(max(i2 - i1, j2 - j1) for _, i1, i2, j1, j2 in edits)
    if changed <= 2 and (matcher.ratio() >= 0.9 or all(_is_typo(before, after, op) for op in edits)):
        return None  # a typo or a one-word tweak: not evidence either way
    return 1


def _is_typo(before: list[str], after: list[str], opcode: tuple[str, int, int, int, int]) -> bool:
    """Whether an edit replaces words with near-identical spellings ("adress" → "address")."""
    tag, i1, i2, j1, j2 = opcode
    if tag != "replace" or i2 - i1 != j2 - j1:
        return False
    return all(difflib.SequenceMatcher(a=a, b=b).ratio() >= 0.8 for a, b in zip(before[i1:i2], after[j1:j2]))


def extract_release(archive: Path, destination: Path) -> None:
    """Unpack an sdist's Python sources (tests, docs and vendored code left out).

    Args:
        archive: A .tar.gz or .zip sdist.
        destination: An empty directory that receives the files.
    """
    with tempfile.TemporaryDirectory() as scratch:
        if archive.suffix == ".zip":
            with zipfile.ZipFile(archive) as bundle:
                bundle.extractall(scratch)
        else:
            with tarfile.open(archive) as bundle:
                bundle.extractall(scratch, filter="data")
        top = next(Path(scratch).iterdir())
        for file in sorted(top.rglob("*.py")):
            relative = file.relative_to(top)
            if SKIP_DIRS & set(relative.parts[:-1]) or relative.name.startswith("test_"):
                continue
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)


def build_history(package: str, versions: list[str], archives: Path, repos: Path):
    """Make (or reuse) a git repository with one commit and tag per release.

    Args:
        package: The distribution name.
        versions: Releases, oldest first.
        archives: Where the sdists are.
        repos: Where repositories are made.

    Returns:
        The repository and the tags that exist, oldest first.
    """
    import git

    path = repos / package
    if (path / ".git").exists():
        repo = git.Repo(path)
        return repo, [v for v in versions if v in {t.name for t in repo.tags}]
    path.mkdir(parents=True, exist_ok=True)
    repo = git.Repo.init(path)
    tags = []
    for version in versions:
        archive = find_archive(archives, package, version)
        if archive is None:
            print(f"  {package} {version}: no sdist in {archives}, skipped")
            continue
        for child in path.iterdir():
            if child.name != ".git":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        extract_release(archive, path)
        repo.git.add("-A")
        repo.index.commit(f"{package} {version}", author=_AUTHOR, committer=_AUTHOR)
        repo.create_tag(version)
        tags.append(version)
    return repo, tags


def find_archive(archives: Path, package: str, version: str) -> Path | None:
    """Find the sdist of one release of a package, whichever spelling of its name it uses.

    Args:
        archives: The directory of downloaded sdists.
        package: The distribution name (`python-dateutil` matches `python_dateutil-...`).
        version: The release.

    Returns:
        The .tar.gz or .zip sdist, or None when it was not downloaded.
    """
    wanted = {package.lower().replace("-", "_"), package.lower().replace("_", "-"), package.lower()}
    # fetch_release downloads into `pypi/`; sdists copied in by hand may sit at the top.
    files = [file for folder in (archives, archives / "pypi") if folder.is_dir() for file in folder.iterdir()]
    for file in files:
        name = file.name.lower()
        for stem in wanted:
            if name.startswith(f"{stem}-{version}.") and name.endswith((".tar.gz", ".zip")):
                return file
    return None


def fetch_releases(packages: dict[str, list[str]], archives: Path) -> list[str]:
    """Download every pinned release sdist that is not in `archives` yet.

    Args:
        packages: Distribution name → releases, as the config pins them.
        archives: The directory of downloaded sdists.

    Returns:
        The `NAME==VERSION` specs that could not be fetched (reported; their releases are skipped).
    """
    failed = []
    for package, versions in packages.items():
        for version in versions:
            if find_archive(archives, package, version) is None:
                try:
                    fetch("pypi", f"{package}=={version}", archives)
                except (RuntimeError, subprocess.SubprocessError) as exc:
                    print(f"  {package} {version}: {exc}", file=sys.stderr)
                    failed.append(f"{package}=={version}")
    return failed


class _Author:
    name = "codeassist miner"
    email = "miner@codeassist.invalid"


_AUTHOR = _Author()


def history_examples(package: str, repo, tags: list[str]) -> list[dict]:
    """Mine labelled examples from each pair of consecutive releases.

    Args:
        package: The distribution name.
        repo: Its history repository.
        tags: Release tags, oldest first.

    Returns:
        Example records (see COLUMNS).
    """
    examples = []
    for older, newer in zip(tags, tags[1:]):
        changes = gitdiff.revision_range(repo, f"{older}..{newer}")
        for change in changes.files:
            if change.old_text is None or change.new_text is None or not change.path.endswith(".py"):
                continue
            old_units = parse_source(change.old_text, "python", change.old_path).units
            new_units = parse_source(change.new_text, "python", change.path).units
            for pair in pair_units(old_units, new_units, change.added_lines):
                old, new = pair.old, pair.new
                if old is None or new is None or old.kind == CLASS or old.doc is None:
                    continue
                if not (pair.body or pair.signature) or old.is_stub:
                    continue
                label = doc_label(old.doc.text, new.doc.text if new.doc else None)
                if label is None:
                    continue
                examples.append(_record(package, "history", "code-change", change.path, old, new,
                                        label, f"{older}..{newer}"))
    return examples


def _record(package: str, source: str, kind: str, path: str, old: CodeUnit, new: CodeUnit | None,
            label: int, versions: str, new_code: str | None = None) -> dict:
    return {
        "package": package, "source": source, "kind": kind, "path": path, "qualname": old.qualname,
        "old_doc": old.doc.text if old.doc else "", "old_code": old.code_without_doc(),
        "new_code": new_code if new_code is not None else new.code_without_doc(),
        "new_doc": (new.doc.text if new is not None and new.doc else ""), "label": label,
        "versions": versions,
    }


def mutation_examples(package: str, repo, tag: str, limit: int, rng: random.Random) -> list[dict]:
    """Make mutation examples from documented units of one release.

    Args:
        package: The distribution name.
        repo: Its history repository.
        tag: The release to read.
        limit: At most this many source units are used.
        rng: Seeded randomness.

    Returns:
        Example records, positives and negatives.
    """
    tree = repo.commit(tag).tree
    units = []
    for item in tree.traverse():
        if item.type != "blob" or not item.path.endswith(".py"):
            continue
        text = item.data_stream.read().decode("utf-8", "replace")
        units += [u for u in parse_source(text, "python", item.path).units if _mutable(u)]
    rng.shuffle(units)
    examples = []
    for unit in units[:limit]:
        code = unit.code_without_doc()
        for kind, mutated, label in mutate(unit, code, rng):
            if mutated != code or label == 0:
                examples.append(_record(package, "mutation", kind, unit.path, unit, None, label, tag,
                                        new_code=mutated))
    return examples


def _mutable(unit: CodeUnit) -> bool:
    parsed = unit.doc.parsed if unit.doc else None
    return bool(unit.kind != CLASS and not unit.is_stub and parsed and parsed.params and len(unit.body) < 4000)


def mutate(unit: CodeUnit, code: str, rng: random.Random) -> list[tuple[str, str, int]]:
    """Return (kind, code, label) mutations of one documented unit.

    Args:
        unit: The unit (for its parameters and return facts).
        code: Its code without documentation.
        rng: Seeded randomness.

    Returns:
        Structural mutations labelled 1 and cosmetic edits labelled 0.
    """
    params = [p for p in unit.params if p.kind not in (RECEIVER, VAR_POSITIONAL, VAR_KEYWORD)]
    header, _, body = code.partition(":\n")
    out: list[tuple[str, str, int]] = []
    if params:
        victim = rng.choice(params).name
        renamed = f"{victim}_value" if not victim.endswith("_value") else f"new_{victim}"
        out.append(("rename-param", re.sub(rf"\b{re.escape(victim)}\b", renamed, code), 1))
        header_removed = re.sub(rf",?\s*\b{re.escape(victim)}\b(\s*:\s*[^,=)]+)?(\s*=\s*[^,)]+)?", "", header, count=1)
        out.append(("remove-param", header_removed.replace("(,", "(") + ":\n" + body, 1))
    close = header.rfind(")")
    if close > 0:
        opener = header.rfind("(", 0, close)
        glue = ", " if header[opener + 1 : close].strip() else ""
        out.append(("add-param", header[:close] + glue + "strict=False" + header[close:] + ":\n" + body, 1))
    if unit.returns_value and unit.doc and unit.doc.parsed.returns:
        dropped = re.sub(r"^(\s*)return\s+\S.*$", r"\1return None", code, flags=re.M)
        out.append(("drop-return", dropped, 1))
    documented_raises = {i.name.rsplit(".", 1)[-1] for i in (unit.doc.parsed.raises or ())} if unit.doc else set()
    raised = [r for r in unit.raises if r.rsplit(".", 1)[-1] in documented_raises]
    if raised:
        name = re.escape(rng.choice(raised))
        # Only one-line raise statements, so the result still parses.
        dropped = re.sub(rf"^(\s*)raise\s+{name}\b[^\n]*[)\w]\s*$", r"\1pass", code, flags=re.M)
        if dropped != code:
            out.append(("drop-raise", dropped, 1))
    changed = changed_default(unit, header)
    if changed is not None:
        out.append(("change-default", changed + ":\n" + body, 1))
    locals_ = sorted(set(re.findall(r"^\s+([a-z_][a-z0-9_]*)\s*=[^=]", body, flags=re.M)) - {p.name for p in unit.params})
    if locals_:
        local = rng.choice(locals_)
        out.append(("rename-local", re.sub(rf"\b{re.escape(local)}\b", f"{local}_tmp", code), 0))
    out.append(("reformat", code.replace("    ", "  ").rstrip() + "\n", 0))
    return out


def changed_default(unit: CodeUnit, header: str) -> str | None:
    """Return the signature with the first default its documentation states changed, or None.

    Args:
        unit: A documented unit.
        header: Its code up to the colon that ends the signature.

    Returns:
        The header with that parameter's literal default replaced by another value of its
        type, or None when the documentation states no default the code has.
    """
    defaults = {p.name: p.default.strip() for p in unit.params if p.default is not None}
    for stated in stated_defaults(unit.doc.parsed):
        written = defaults.get(stated.param)
        value = literal(written) if written is not None else None
        if value is None or not same_value(value, stated.value) or (stated.bare and not isinstance(value, str)):
            continue
        other = _another(value)
        if other is None:
            continue
        pattern = rf"(\b{re.escape(stated.param)}\s*(?::[^=,)]*)?=\s*){re.escape(written)}"
        changed = re.sub(pattern, lambda m: m.group(1) + other, header, count=1)
        if changed != header:
            return changed
    return None


def _another(value: object) -> str | None:
    """Another literal of the same type as `value`, as Python writes it."""
    if isinstance(value, bool):
        return repr(not value)
    if isinstance(value, (int, float)):
        return repr(value * 2 if value else type(value)(1))
    if isinstance(value, str):
        return repr(value.upper() if value.upper() != value else value + "_x")
    return None


def main(argv: list[str] | None = None) -> int:
    """Read the config, build the histories, mine, split by package, save.

    Args:
        argv: Command-line arguments (`--config FILE [--set KEY=VALUE] --out DIR`).

    Returns:
        0.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_config_arguments(parser)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    config = load_config(args.config, parse_set(args.overrides), paths=("archives", "repos"), shipped="mine_drift")
    archives, repos = Path(config["archives"]), Path(config["repos"])
    rng = random.Random(config["seed"])
    cap = config["max_examples_per_package"]

    from tqdm import tqdm

    fetch_releases(config["packages"], archives)
    rows: list[dict] = []
    for package, versions in tqdm(config["packages"].items(), desc="packages"):
        repo, tags = build_history(package, versions, archives, repos)
        if len(tags) < 2:
            print(f"  {package}: fewer than two releases, skipped")
            continue
        history = history_examples(package, repo, tags)
        rng.shuffle(history)
        mutations = mutation_examples(package, repo, tags[-1], config["mutations_per_package"], rng)
        rows += history[:cap] + mutations
        counts = Counter(r["label"] for r in history)
        print(f"  {package}: {len(tags)} releases, history {dict(counts)}, mutations {len(mutations)}")

    from datasets import Dataset, DatasetDict, Features, Value

    schema = Features({name: Value("int64" if name == "label" else "string") for name in COLUMNS})

    test, dev = set(config["test_packages"]), set(config["dev_packages"])
    split = {"train": [], "dev": [], "test": []}
    for row in rows:
        split["test" if row["package"] in test else "dev" if row["package"] in dev else "train"].append(row)
    dataset = DatasetDict({
        name: Dataset.from_dict({c: [row[c] for row in items] for c in COLUMNS}, features=schema)
        for name, items in split.items()
        if items  # `datasets` cannot reload an empty split
    })
    dataset.save_to_disk(str(args.out.expanduser()))
    for name, items in split.items():
        by_source = Counter((r["source"], r["label"]) for r in items)
        print(f"{name}: {len(items)} examples {dict(sorted(by_source.items()))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
