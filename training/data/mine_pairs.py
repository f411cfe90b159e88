"""Mine code–documentation pairs from source trees you name, into a `datasets` DatasetDict.

Sources (all explicit, listed in the config): the Python standard library of the running
interpreter, source archives (`pip download --no-binary :all:` sdists, `npm pack` tarballs)
and git repositories (read at one revision with GitPython). Never a virtualenv wholesale:
its dependency tree would bias the evaluation towards our own stack.

Filters, after CodeSearchNet: functions and methods only; the first paragraph of the
documentation has 4–60 words and does not start with a section or tag; the code without its
documentation has at least 3 lines; no tests (by path or name), no dunder methods, no
vendored copies. Pairs are deduplicated on the whitespace-normalised code: a unit that also
appears in another package is kept only in the first of test, dev, train, so the held-out
splits never share code with training. The split is by package, from the config.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import sysconfig
import tarfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from codeassist.parsing.ast_seq import linearise
from codeassist.languages import language_for_path
from codeassist.parsing.parse import parse_source
from codeassist.records import CLASS, CodeUnit
from training.config import add_config_arguments, load_config, parse_set

SKIP_DIRS = frozenset({
    "test", "tests", "testing", "_vendor", "vendor", "vendored", "extern", "_distutils",
    "site-packages", "idle_test", "lib2to3", "docs", "doc", "examples", "benchmarks", "dist",
    "node_modules", "fixtures", "__pycache__", "build",
})
_SECTION = re.compile(r"^(:|@|\.\.|>>>|args\b|arguments\b|parameters\b|returns?\b|params?\b)", re.I)
MAX_FILE_BYTES = 1_000_000
COLUMNS = ("package", "language", "path", "qualname", "doc", "code", "ast")


def first_paragraph(doc: str) -> str:
    """Return the first paragraph of documentation text, whitespace collapsed.

    Args:
        doc: Documentation with the comment syntax removed.

    Returns:
        The text up to the first blank line or tag line.
    """
    lines = []
    for line in doc.strip().splitlines():
        if not line.strip() or line.strip().startswith("@"):
            break
        lines.append(line.strip())
    return " ".join(" ".join(lines).split())


def keep(unit: CodeUnit, doc: str, code: str) -> bool:
    """Apply the CodeSearchNet-style filters to one unit.

    Args:
        unit: The unit.
        doc: Its first documentation paragraph.
        code: Its code without documentation.

    Returns:
        Whether the pair is kept.
    """
    if unit.kind == CLASS or unit.is_stub:
        return False
    name = unit.name.lower()
    if "test" in name or (unit.name.startswith("__") and unit.name.endswith("__")):
        return False
    if not 4 <= len(doc.split()) <= 60 or _SECTION.match(doc):
        return False
    return code.count("\n") + 1 >= 3


def iter_files(source: dict) -> Iterator[tuple[str, bytes]]:
    """Yield (path, content) of the source files of one configured source.

    Args:
        source: A config entry: {kind = "stdlib"} | {kind = "archive", path} |
            {kind = "git", path, rev}.

    Yields:
        Paths inside the source, `/`-separated, and file contents.
    """
    kind = source["kind"]
    if kind == "stdlib":
        root = Path(sysconfig.get_paths()["stdlib"])
        for path in sorted(root.rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            if _wanted(rel):
                yield rel, path.read_bytes()
    elif kind == "archive":
        yield from _archive_files(Path(source["path"]))
    elif kind == "git":
        import git

        commit = git.Repo(source["path"]).commit(source["rev"])
        for blob in commit.tree.traverse():
            if blob.type == "blob" and _wanted(blob.path):
                yield blob.path, blob.data_stream.read()
    else:
        raise ValueError(f"unknown source kind {kind!r}")


def _wanted(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    name = parts[-1].lower()
    return (
        language_for_path(rel) is not None
        and not SKIP_DIRS.intersection(p.lower() for p in parts[:-1])
        and not name.startswith("test_") and not name.endswith(("_test.py", ".min.js", ".d.ts", "_test.go"))
    )


def _archive_files(path: Path) -> Iterator[tuple[str, bytes]]:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            for info in sorted(archive.infolist(), key=lambda i: i.filename):
                rel = info.filename.split("/", 1)[-1]
                if not info.is_dir() and info.file_size <= MAX_FILE_BYTES and _wanted(rel):
                    yield rel, archive.read(info)
        return
    with tarfile.open(path) as archive:
        for member in sorted(archive.getmembers(), key=lambda m: m.name):
            rel = member.name.split("/", 1)[-1]
            if member.isfile() and member.size <= MAX_FILE_BYTES and _wanted(rel):
                data = archive.extractfile(member)
                if data is not None:
                    yield rel, data.read()


def package_name(path: Path) -> str:
    """Return the package name of an sdist or npm tarball from its file name.

    Args:
        path: e.g. `python_dateutil-2.9.0.post0.tar.gz` or `lodash-4.17.21.tgz`.

    Returns:
        The normalised name, e.g. "python-dateutil".
    """
    stem = path.name.removesuffix(".tar.gz").removesuffix(".tgz").removesuffix(".zip")
    return re.sub(r"-\d.*$", "", stem).lower().replace("_", "-")


def mine_source(package: str, source: dict, *, max_pairs: int) -> list[dict]:
    """Parse every file of one source and return its filtered pairs.

    Args:
        package: The package name recorded in every row (the split unit).
        source: The config entry.
        max_pairs: Keep at most this many (a deterministic sample) so no package dominates.

    Returns:
        Rows with package, language, path, qualname, doc, code and ast.
    """
    rows = []
    for rel, data in iter_files(source):
        spec = language_for_path(rel)
        try:
            units = parse_source(data.decode("utf-8"), spec.name, rel).units
        except (UnicodeDecodeError, ValueError):
            continue
        for unit in units:
            if unit.doc is None:
                continue
            doc = first_paragraph(unit.doc.text)
            code = unit.code_without_doc()  # the docstring adapter's input (docstrings.summary_input)
            if keep(unit, doc, code):
                rows.append(dict(package=package, language=spec.name, path=rel, qualname=unit.qualname,
                                 doc=doc, code=code, ast=linearise(code, spec.name)))
    rows.sort(key=lambda r: _digest(r["code"]))
    return rows[:max_pairs]


def _digest(code: str) -> str:
    return hashlib.sha1(" ".join(code.split()).encode("utf-8")).hexdigest()


def sources_from_config(config: dict) -> list[tuple[str, dict]]:
    """Expand the config's sources into (package, source) pairs, in a fixed order.

    Args:
        config: The parsed TOML.

    Returns:
        One entry per package.
    """
    out: list[tuple[str, dict]] = []
    if config["stdlib"]:
        out.append(("python-stdlib", {"kind": "stdlib"}))
    for directory in config["archive_dirs"]:
        for path in sorted(Path(directory).expanduser().iterdir()):
            if path.name.endswith((".tar.gz", ".tgz", ".zip")):
                out.append((package_name(path), {"kind": "archive", "path": str(path)}))
    for repo in config["git"]:
        out.append((repo["package"], {"kind": "git", "path": repo["path"], "rev": repo["rev"]}))
    return out


def build(config: dict):  # noqa: ANN201 - datasets.DatasetDict
    """Mine, deduplicate and split every configured source.

    Args:
        config: The parsed TOML (sources, test/dev packages, max_pairs_per_package).

    Returns:
        A DatasetDict with "train", "dev" and "test".
    """
    from datasets import Dataset, DatasetDict, Features, Value

    test, dev = set(config["test_packages"]), set(config["dev_packages"])
    split_of = lambda package: "test" if package in test else "dev" if package in dev else "train"  # noqa: E731
    mined: list[dict] = []
    for package, source in sources_from_config(config):
        rows = mine_source(package, source, max_pairs=config["max_pairs_per_package"])
        print(f"{package}: {len(rows)} pairs", file=sys.stderr)
        mined += rows
    # Held-out splits win duplicates, so no test code is ever trained on.
    order = {"test": 0, "dev": 1, "train": 2}
    mined.sort(key=lambda r: order[split_of(r["package"])])
    seen: set[str] = set()
    splits: dict[str, list[dict]] = {"train": [], "dev": [], "test": []}
    for row in mined:
        digest = _digest(row["code"])
        if digest not in seen:
            seen.add(digest)
            splits[split_of(row["package"])].append(row)
    features = Features({column: Value("string") for column in COLUMNS})
    return DatasetDict({name: Dataset.from_dict(
        {column: [row[column] for row in rows] for column in COLUMNS}, features=features)
        for name, rows in splits.items()})


def main(argv: list[str] | None = None) -> int:
    """Run the mining from a config file and save the dataset to disk.

    Args:
        argv: Command-line arguments (`--config FILE [--set KEY=VALUE] --out DIR`).

    Returns:
        0.
    """
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_config_arguments(cli)
    cli.add_argument("--out", type=Path, required=True)
    args = cli.parse_args(argv)
    config = load_config(args.config, parse_set(args.overrides), shipped="mine_pairs")
    dataset = build(config)
    # One shard per split: datasets cannot reload an empty split saved with zero shards.
    dataset.save_to_disk(str(args.out), num_shards={name: 1 for name in dataset})
    for name, split in dataset.items():
        counts = Counter(split["package"])
        print(f"{name}: {len(split)} pairs from {len(counts)} packages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
