"""What changed: git change sets, the file walk, the numbered hunk view."""
