"""CA501: review comments from the LLM on changed hunks, constrained and validated.

Small models break free-form formats, so the answer is pre-filled to start a JSON object,
then parsed and checked: the line must be one the change added, the comment must be short
prose, and the model's mean token log-probability must clear a floor. Anything else is
dropped without a word; at most `max_per_file` comments per file survive. Model output is
data: it is never executed and only ever becomes a Finding's message.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from codeassist.docgen import sanitize
from codeassist.gitdiff import ChangeSet, Hunk
from codeassist.llm import prompts
from codeassist.llm.models import LoadedModel, load
from codeassist.review.rules.base import line_finding
from codeassist.review.rules.llm_review import CA501
from codeassist.units import Finding

CONTEXT = 3
MIN_LOGPROB = -1.2  # mean per-token log-probability; lower answers are guesses
MAX_NEW_TOKENS = 96
MAX_VIEW_LINES = 40  # a longer hunk is reviewed on its first lines only (prompt length)
ANSWER_PREFIX = '{"line":'  # the model continues with ' null}' (no comment) or ' N, "comment": ...'


def render_hunk(lines: Sequence[str], first: int, added: set[int]) -> str:
    """Number lines for the prompt, marking the added ones with "+".

    The review recipe (training/data/mine_review.py) renders its examples with this same
    function, so the model is trained on exactly the view it is shown.

    Args:
        lines: The lines to show, in order.
        first: The line number of `lines[0]`.
        added: The line numbers the change added.

    Returns:
        One line per input line: number, marker, text.
    """
    return "\n".join(f"{n:>5} {'+' if n in added else ' '} {line}" for n, line in enumerate(lines, first))


def review_prompt(path: str, view: str) -> str:
    """Return the user message that asks for a review of one rendered hunk.

    Args:
        path: The file's path.
        view: The hunk as `render_hunk` shows it.

    Returns:
        The prompt text.
    """
    return prompts.REVIEW_HUNK.format(path=path, hunk=view)


def _numbered(text: str, hunk: Hunk) -> tuple[str, set[int]]:
    lines = text.splitlines()
    added = set(range(hunk.new_start, hunk.new_start + hunk.new_count))
    first = max(1, hunk.new_start - CONTEXT)
    last = min(len(lines), hunk.new_start + hunk.new_count - 1 + CONTEXT, first + MAX_VIEW_LINES - 1)
    added &= set(range(first, last + 1))
    return render_hunk(lines[first - 1 : last], first, added), added


def parse_answer(answer: str, added: set[int]) -> tuple[int, str, str] | None:
    """Validate one model answer.

    Args:
        answer: The JSON text (the pre-filled start included).
        added: The lines the comment may anchor to.

    Returns:
        (line, comment, suggestion) or None when the answer is empty, malformed or off the change.
    """
    start = answer.find("{")
    if start < 0:
        return None
    try:  # the first complete object; whatever the model wrote after it is ignored
        data, _ = json.JSONDecoder().raw_decode(answer, start)
    except ValueError:
        return None
    line = data.get("line") if isinstance(data, dict) else None
    if not isinstance(line, int) or isinstance(line, bool) or line not in added:  # null: "nothing wrong"
        return None
    comment = sanitize(data.get("comment") if isinstance(data.get("comment"), str) else "", 200)
    if len(comment.split()) < 3:
        return None
    suggestion = data.get("suggestion") if isinstance(data.get("suggestion"), str) else ""
    suggestion = " ".join(suggestion.replace("`", "").split())[:160]
    return line, comment, suggestion


def answer_hunk(lm: LoadedModel, user: str, *, max_new_tokens: int = MAX_NEW_TOKENS,
                adapter: bool = True) -> tuple[str, float]:
    """Answer one review prompt greedily, starting inside the JSON shape.

    Args:
        lm: The loaded model.
        user: The prompt (`review_prompt`).
        max_new_tokens: The cap on generated tokens.
        adapter: Whether an attached adapter stays on (False runs the bare base; benchmarks).

    Returns:
        The answer with its pre-filled start, and its mean token log-probability.
    """
    import torch

    from codeassist.llm.generation import generate_tokens

    messages = [{"role": "system", "content": prompts.SYSTEM}, {"role": "user", "content": user}]
    # Prompt and pre-filled answer are tokenised apart, as the review recipe tokenises
    # prompt and target: '{"line":' then ' null' or ' 1', '2', ... as in training.
    text = lm.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    ids = [*lm.tokenizer(text, add_special_tokens=False)["input_ids"],
           *lm.tokenizer(ANSWER_PREFIX, add_special_tokens=False)["input_ids"]]
    ids = torch.tensor([ids], device=lm.device)
    out = generate_tokens(lm, ids, max_new_tokens=max_new_tokens, stop=('"}', "null}", "}\n"), adapter=adapter,
                          logprobs=True)
    confidence = sum(out.logprobs) / max(len(out.logprobs), 1)
    return ANSWER_PREFIX + lm.tokenizer.decode(out.tokens, skip_special_tokens=True), confidence


def review_hunks(changes: ChangeSet, answer: Callable[[str], tuple[str, float]], *, max_per_file: int = 3,
                 max_hunks_per_file: int = 8) -> list[Finding]:
    """Turn answers about each hunk into validated CA501 findings.

    Args:
        changes: The change to review.
        answer: Returns (answer text, mean token log-probability) for one prompt.
        max_per_file: The most comments kept per file.
        max_hunks_per_file: The most hunks asked about per file (latency cap).

    Returns:
        CA501 findings, each on an added line.
    """
    findings: list[Finding] = []
    for change in changes.files:
        if change.new_text is None or change.unreadable:
            continue
        kept = 0
        for hunk in [h for h in change.hunks if h.new_count > 0][:max_hunks_per_file]:
            shown, added = _numbered(change.new_text, hunk)
            text, confidence = answer(review_prompt(change.path, shown))
            parsed = parse_answer(text, added)
            if parsed is None or confidence < MIN_LOGPROB:
                continue
            line, comment, suggestion = parsed
            message = comment + (f" Suggestion: `{suggestion}`" if suggestion else "")
            findings.append(line_finding(CA501, change.path, line, message))
            kept += 1
            if kept >= max_per_file:
                break
    return findings


def review_comments(changes: ChangeSet, *, model: str | None = None, device: str = "auto",
                    max_per_file: int = 3, max_hunks_per_file: int = 8) -> list[Finding]:
    """Ask the LLM to comment on the added lines of a change.

    Args:
        changes: The change to review.
        model: The model (None: the packaged default, with the `review` adapter when shipped).
        device: "auto", "cpu", "cuda" or "mps".
        max_per_file: The most comments kept per file.
        max_hunks_per_file: The most hunks sent to the model per file (latency cap).

    Returns:
        CA501 findings, each on an added line.
    """
    from codeassist.llm.generation import attach_adapter

    if not any(c.new_text is not None and not c.unreadable and c.hunks for c in changes.files):
        return []
    lm = load(model, device)
    attach_adapter(lm, "review")
    return review_hunks(changes, lambda user: answer_hunk(lm, user),
                        max_per_file=max_per_file, max_hunks_per_file=max_hunks_per_file)
