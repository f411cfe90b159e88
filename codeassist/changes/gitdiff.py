"""ChangeSets from git through GitPython: staged, working tree, one commit, a range, a base.

A ChangeSet lists the touched files with their status, their hunks (from a zero-context
diff, so line sets are exact) and the old and new text of each. Merge commits are compared
with their first parent and a root commit with the empty tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from codeassist.errors import CodeassistError

if TYPE_CHECKING:
    import git

ADDED = "added"
MODIFIED = "modified"
DELETED = "deleted"
RENAMED = "renamed"
MODE_CHANGED = "mode changed"

INDEX = "INDEX"
WORKTREE = "WORKTREE"

_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)
_SUBMODULE_MODE = 0o160000
_SYMLINK_MODE = 0o120000
CONTEXT_LINES = 3


@dataclass(frozen=True)
class Hunk:
    """One hunk of a zero-context diff: old and new line ranges (1-based start, count)."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int


@dataclass(frozen=True)
class FileChange:
    """One touched file.

    Attributes:
        path: The path after the change (before it, for a deleted file), repo-relative.
        old_path: The path before the change; differs from `path` for a rename.
        status: added, modified, deleted, renamed or "mode changed".
        hunks: The changed line ranges.
        old_text: The content before the change (None when added or unreadable).
        new_text: The content after it (None when deleted or unreadable).
        unreadable: Why the content cannot be reviewed (binary, not UTF-8, a submodule).
    """

    path: str
    old_path: str
    status: str
    hunks: tuple[Hunk, ...] = ()
    old_text: str | None = None
    new_text: str | None = None
    unreadable: str | None = None

    @property
    def added_lines(self) -> frozenset[int]:
        """New-side lines that the change added or modified."""
        return frozenset(
            line for h in self.hunks for line in range(h.new_start, h.new_start + h.new_count)
        )

    @property
    def context_lines(self) -> frozenset[int]:
        """New-side lines in the hunks of an ordinary diff: changes plus 3 lines around."""
        lines: set[int] = set()
        for h in self.hunks:
            lines.update(range(max(1, h.new_start - CONTEXT_LINES), h.new_start + h.new_count + CONTEXT_LINES))
        return frozenset(lines)

    @property
    def diff_lines(self) -> int:
        """Added plus removed lines."""
        return sum(h.old_count + h.new_count for h in self.hunks)


@dataclass
class ChangeSet:
    """The files one source of changes touched.

    Attributes:
        root: The repository's work tree.
        description: What was compared, for messages ("staged changes", "a1b2c3d..HEAD").
        files: The touched files.
        commits: The commits in the change, oldest first (empty for staged/working).
        new_side: Where the files after the change live: INDEX, WORKTREE or a commit sha.
    """

    root: Path
    description: str
    files: list[FileChange] = field(default_factory=list)
    commits: list[str] = field(default_factory=list)
    new_side: str = "INDEX"


def open_repo(path: Path) -> git.Repo:
    """Open the git repository that contains `path`.

    Args:
        path: A directory inside the work tree.

    Returns:
        The repository.

    Raises:
        CodeassistError: When there is no repository or it has no work tree.
    """
    import git

    try:
        repo = git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise CodeassistError(
            f"not a git repository: {path}", "run inside one or pass --repo DIR"
        ) from None
    if repo.bare or repo.working_tree_dir is None:
        raise CodeassistError(f"bare repository: {path}", "run inside a work tree")
    return repo


def staged(repo: git.Repo) -> ChangeSet:
    """The index against HEAD (against the empty tree before the first commit).

    Args:
        repo: The repository.

    Returns:
        The staged changes.
    """
    import git

    if _has_head(repo):
        head = repo.head.commit
        diffs = repo.index.diff(head, create_patch=True, R=True, M=True, unified=0)
    else:
        head = None
        diffs = repo.index.diff(git.NULL_TREE, create_patch=True, M=True, unified=0)
    return _changeset(repo, "staged changes", diffs, new_side=INDEX, old_side=head)


def working(repo: git.Repo) -> ChangeSet:
    """The work tree (tracked files) against HEAD.

    Args:
        repo: The repository.

    Returns:
        The uncommitted changes, staged or not.
    """
    if not _has_head(repo):
        return staged(repo)  # before the first commit only the index knows the files
    head = repo.head.commit
    diffs = head.diff(None, create_patch=True, M=True, unified=0)
    return _changeset(repo, "working tree changes", diffs, new_side=WORKTREE, old_side=head)


def commit(repo: git.Repo, rev: str) -> ChangeSet:
    """One commit against its first parent (a root commit against the empty tree).

    Args:
        repo: The repository.
        rev: A revision naming the commit.

    Returns:
        The commit's changes.
    """
    import git

    target = resolve(repo, rev)
    if target.parents:
        parent = target.parents[0]
        diffs = _diff(repo, parent, target, f"the parent of {rev}")
    else:
        parent = None
        diffs = target.diff(git.NULL_TREE, create_patch=True, M=True, unified=0)
    return _changeset(
        repo, f"commit {target.hexsha[:12]}", diffs, commits=[target.hexsha], new_side=target.hexsha,
        old_side=parent,
    )


def revision_range(repo: git.Repo, spec: str) -> ChangeSet:
    """The changes from A to B for a range `A..B` (`A..` means `A..HEAD`).

    Args:
        repo: The repository.
        spec: The range.

    Returns:
        The range's changes.

    Raises:
        CodeassistError: When `spec` is not of the form A..B.
    """
    if ".." not in spec or "..." in spec:
        raise CodeassistError(f"not a range: {spec}", "write it as A..B, e.g. main..HEAD")
    start, end = spec.split("..", 1)
    return _between(repo, resolve(repo, start or "HEAD"), resolve(repo, end or "HEAD"), spec,
                    start_name=start or "HEAD")


def since_base(repo: git.Repo, base: str, head: str = "HEAD") -> ChangeSet:
    """The pull-request case: from the merge base of `base` and `head` to `head`.

    Args:
        repo: The repository.
        base: The target branch, e.g. origin/main.
        head: The branch under review.

    Returns:
        The changes `head` brings on top of `base`.

    Raises:
        CodeassistError: When there is no merge base (often a shallow clone).
    """
    base_commit, head_commit = resolve(repo, base), resolve(repo, head)
    bases = repo.merge_base(base_commit, head_commit)
    if not bases:
        if _is_shallow(repo):
            raise CodeassistError(
                f"the merge base of {base} and {head} is not in this shallow clone",
                "fetch more history (actions/checkout `fetch-depth: 0`, or `git fetch --unshallow`)",
            )
        raise CodeassistError(f"{base} and {head} have no common history", "pass --range A..B instead")
    return _between(repo, bases[0], head_commit, f"{base}...{head}", start_name="the merge base")


def resolve(repo: git.Repo, rev: str) -> git.Commit:
    """Resolve a revision to a commit, with a clear error when it does not exist.

    Args:
        repo: The repository.
        rev: A branch, tag, sha or expression.

    Returns:
        The commit.

    Raises:
        CodeassistError: When the revision is unknown (or missing from a shallow clone).
    """
    import git

    try:
        return repo.commit(rev)
    except (git.BadName, git.BadObject, ValueError, git.GitCommandError):
        if not _has_head(repo):
            raise CodeassistError(
                f"unknown revision: {rev} (the repository has no commits yet)",
                "commit first, or review what is staged with --staged",
            ) from None
        if _is_shallow(repo):
            raise CodeassistError(
                f"unknown revision: {rev} (this is a shallow clone)",
                "fetch it or more history (actions/checkout `fetch-depth: 0`, or `git fetch --unshallow`)",
            ) from None
        raise CodeassistError(
            f"unknown revision: {rev}", "check the name with `git log --oneline` or fetch it"
        ) from None


def _between(
    repo: git.Repo, start: git.Commit, end: git.Commit, description: str, *, start_name: str
) -> ChangeSet:
    diffs = _diff(repo, start, end, start_name)
    commits = [c.hexsha for c in repo.iter_commits(f"{start.hexsha}..{end.hexsha}", reverse=True)]
    return _changeset(repo, description, diffs, commits=commits, new_side=end.hexsha, old_side=start)


def _diff(repo: git.Repo, start: git.Commit, end: git.Commit, what: str) -> list[git.Diff]:
    """Diff two commits; a commit a shallow clone only names (its parent) is a clear error.

    GitPython resolves `HEAD~1` from the child's parent line without the object being there,
    so the missing commit only shows when git diffs it.
    """
    import git

    try:
        return start.diff(end, create_patch=True, M=True, unified=0)
    except git.GitCommandError:
        if not _is_shallow(repo):
            raise
        raise CodeassistError(
            f"{what} ({start.hexsha[:12]}) is not in this shallow clone",
            "fetch more history (actions/checkout `fetch-depth: 0`, or `git fetch --unshallow`)",
        ) from None


def _has_head(repo: git.Repo) -> bool:
    try:
        repo.head.commit
    except ValueError:
        return False
    return True


def _is_shallow(repo: git.Repo) -> bool:
    return (Path(repo.git_dir) / "shallow").exists()


def _changeset(
    repo: git.Repo, description: str, diffs: list[git.Diff], *, new_side: str,
    old_side: git.Commit | None, commits: list[str] | None = None,
) -> ChangeSet:
    root = Path(repo.working_tree_dir or ".")
    files = [_file_change(d, root, new_side == WORKTREE, old_side) for d in diffs]
    files.sort(key=lambda f: f.path)
    return ChangeSet(root, description, files, commits or [], new_side)


def new_side_paths(repo: git.Repo, changes: ChangeSet) -> list[str]:
    """List every file of the repository as it is after the change.

    Args:
        repo: The repository.
        changes: The change, whose `new_side` says where to look.

    Returns:
        Repo-relative paths.
    """
    if changes.new_side in (INDEX, WORKTREE):
        return [path for (path, _), entry in repo.index.entries.items() if entry.mode != _SYMLINK_MODE]
    tree = repo.commit(changes.new_side).tree
    return [item.path for item in tree.traverse() if item.type == "blob" and item.mode != _SYMLINK_MODE]


def read_new_side(repo: git.Repo, changes: ChangeSet, path: str) -> str | None:
    """Read a file as it is after the change.

    Args:
        repo: The repository.
        changes: The change, whose `new_side` says where to look.
        path: A repo-relative path.

    Returns:
        The text, or None when the file is missing, binary or not UTF-8.
    """
    if changes.new_side == WORKTREE:
        data = _disk_bytes(Path(repo.working_tree_dir or ".") / path)
    else:
        import git

        try:
            if changes.new_side == INDEX:
                blob = repo.index.entries[(path, 0)].to_blob(repo)
            else:
                blob = repo.commit(changes.new_side).tree / path
            data = _blob_bytes(blob)
        except (KeyError, git.GitCommandError):
            data = None
    return _text(data)[0]


def commit_message(repo: git.Repo, sha: str) -> str:
    """Return the full message of a commit.

    Args:
        repo: The repository.
        sha: The commit.

    Returns:
        The message text.
    """
    message = repo.commit(sha).message
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else message


def _file_change(diff: git.Diff, root: Path, from_disk: bool, old_side: git.Commit | None) -> FileChange:
    path = diff.b_path or diff.a_path or ""
    old_path = diff.a_path or path
    if diff.deleted_file:
        status = DELETED
    elif diff.new_file:
        status = ADDED
    elif diff.renamed_file:
        status = RENAMED
    elif not diff.diff and diff.a_mode != diff.b_mode:
        status = MODE_CHANGED
    else:
        status = MODIFIED
    patch = diff.diff if isinstance(diff.diff, bytes) else (diff.diff or "").encode()
    if _SUBMODULE_MODE in (diff.a_mode, diff.b_mode):
        return FileChange(path, old_path, status, unreadable="submodule")
    new_mode = diff.a_mode if status == DELETED else diff.b_mode
    if new_mode == _SYMLINK_MODE:
        # A committed symlink's blob is its target path, not code; the target is reviewed itself.
        return FileChange(path, old_path, status, unreadable="symbolic link")
    hunks = tuple(
        Hunk(int(m[1]), int(m[2] or 1), int(m[3]), int(m[4] or 1)) for m in _HUNK.finditer(patch)
    )
    if patch.startswith(b"Binary files") or b"\nBinary files" in patch:
        return FileChange(path, old_path, status, hunks, unreadable="binary file")
    old_blob, new_blob = diff.a_blob, diff.b_blob
    if old_blob is None and status in (RENAMED, MODE_CHANGED) and old_side is not None:
        # A pure rename or mode change has no `index` line in the patch, so GitPython gives no
        # blobs; the content is the old side's, unchanged.
        old_blob = _tree_blob(old_side, old_path)
        new_blob = new_blob or old_blob
    if status == ADDED or diff.a_mode == _SYMLINK_MODE:
        old, old_problem = None, None  # a symlink that became a file: nothing before to pair
    else:
        old, old_problem = _text(_blob_bytes(old_blob))
    if status == DELETED:
        new, new_problem = None, None
    elif from_disk:
        new, new_problem = _text(_disk_bytes(root / path))
    else:
        new, new_problem = _text(_blob_bytes(new_blob))
    problem = new_problem or old_problem
    if problem:
        return FileChange(path, old_path, status, hunks, unreadable=problem)
    return FileChange(path, old_path, status, hunks, old, new)


def _text(data: bytes | None) -> tuple[str | None, str | None]:
    """Decode file content; the second item says why it cannot be reviewed."""
    from codeassist.changes.files import decode_source
    return (None, None) if data is None else decode_source(data)


def _tree_blob(commit: git.Commit, path: str) -> git.Blob | None:
    try:
        return commit.tree / path
    except KeyError:
        return None


def _blob_bytes(blob: git.Blob | None) -> bytes | None:
    return None if blob is None else blob.data_stream.read()


def _disk_bytes(path: Path) -> bytes | None:
    from codeassist.changes.files import not_regular

    if not_regular(path) is not None:  # never open a FIFO that replaced a tracked file
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None
