"""CA501: review comments from the LLM on changed hunks, located, constrained and validated.

With the default model, the line head on the model's own reading of the hunk (`score.py`)
picks the added line likeliest to be a bug, and a comment is made only when its probability
clears the head's threshold; the review adapter then says what is wrong, its answer
pre-filled up to that line's number. With another model (`--model`), the model is asked for
the line itself and its mean token log-probability must clear a floor. Either way the answer
is pre-filled to start a JSON object, then parsed and checked: the line must be one the
change added, the comment must be short prose. Anything else is dropped without a word; at
most `max_per_file` comments per file survive. Model output is data: it is never executed and
only ever becomes a `LineComment`, which the CA501 rule turns into a Finding.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from codeassist.changes.gitdiff import ChangeSet
from codeassist.changes.hunkview import numbered_hunk, shown_lines
from codeassist.errors import CodeassistError
from codeassist.heads.asset import Head
from codeassist.heads.llm_review.head import shipped_head
from codeassist.heads.llm_review.score import score_lines
from codeassist.llm import prompts
from codeassist.llm.answers import sanitize
from codeassist.llm.models import LoadedModel, load
from codeassist.llm.server import ServerModel

MIN_LOGPROB = -1.2  # mean per-token log-probability; lower answers are guesses
MAX_NEW_TOKENS = 96
MAX_VIEW_CHARS = 8000  # a wider view (minified or generated code) is not reviewed at all
ANSWER_PREFIX = '{"line":'  # the model continues with ' null}' (no comment) or ' N, "comment": ...'
MAX_FIX_TOKENS = 3  # tokens a one-token slip's fix may change (besides reordering them)
_TOKEN = re.compile(r"\w+|\S")
UNEXPLAINED = "This added line looks like a one-token slip (operator, variable, literal or argument order)."
Review = Callable[[str, str, set[int]], "tuple[int, str, str] | None"]  # (path, view, added) → comment


@dataclass(frozen=True)
class LineComment:
    """The LLM's comment on one added line.

    Attributes:
        path: The file's path.
        line: The added line it is about (1-based, in the new file).
        comment: What is wrong, one or two short sentences.
        suggestion: The corrected line, or "".
    """

    path: str
    line: int
    comment: str
    suggestion: str = ""


def review_prompt(path: str, view: str) -> str:
    """Return the user message that asks for a review of one rendered hunk.

    Args:
        path: The file's path.
        view: The hunk as `hunkview.render_hunk` shows it.

    Returns:
        The prompt text.
    """
    return prompts.REVIEW_HUNK.format(path=path, hunk=view)


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


def answer_hunk(lm: LoadedModel | ServerModel, user: str, *, max_new_tokens: int = MAX_NEW_TOKENS,
                adapter: bool = True, prefix: str = ANSWER_PREFIX) -> tuple[str, float]:
    """Answer one review prompt greedily, starting inside the JSON shape.

    A server is asked for a JSON object (`response_format`) and its tokens' log-probabilities
    instead: under a JSON grammar it writes the whole object, so nothing is pre-filled.

    Args:
        lm: The loaded model, or a server.
        user: The prompt (`review_prompt`).
        max_new_tokens: The cap on generated tokens.
        adapter: Whether an attached adapter stays on (False runs the bare base; benchmarks).
        prefix: The answer's pre-filled start (ANSWER_PREFIX, or one that names the line).

    Returns:
        The answer with its pre-filled start, and its mean token log-probability.

    Raises:
        CodeassistError: When the server sends no log-probabilities, which MIN_LOGPROB needs.
    """
    if isinstance(lm, ServerModel):
        from codeassist.llm import server

        answer = server.complete(lm, user, max_tokens=max_new_tokens, json_object=True, logprobs=True)
        if not answer.logprobs:
            raise CodeassistError(f"the LLM server at {lm.url} sent no token log-probabilities, which CA501 "
                                  "needs to drop guesses", "use a server that returns `logprobs` (llama.cpp's "
                                  "server, vLLM), or review without --llm-url")
        return answer.text, sum(answer.logprobs) / len(answer.logprobs)
    import torch

    from codeassist.llm.generation import generate_tokens
    messages = [{"role": "system", "content": prompts.SYSTEM}, {"role": "user", "content": user}]
    # Prompt and pre-filled answer are tokenised apart, as the review recipe tokenises
    # prompt and target: '{"line":' then ' null' or ' 1', '2', ... as in training.
    text = lm.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    ids = [*lm.tokenizer(text, add_special_tokens=False)["input_ids"],
           *lm.tokenizer(prefix, add_special_tokens=False)["input_ids"]]
    ids = torch.tensor([ids], device=lm.device)
    out = generate_tokens(lm, ids, max_new_tokens=max_new_tokens, stop=('"}', "null}", "}\n"), adapter=adapter,
                          logprobs=True)
    confidence = sum(out.logprobs) / max(len(out.logprobs), 1)
    return prefix + lm.tokenizer.decode(out.tokens, skip_special_tokens=True), confidence


def asked_review(lm: LoadedModel | ServerModel) -> Review:
    """Review by asking the model for the line: its answer must clear MIN_LOGPROB.

    Args:
        lm: The loaded model (with the review adapter attached, when it fits), or a server.

    Returns:
        A function from (path, view, added lines) to (line, comment, suggestion) or None.
    """
    def review(path: str, view: str, added: set[int]) -> tuple[int, str, str] | None:
        text, confidence = answer_hunk(lm, review_prompt(path, view))
        parsed = parse_answer(text, added)
        return parsed if parsed is not None and confidence >= MIN_LOGPROB else None

    return review


def located_review(lm: LoadedModel, head: Head) -> Review:
    """Review by the line head: its best line, when it clears the threshold, explained by the model.

    Args:
        lm: The default model (the head reads its states), with the review adapter attached.
        head: The line head.

    Returns:
        A function from (path, view, added lines) to (line, comment, suggestion) or None.
    """
    def review(path: str, view: str, added: set[int]) -> tuple[int, str, str] | None:
        scored = score_lines(lm, head, path, view, added)
        if not scored or scored[0][1] < head.threshold:
            return None
        return explain_line(lm, path, view, *scored[0])

    return review


def explain_line(lm: LoadedModel, path: str, view: str, line: int, probability: float) -> tuple[int, str, str]:
    """Have the model say what is wrong with a line the head picked, its answer pre-filled up to the line.

    Args:
        lm: The loaded model, with the review adapter attached.
        path: The file's path.
        view: The hunk as `hunkview.render_hunk` shows it.
        line: The line the head picked.
        probability: The head's probability for it, shown in the comment.

    Returns:
        (line, comment, suggestion); a generic comment, without suggestion, when the model's
        answer is not valid or its fix is not plausible (`plausible_fix`).
    """
    text, _ = answer_hunk(lm, review_prompt(path, view), prefix=f'{{"line": {line}, "comment":')
    parsed = parse_answer(text, {line})
    if parsed is None or not plausible_fix(shown_lines(view).get(line, ""), parsed[1], parsed[2]):
        return line, f"{UNEXPLAINED} (bug score {probability:.2f})", ""
    return line, f"{parsed[1]} (bug score {probability:.2f})", parsed[2]


def plausible_fix(line: str, comment: str, suggestion: str) -> bool:
    """Whether an explanation could be right for a one-token slip.

    Its suggestion must change the line, by at most MAX_FIX_TOKENS tokens or by reordering
    them (swapped arguments), and its comment must not name one token as both the fault and
    the fix ("`not` should be `not`").

    Args:
        line: The line's code.
        comment: The model's comment.
        suggestion: The model's corrected line.

    Returns:
        True when the explanation passes these checks.
    """
    old, new = _TOKEN.findall(line), _TOKEN.findall(suggestion)
    if not new or old == new:
        return False
    edits = difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
    changed = sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in edits if tag != "equal")
    if changed > MAX_FIX_TOKENS and sorted(old) != sorted(new):
        return False
    quoted = re.findall(r"`([^`]+)`", comment)
    return len(quoted) < 2 or quoted[0].strip() != quoted[1].strip()


def review_hunks(changes: ChangeSet, review: Review, *, max_per_file: int = 3,
                 max_hunks_per_file: int = 8) -> list[LineComment]:
    """Collect the reviews of each hunk that land on a line the change added.

    Args:
        changes: The change to review.
        review: Returns (line, comment, suggestion) or None for one rendered hunk.
        max_per_file: The most comments kept per file.
        max_hunks_per_file: The most hunks reviewed per file (latency cap).

    Returns:
        The comments, each on an added line, in file and hunk order.
    """
    comments: list[LineComment] = []
    for change in changes.files:
        if change.new_text is None or change.unreadable:
            continue
        kept = 0
        for hunk in [h for h in change.hunks if h.new_count > 0][:max_hunks_per_file]:
            shown, added = numbered_hunk(change.new_text, hunk)
            if len(shown) > MAX_VIEW_CHARS:
                continue
            reviewed = review(change.path, shown, added)
            if reviewed is None or reviewed[0] not in added:
                continue
            comments.append(LineComment(change.path, *reviewed))
            kept += 1
            if kept >= max_per_file:
                break
    return comments


def review_comments(changes: ChangeSet, *, model: str | None = None, device: str = "auto",
                    max_per_file: int = 3, max_hunks_per_file: int = 8,
                    server: ServerModel | None = None) -> list[LineComment]:
    """Have the LLM comment on the added lines of a change.

    Args:
        changes: The change to review.
        model: The model (None: the packaged default, with the shipped line head and `review`
            adapter; another model is asked for the line itself).
        device: "auto", "cpu", "cuda" or "mps".
        max_per_file: The most comments kept per file.
        max_hunks_per_file: The most hunks sent to the model per file (latency cap).
        server: An OpenAI-compatible server to ask for the line instead of a local model
            (the head reads the default model's states, which a server does not show).

    Returns:
        The comments, each on an added line; the CA501 rule makes them findings.
    """
    from codeassist.llm.generation import attach_adapter
    if not any(c.new_text is not None and not c.unreadable and c.hunks for c in changes.files):
        return []
    lm = server if server is not None else load(model, device)
    attach_adapter(lm, "review")
    head = shipped_head() if model is None and server is None else None
    review = located_review(lm, head) if head is not None else asked_review(lm)
    return review_hunks(changes, review, max_per_file=max_per_file, max_hunks_per_file=max_hunks_per_file)
