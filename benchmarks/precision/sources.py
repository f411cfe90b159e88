"""The real packages of the precision benchmark: read the pinned list, fetch, unpack.

Downloads go to a cache directory (`CODEASSIST_BENCH_DATA`, default
~/.cache/codeassist-data/precision) so a rerun reads the same bytes; nothing is committed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

SOURCES_FILE = "sources.toml"


@dataclass(frozen=True)
class Package:
    """One pinned package.

    Attributes:
        name: A short name, used in finding keys.
        language: The language its checked files are written in.
        kind: Where it comes from: "pypi", "npm" or "deb".
        spec: The pinned requirement as the registry's tool takes it.
        paths: What to check inside the unpacked archive; `zip:ARCHIVE:PREFIX` takes the
            members of a zip file inside it under PREFIX.
        exclude: Names to leave out of the checked tree (bundles, generated files).
        targets: For a release of a pair, where each of `paths` goes in the repository (the
            archive path without its version).
    """

    name: str
    language: str
    kind: str
    spec: str
    paths: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReleasePair:
    """Two releases of one package, reviewed as one commit.

    Attributes:
        old: The earlier release, as a Package.
        new: The later release.
    """

    old: Package
    new: Package


def _sources() -> dict:
    return tomllib.loads(resources.files(__package__).joinpath(SOURCES_FILE).read_text(encoding="utf-8"))


def load_packages() -> list[Package]:
    """Read the `[[package]]` tables of `sources.toml`.

    Returns:
        The packages, in file order.
    """
    return [
        Package(entry["name"], entry["language"], entry["kind"], entry["spec"],
                tuple(entry["paths"]), tuple(entry.get("exclude", ())))
        for entry in _sources()["package"]
    ]


def load_pairs() -> list[ReleasePair]:
    """Read the `[[pair]]` tables of `sources.toml`.

    Returns:
        The release pairs, in file order; `{version}` in their paths filled in per release.
    """
    pairs = []
    for entry in _sources().get("pair", ()):
        def release(spec: str, entry: dict = entry) -> Package:
            version = spec.replace("==", "@").rsplit("@", 1)[1]
            paths = tuple(path.format(version=version) for path in entry["paths"])
            targets = tuple(path.replace("-{version}", "") for path in entry["paths"])
            return Package(entry["name"], entry["language"], entry["kind"], spec, paths, targets=targets)
        pairs.append(ReleasePair(release(entry["old"]), release(entry["new"])))
    return pairs


def data_root() -> Path:
    """Return where downloads and unpacked archives are kept."""
    default = Path.home() / ".cache" / "codeassist-data" / "precision"
    return Path(os.environ.get("CODEASSIST_BENCH_DATA", default))


def fetch(package: Package, root: Path) -> Path:
    """Download and unpack a package once.

    Args:
        package: The package.
        root: The data root.

    Returns:
        The unpacked archive's directory.
    """
    unpacked = root / "unpacked" / package.spec.replace("/", "_").replace("=", "-")
    if unpacked.is_dir():
        return unpacked
    downloads = root / "downloads" / package.kind
    downloads.mkdir(parents=True, exist_ok=True)
    archive = _download(package, downloads)
    partial = unpacked.with_name(unpacked.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    if package.kind == "deb":
        subprocess.run(["dpkg-deb", "-x", str(archive), str(partial)], check=True)
    elif archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zipped:
            zipped.extractall(partial)
    else:
        with tarfile.open(archive) as tarred:
            tarred.extractall(partial, filter="data")
    partial.rename(unpacked)
    return unpacked


def _download(package: Package, downloads: Path) -> Path:
    before = set(downloads.iterdir())
    if package.kind == "pypi":
        name = package.spec.split("==")[0].lower().replace("-", "_")
        found = [p for p in before if p.name.lower().replace("-", "_").startswith(name + "_")
                 and package.spec.split("==")[1] in p.name]
        if not found:
            subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                            "--no-binary", ":all:", "-d", str(downloads), package.spec], check=True)
    elif package.kind == "npm":
        stem = package.spec.lstrip("@").replace("/", "-").replace("@", "-")
        found = [p for p in before if p.name == f"{stem}.tgz"]
        if not found:
            subprocess.run(["npm", "pack", "-q", "--pack-destination", str(downloads), package.spec],
                           check=True, stdout=subprocess.DEVNULL)
    else:
        name, version = package.spec.split("=", 1)
        found = [p for p in before if p.name.startswith(f"{name}_") and p.suffix == ".deb"]
        if not found:
            subprocess.run(["apt-get", "download", "-q", f"{name}={version}"], cwd=downloads,
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    found = sorted(set(downloads.iterdir()) - before) or found
    return found[0]


def materialize(package: Package, unpacked: Path, work: Path) -> Path:
    """Copy what the package's `paths` name into a fresh directory named after it.

    Args:
        package: The package.
        unpacked: Its unpacked archive.
        work: The run's scratch directory.

    Returns:
        `work/<name>`, holding the checked files at their archive-relative paths.
    """
    dest = work / package.name
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns(*package.exclude) if package.exclude else None
    for path in package.paths:
        if path.startswith("zip:"):
            _, archive, prefix = path.split(":", 2)
            with zipfile.ZipFile(unpacked / archive) as zipped:
                for member in zipped.namelist():
                    if member.startswith(prefix) and not member.endswith("/"):
                        target = dest / member
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(zipped.read(member))
            continue
        source = unpacked / path
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=ignore)
        else:
            shutil.copy2(source, target)
    return dest
