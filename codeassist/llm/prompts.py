"""Prompt text, kept apart from the code that fills it in.

Small models follow short, concrete instructions best; each prompt asks for one thing and
the caller pre-fills the start of the answer where the shape matters. The docstring summary
prompt is also the training format of the docstring adapter (training/recipes/train_lora_sft.py):
change one and retrain the other.
"""

from __future__ import annotations

SYSTEM = "You are a precise assistant for Python programmers. Answer briefly."

DOCSTRING_SUMMARY = (
    "Summarize in one sentence what this {language} {kind} does.\n\n```{language}\n{code}\n```"
)

# The answer is pre-filled one entry at a time ("- `path`:"), so the model only ever writes
# the description of the entry we chose, in the order we chose.
DOCSTRING_ENTRIES = (
    "Explain each parameter of this {language} {kind} in a few words, then what it "
    "{verb} and when it raises each exception.\n\n```{language}\n{code}\n```"
)
PARAM_ENTRY = "- `{name}`:"
RETURNS_ENTRY = "- {verb_title}:"
RAISES_ENTRY = "- Raises `{name}` if"

GENERATE_FUNCTION = (
    "Write a {language} function with exactly this signature:\n{signature}\n\n"
    "What it must do: {spec}\n\n"
    "Give it a docstring with a one-line summary and a doctest example (>>> lines). "
    "Reply with the code only, in one ```{language} block."
)

REPAIR_FUNCTION = (
    "This {language} code does not parse ({problem}). Rewrite it so that it is valid "
    "{language}, keeping the signature:\n{signature}\n\nReply with the code only.\n\n"
    "```{language}\n{code}\n```"
)

# Examples of the project's own docstrings, when the retrieval index offers them.
EXAMPLES_HEADER = "Docstrings of similar functions in this project:\n{examples}\n\n"

# CA501: the answer is pre-filled with '{"line": ' so the model starts inside the JSON shape;
# whatever follows is parsed and validated, never trusted.
REVIEW_HUNK = (
    "Review this change to {path}. Lines are numbered; lines marked + were added. If an added "
    "line has a real bug, answer with JSON {{\"line\": N, \"comment\": \"what is wrong\", "
    "\"suggestion\": \"the corrected line\"}}. If nothing is wrong, answer {{\"line\": null}}.\n\n"
    "```\n{hunk}\n```"
)
