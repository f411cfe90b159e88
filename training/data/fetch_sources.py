"""Fetch the pinned sources of the pair miner into the data cache, skipping what is present.

python -m training.data.fetch_sources --config training/configs/mine_pairs.toml

Registry clients only, one pinned spec each, as the config lists them: PyPI sdists
(`pip download --no-deps`, the sdist of the named package only: its build requirements may be
wheels, which keeps the metadata step from compiling Cython), npm tarballs (`npm pack`) and
Debian packages that ship sources (`apt-get download`, unpacked with `dpkg-deb -x`). A spec
that fails is reported and the run goes on; the miner then refuses to start until it is
fetched, so a dataset never silently lacks a package its config lists.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

from training.config import add_config_arguments, load_config, parse_set

KINDS = ("pypi", "npm", "deb")
_SDIST = re.compile(r"^(?P<name>.+)-(?P<version>[^-]+?)\.(tar\.gz|zip|tar\.bz2|tgz)$")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def sdist_path(spec: str, root: Path) -> Path | None:
    """Return the downloaded sdist of a pinned PyPI requirement, if it is there.

    Args:
        spec: `NAME==VERSION`.
        root: The sources directory (its `pypi/` holds the sdists).

    Returns:
        The archive, or None when it has not been fetched.
    """
    name, version = spec.split("==")
    for path in sorted((root / "pypi").glob("*")):
        match = _SDIST.match(path.name)
        if match and _normal(match["name"]) == _normal(name) and match["version"] == version:
            return path
    return None


def npm_path(spec: str, root: Path) -> Path | None:
    """Return the downloaded tarball of a pinned npm package, if it is there.

    Args:
        spec: `NAME@VERSION`, the name possibly scoped (`@scope/name@1.0.0`).
        root: The sources directory (its `npm/` holds the tarballs).

    Returns:
        The `npm pack` tarball, or None when it has not been fetched.
    """
    path = root / "npm" / (spec.lstrip("@").replace("/", "-").replace("@", "-") + ".tgz")
    return path if path.is_file() else None


def deb_tree(spec: str, root: Path) -> Path | None:
    """Return the unpacked tree of a pinned Debian package, if it is there.

    Args:
        spec: `NAME=VERSION`, as `apt-get download` takes it.
        root: The sources directory (its `deb-unpacked/` holds the trees).

    Returns:
        The directory `dpkg-deb -x` filled, or None when it has not been fetched.
    """
    path = root / "deb-unpacked" / spec.replace("=", "_").replace(":", "%3a")
    return path if path.is_dir() else None


def fetch(kind: str, spec: str, root: Path) -> Path:
    """Download (and for a .deb unpack) one pinned source unless it is already there.

    Args:
        kind: "pypi", "npm" or "deb".
        spec: The pinned spec, in the registry client's own syntax.
        root: The sources directory.

    Returns:
        The sdist, the tarball, or the unpacked tree.

    Raises:
        RuntimeError: When the registry client fails or leaves nothing behind.
    """
    locate = {"pypi": sdist_path, "npm": npm_path, "deb": deb_tree}[kind]
    found = locate(spec, root)
    if found is not None:
        return found
    downloads = root / kind
    downloads.mkdir(parents=True, exist_ok=True)
    if kind == "pypi":
        name = spec.split("==")[0]
        command = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", name,
                   "-d", str(downloads), spec]
    elif kind == "npm":
        command = ["npm", "pack", "-q", "--pack-destination", str(downloads), spec]
    else:
        command = ["apt-get", "download", "-q", spec]
    # A .deb downloaded by an earlier, interrupted run only needs unpacking.
    if kind != "deb" or not _deb_files(spec, downloads):
        done = subprocess.run(command, cwd=downloads, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command[:3])} {spec} failed: {done.stderr.strip()[-300:]}")
    if kind == "deb":
        _unpack(spec, downloads, root)
    found = locate(spec, root)
    if found is None:
        raise RuntimeError(f"{spec}: the download left no file where the miner looks")
    return found


def _deb_files(spec: str, downloads: Path) -> list[Path]:
    # apt-get names the file NAME_VERSION_ARCH.deb, with an epoch's ":" written as "%3a".
    name, version = spec.split("=", 1)
    stem = f"{name}_{version.replace(':', '%3a')}_"
    return [path for path in downloads.glob("*.deb") if path.name.startswith(stem)]


def _unpack(spec: str, downloads: Path, root: Path) -> None:
    (deb,) = _deb_files(spec, downloads)
    target = root / "deb-unpacked" / spec.replace("=", "_").replace(":", "%3a")
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    subprocess.run(["dpkg-deb", "-x", str(deb), str(partial)], check=True)
    partial.rename(target)


def pinned(config: dict) -> list[tuple[str, str]]:
    """List the config's pinned sources as (kind, spec), in config order.

    Args:
        config: The miner's config.

    Returns:
        Every spec of `pypi`, `npm` and `deb`.
    """
    return [(kind, spec) for kind in KINDS for spec in config[kind]]


def strays(config: dict, root: Path) -> list[Path]:
    """List what the miner would read from the sources folders that no pin asked for.

    Args:
        config: The miner's config.
        root: The sources directory.

    Returns:
        Archives and unpacked trees in `pypi/`, `npm/` and `deb-unpacked/` that are not the
        fetched file of a pinned spec (an older version, a hand-copied archive).
    """
    locate = {"pypi": sdist_path, "npm": npm_path, "deb": deb_tree}
    wanted = {locate[kind](spec, root) for kind, spec in pinned(config)}
    present = [path for folder in ("pypi", "npm", "deb-unpacked") if (root / folder).is_dir()
               for path in sorted((root / folder).iterdir())]
    return [path for path in present if path not in wanted and not path.name.endswith(".partial")]


def main(argv: list[str] | None = None) -> int:
    """Fetch every pinned source of the miner's config that is not in the cache yet.

    Args:
        argv: Command-line arguments (`--config FILE [--set KEY=VALUE]`).

    Returns:
        0 when every source is present afterwards, 1 when some could not be fetched.
    """
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_config_arguments(cli)
    args = cli.parse_args(argv)
    config = load_config(args.config, parse_set(args.overrides), paths=["sources_dir"], shipped="mine_pairs")
    root = Path(config["sources_dir"])
    failed = []
    for kind, spec in pinned(config):
        try:
            fetch(kind, spec, root)
        except (RuntimeError, subprocess.SubprocessError, ValueError) as exc:
            failed.append(spec)
            print(f"{kind} {spec}: {exc}", file=sys.stderr)
    print(f"{len(pinned(config)) - len(failed)} sources present, {len(failed)} failed", file=sys.stderr)
    for path in strays(config, root):
        print(f"not pinned, but the miner reads it: {path} (remove it or pin it)", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
