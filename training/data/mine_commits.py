"""Mine commit messages with their diffs from the patches Debian carries for its packages.

No git history is reachable offline, but Debian's archive is: every source package ships
`debian/patches/`, and most of those patches are `git format-patch` output (gbp pq) or carry a
DEP-3 header, so each is a real change with the message its author wrote for it — upstream
cherry-picks, fixes, and Debian's own adaptations. For each source package that builds a
Python (or Node.js, Go) binary package in the configured suites, the `.debian.tar.xz` is
fetched (cached), each patch's
message is read from its `Subject:`/`Description:` header and body, and its diff is reduced to
what CA401 sees at run time: the changed paths, the names of the changed units (hunk headers
and `def`/`class`/`function` lines), and the removed and added lines. Patches that touch no
source file of a language codeassist parses are dropped, as are duplicates.

Rows are written as JSON lines, one file per split; the split is by source package
(`dev_fraction`, `test_fraction` of packages, by a stable hash of the name).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import io
import json
import lzma
import re
import tarfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from codeassist.languages import language_for_path
from training.config import add_config_arguments, load_config, parse_set

SPLITS = ("train", "dev", "test")
_HEADER = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):\s?(.*)$")
_PATCH_PREFIX = re.compile(r"^\s*(\[PATCH[^\]]*\]\s*)+", re.I)
_HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@ ?(.*)$")
_DIFF_START = re.compile(r"^(diff --git |Index: |--- \S|=====)")
_TRAILER = re.compile(r"^(Signed-off-by|Reviewed-by|Acked-by|Tested-by|Co-authored-by|Cc|Change-Id|"
                      r"Gbp-Pq|Bug|Bug-Debian|Bug-Ubuntu|Forwarded|Origin|Applied-Upstream|"
                      r"Last-Update|Author|From|Date|Reviewed-By)\s*:", re.I)


@dataclass
class FileDiff:
    """One file's part of a patch, reduced to what the message is compared with.

    Attributes:
        path: The path after the change.
        contexts: Hunk-header texts (git's function context), in order.
        removed: Removed lines, without the `-`.
        added: Added lines, without the `+`.
    """

    path: str
    contexts: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


@dataclass
class Commit:
    """A message with its change.

    Attributes:
        package: The Debian source package.
        patch: The patch's file name.
        message: Subject, a blank line and the body (trailers removed).
        files: The source files the change touches.
    """

    package: str
    patch: str
    message: str
    files: list[FileDiff]


def source_packages(sources: Path, binary_prefixes: tuple[str, ...]) -> list[tuple[str, str]]:
    """List (package, URL path of its .debian.tar.xz) for packages building a wanted binary.

    Args:
        sources: An uncompressed `Sources` index.
        binary_prefixes: Binary package name prefixes that select a source (e.g. `python3-`).

    Returns:
        The packages in index order.
    """
    found = []
    for stanza in sources.read_text(encoding="utf-8", errors="replace").split("\n\n"):
        fields = dict(re.findall(r"^(Package|Binary|Directory): (.*)$", stanza, re.M))
        binaries = [b.strip() for b in fields.get("Binary", "").split(",")]
        if not any(b.startswith(binary_prefixes) for b in binaries):
            continue
        tarball = re.search(r"^ [0-9a-f]{32} \d+ (\S+\.debian\.tar\.xz)$", stanza, re.M)
        if tarball and "Directory" in fields:
            found.append((fields["Package"], f"{fields['Directory']}/{tarball.group(1)}"))
    return found


def fetch(mirror: str, path: str, cache: Path) -> bytes | None:
    """Return a file of the archive, from the cache or the mirror (None when unreachable).

    Args:
        mirror: The archive's base URL.
        path: The file's path under it.
        cache: Where downloads are kept.

    Returns:
        The file's bytes.
    """
    target = cache / Path(path).name
    missing = target.with_name(target.name + ".missing")
    if target.exists():
        return target.read_bytes()
    if missing.exists():
        return None
    try:
        with urllib.request.urlopen(f"{mirror}/{path}", timeout=60) as response:
            data = response.read()
    except urllib.error.HTTPError as exc:
        if exc.code == 404:  # the mirror does not carry it; do not ask again
            missing.touch()
        return None
    except OSError:
        return None
    target.write_bytes(data)
    return data


def patches(tarball: bytes) -> Iterator[tuple[str, str]]:
    """Yield (name, text) of each patch in a `.debian.tar.xz`.

    Args:
        tarball: The archive's bytes.

    Yields:
        Patches under debian/patches/, decoded leniently.
    """
    try:
        with tarfile.open(fileobj=io.BytesIO(lzma.decompress(tarball))) as archive:
            for member in archive.getmembers():
                if not member.isfile() or not member.name.startswith("debian/patches/"):
                    continue
                if member.name.endswith(("/series", "/README", ".series")) or member.size > 2_000_000:
                    continue
                handle = archive.extractfile(member)
                if handle is not None:
                    yield member.name.removeprefix("debian/patches/"), handle.read().decode("utf-8", "replace")
    except (lzma.LZMAError, tarfile.TarError, EOFError):
        return


def parse_patch(text: str) -> tuple[str, list[FileDiff]]:
    """Split a patch into its message and its per-file diffs.

    Args:
        text: A format-patch or DEP-3 patch.

    Returns:
        (message, files); the message is "" when the patch has none.
    """
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _DIFF_START.match(line)), len(lines))
    return _message(lines[:start]), _files(lines[start:])


def _message(header: list[str]) -> str:
    subject, body, current, in_body = "", [], None, False
    for line in header:
        if line.startswith(("From ", ">From ")) and not in_body and not subject:
            continue  # the mbox separator of format-patch
        if line.strip() == "---" or line.startswith("--- "):
            break
        match = _HEADER.match(line)
        if not in_body and match and not line.startswith(" "):
            current = match.group(1).lower()
            if current in ("subject", "description") and not subject:
                subject = _PATCH_PREFIX.sub("", match.group(2)).strip()
            continue
        if not in_body and line.startswith((" ", "\t")) and current is not None:
            text = line.strip()
            if current == "subject" and not body:
                subject = f"{subject} {text}".strip()
            elif current == "description":
                body.append("" if text == "." else text)
            continue  # a folded line of another header (a long From:, say)
        if not line.strip():
            in_body = in_body or bool(subject)
            body.append("")
            continue
        if in_body or not subject:
            if _TRAILER.match(line):
                continue
            if not subject:
                subject, in_body = line.strip(), True
            else:
                body.append(line.rstrip())
    paragraphs = "\n".join(body).strip()
    return f"{subject}\n\n{paragraphs}".strip() if subject else ""


def _files(lines: list[str]) -> list[FileDiff]:
    files: list[FileDiff] = []
    current: FileDiff | None = None
    old_left = new_left = 0
    for i, line in enumerate(lines):
        if old_left > 0 or new_left > 0:  # inside a hunk: its header says how many lines follow
            if current is None or line.startswith("\\"):
                continue
            if line.startswith("-"):
                current.removed.append(line[1:])
                old_left -= 1
            elif line.startswith("+"):
                current.added.append(line[1:])
                new_left -= 1
            else:
                old_left, new_left = old_left - 1, new_left - 1
            continue
        if line.startswith("+++ ") and i and lines[i - 1].startswith("--- "):
            path = _strip_prefix(lines[i - 1][4:].split("\t")[0].strip(), line[4:].split("\t")[0].strip())
            current = FileDiff(path) if path != "/dev/null" else None
            if current is not None:
                files.append(current)
            continue
        hunk = _HUNK.match(line)
        if hunk:
            old_left, new_left = int(hunk.group(1) or 1), int(hunk.group(2) or 1)
            if current is not None and hunk.group(3).strip():
                current.contexts.append(hunk.group(3).strip())
    return files


def _strip_prefix(old: str, new: str) -> str:
    """Drop the leading directory that only names the tree: `b/x.py`, quilt's `pkg/x.py` beside `pkg.orig/x.py`."""
    old_top, _, _ = old.partition("/")
    top, _, rest = new.partition("/")
    if rest and (top in ("a", "b") or (old_top != top and old != "/dev/null")):
        return rest
    return new


def commits_of(package: str, tarball: bytes, max_lines: int) -> Iterator[Commit]:
    """Yield the usable commits among a package's patches.

    Args:
        package: The source package.
        tarball: Its `.debian.tar.xz`.
        max_lines: Drop a patch changing more source lines than this (vendored drops, refreshes).

    Yields:
        Commits with a message and at least one changed source file.
    """
    for name, text in patches(tarball):
        message, files = parse_patch(text)
        files = [f for f in files if language_for_path(f.path) is not None and (f.added or f.removed)]
        size = sum(len(f.added) + len(f.removed) for f in files)
        if len(message) >= 8 and files and size <= max_lines:
            yield Commit(package, name, message, files)


def split_of(package: str, dev_fraction: float, test_fraction: float) -> str:
    """Assign a package to a split by a stable hash of its name.

    Args:
        package: The source package.
        dev_fraction: Share of packages in dev.
        test_fraction: Share of packages in test.

    Returns:
        "train", "dev" or "test".
    """
    value = int(hashlib.sha256(package.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    if value < test_fraction:
        return "test"
    return "dev" if value < test_fraction + dev_fraction else "train"


def main(argv: list[str] | None = None) -> int:
    """Mine the corpus described by a config file.

    Args:
        argv: Command-line arguments (`--config FILE [--set KEY=VALUE] --out DIR`).

    Returns:
        0.

    Raises:
        SystemExit: When the mirror cannot be reached for a suite's package index.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_config_arguments(parser)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    config = load_config(args.config, parse_set(args.overrides), paths=("cache",), shipped="mine_commits")
    cache = Path(config["cache"])
    for suite in config["suites"]:
        (cache / suite).mkdir(parents=True, exist_ok=True)
    packages: list[tuple[str, str]] = []
    for suite in config["suites"]:
        sources = cache / f"Sources-{suite}"
        if not sources.exists():
            data = fetch(config["mirror"], f"dists/{suite}/main/source/Sources.xz", cache / suite)
            if data is None:
                raise SystemExit(f"cannot reach {config['mirror']} for {suite}")
            sources.write_bytes(lzma.decompress(data))
        packages += source_packages(sources, tuple(config["binary_prefixes"]))[: config["max_packages"]]
    packages = list(dict.fromkeys(packages))  # a version in two suites is fetched once
    print(f"{len(packages)} source packages", flush=True)
    from tqdm import tqdm

    args.out.mkdir(parents=True, exist_ok=True)
    outputs = {split: (args.out / f"{split}.jsonl").open("w") for split in SPLITS}
    seen: set[str] = set()
    counts = dict.fromkeys(SPLITS, 0)
    (cache / "tarballs").mkdir(exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(config["downloads"]) as pool:
        jobs = {pool.submit(fetch, config["mirror"], path, cache / "tarballs"): name for name, path in packages}
        for job in tqdm(concurrent.futures.as_completed(jobs), total=len(jobs), desc="packages"):
            package, tarball = jobs[job], job.result()
            if tarball is None:
                continue
            split = split_of(package, config["dev_fraction"], config["test_fraction"])
            for commit in commits_of(package, tarball, config["max_changed_lines"]):
                key = hashlib.sha256(json.dumps([commit.message, [asdict(f) for f in commit.files]]).encode()).hexdigest()
                if key in seen:
                    continue
                seen.add(key)
                outputs[split].write(json.dumps(asdict(commit)) + "\n")
                counts[split] += 1
    for handle in outputs.values():
        handle.close()
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
