"""`codeassist review`: the findings of what changed in git (staged, a commit, a range, a PR)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codeassist.cli import reporting
from codeassist.errors import CodeassistError
from codeassist.review.limits import DEFAULT_MAX_DIFF_LINES, DEFAULT_MAX_FILES

if TYPE_CHECKING:
    from codeassist.config import Settings
    from codeassist.review.selection import Selection


def review(*, staged: bool = False, working: bool = False, commit: str | None = None,
           rev_range: str | None = None, base: str | None = None, repo: Path = Path("."),
           filter_mode: str = "added", max_files: int = DEFAULT_MAX_FILES,
           max_diff_lines: int = DEFAULT_MAX_DIFF_LINES, llm: bool | None = None,
           model: str | None = None, device: str = "auto", llm_url: str | None = None,
           llm_model: str | None = None, llm_timeout: float | None = None, select: tuple[str, ...] | None = None,
           ignore: tuple[str, ...] | None = None, format: str | None = None, output: Path | None = None,
           config: Path | None = None, baseline: Path | None = None, generate_baseline: Path | None = None,
           max_file_bytes: int | None = None, no_cache: bool = False, exit_zero: bool = False) -> int:
    """Check what changed in git and report the change's findings.

    With no source given, the index is reviewed against HEAD, except under pre-commit's
    pre-push stage, where PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF is.

    Args:
        staged: Review the index against HEAD (the default).
        working: Review the work tree against HEAD.
        commit: Review one commit against its first parent.
        rev_range: Review the changes of `A..B`.
        base: Review from the merge base of this ref and HEAD to HEAD (pull requests).
        repo: A path in the repository.
        filter_mode: Which findings to keep: added, diff_context, file or nofilter.
        max_files: Review at most this many files.
        max_diff_lines: Skip files with more changed lines.
        llm: Also ask the local LLM for CA501 comments (None: from the config, off under pre-commit).
        model: The LLM (None: the packaged default).
        device: "auto", "cpu", "cuda" or "mps".
        llm_url: An OpenAI-compatible server to ask instead (None: `llm-url` from the config, if any).
        llm_model: The server's model (None: the configured one, else the first it lists).
        llm_timeout: Seconds to wait for each of the server's answers (None: from the config).
        select: Rule-id prefixes to enable (None: from the config).
        ignore: Rule-id prefixes to disable (None: from the config).
        format: The output format (None: from the config).
        output: Write the report to this file instead of stdout.
        config: A TOML file with `[tool.codeassist]` (None: pyproject.toml at the root).
        baseline: Report only findings not in this baseline file.
        generate_baseline: Write all current findings to this file and exit 0.
        max_file_bytes: Skip larger files (None: from the config).
        no_cache: Do not read or write the parse cache.
        exit_zero: Exit 0 even when there are findings.

    Returns:
        0 without findings, 1 with findings.

    Raises:
        CodeassistError: When a limit is not positive.
    """
    import os

    from codeassist.changes import gitdiff
    from codeassist.review.diffreview import review_changeset
    if max_files <= 0 or max_diff_lines <= 0:
        raise CodeassistError("--max-files and --max-diff-lines must be positive", "pass a positive number")
    git_repo = gitdiff.open_repo(repo)
    root = Path(git_repo.working_tree_dir or ".")
    settings, selection = reporting.load_settings(root, config=config, select=select, ignore=ignore,
                                                  format=format, max_file_bytes=max_file_bytes, llm=llm)
    from_ref, to_ref = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    if working:
        changes = gitdiff.working(git_repo)
    elif commit:
        changes = gitdiff.commit(git_repo, commit)
    elif rev_range:
        changes = gitdiff.revision_range(git_repo, rev_range)
    elif base:
        changes = gitdiff.since_base(git_repo, base)
    elif not staged and from_ref and to_ref:
        changes = gitdiff.since_base(git_repo, from_ref, to_ref)  # pre-commit's pre-push stage
    else:
        changes = gitdiff.staged(git_repo)
    result = review_changeset(
        changes, selection, filter_mode=filter_mode, severity=settings.severity,
        exclude=settings.exclude, max_files=max_files, max_diff_lines=max_diff_lines,
        max_file_bytes=settings.max_file_bytes, use_cache=not no_cache,
        read=lambda path: gitdiff.read_new_side(git_repo, changes, path),
        paths=lambda: gitdiff.new_side_paths(git_repo, changes),
        messages=[(sha, gitdiff.commit_message(git_repo, sha)) for sha in changes.commits],
        changes_of=lambda sha: gitdiff.commit(git_repo, sha),
        comment=_llm_comments(llm=llm, model=model, device=device, settings=settings, selection=selection,
                              root=root, llm_url=llm_url, llm_model=llm_model, llm_timeout=llm_timeout),
    )
    return reporting.finish(result, settings, root, output=output, baseline=baseline,
                            generate_baseline=generate_baseline, exit_zero=exit_zero)


def _llm_comments(*, llm: bool | None, model: str | None, device: str, settings: Settings,
                  selection: Selection, root: Path, llm_url: str | None, llm_model: str | None,
                  llm_timeout: float | None) -> Callable[..., Any] | None:
    """Return the CA501 commenting function when LLM comments are on and selected, else None.

    `llm = true` in the config is for CI: under pre-commit (which sets PRE_COMMIT=1) it is
    ignored, since a hook pays the model's latency on every commit; `--llm` in the hook's
    args still turns it on there.
    """
    import os

    wanted = llm if llm is not None else settings.llm and not os.environ.get("PRE_COMMIT")
    if not wanted or not selection.enabled("CA501"):
        return None
    from functools import partial

    from codeassist.heads.llm_review.comments import review_comments
    from codeassist.cli.backend import chosen_server
    from codeassist.llm.models import resolve
    server = chosen_server(root, model=model, llm_url=llm_url, llm_model=llm_model, llm_timeout=llm_timeout,
                           settings=settings)
    if server is None:
        resolve(model)  # fail now, with the fix, when the model is not installed
    return partial(review_comments, model=model, device=device, server=server)
