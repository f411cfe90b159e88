"""Ask the model for a docstring's prose, and the public `generate_docstring` API.

The summary comes from the docstring adapter when it is shipped; it reads `summary_input`,
the DOCSTRING_SUMMARY prompt over `CodeUnit.code_without_doc` cut by `summary_prompt`, the
one input its recipe trains on and its benchmark measures. The per-entry descriptions come
from the bare base model with the answer's start pre-filled, one short line each.
"""

from __future__ import annotations

from codeassist.generate.docformat import MAX_DESCRIBED, Facts, Prose, facts_of, render
from codeassist.errors import CodeassistError
from codeassist.llm import prompts
from codeassist.llm.generation import attach_adapter, chat
from codeassist.llm.models import LoadedModel, load
from codeassist.llm.server import ServerModel
from codeassist.records import CLASS, FUNCTION, CodeUnit

# The shipped docstring adapter was trained on this much code (the recipe cuts it here too,
# through summary_prompt): more shows it what it never saw, and prefill time grows with it.
SUMMARY_CODE_CHARS = 700
# The entry descriptions come from the bare base model, which was never tuned on a length;
# raises and returns sit late in a body, so it reads more of it.
ENTRIES_CODE_CHARS = 2400


def summary_prompt(code: str, kind: str, language: str = "python") -> str:
    """Fill the summary prompt: the docstring adapter's input in training, serving and the benchmark.

    Args:
        code: The unit's code without its documentation, as `CodeUnit.code_without_doc` gives
            it (the miner's `code` column); cut here to SUMMARY_CODE_CHARS.
        kind: "function" or "class" (see `summary_input`).
        language: The language name.

    Returns:
        The user message.
    """
    return prompts.DOCSTRING_SUMMARY.format(language=language, kind=kind, code=code[:SUMMARY_CODE_CHARS])


def summary_input(unit: CodeUnit) -> str:
    """Return the summary prompt for one unit, exactly as the adapter saw its training pairs.

    Args:
        unit: A parsed unit.

    Returns:
        The user message, before any retrieved examples.
    """
    # The miner keeps functions and methods and the recipe asks about each as a "function".
    kind = CLASS if unit.kind == CLASS else FUNCTION
    return summary_prompt(unit.code_without_doc(), kind, unit.language)


def write_prose(unit: CodeUnit, facts: Facts, lm: LoadedModel | ServerModel, *, examples: str = "") -> Prose:
    """Generate the summary and the entries' descriptions of one unit.

    Args:
        unit: The unit to document.
        facts: Its documentable facts.
        lm: The loaded model, or a server.
        examples: Optional docstrings of similar units, shown before the summary prompt.

    Returns:
        The raw prose; `docformat.render` sanitises it.
    """
    tuned = attach_adapter(lm, "docstring")
    user = summary_input(unit)
    if examples:
        user = prompts.EXAMPLES_HEADER.format(examples=examples) + user
    prose = Prose(summary=chat(lm, user, max_new_tokens=40, stop=("\n",), adapter=tuned))
    verb = "yields" if facts.yields else "returns"
    entries: list[tuple[str, str]] = [(prompts.PARAM_ENTRY.format(name=e.name.lstrip("*")), e.name)
                                      for e in facts.params[:MAX_DESCRIBED]]
    if facts.returns or facts.yields:
        entries.append((prompts.RETURNS_ENTRY.format(verb_title=verb.title()), "@" + verb))
    entries += [(prompts.RAISES_ENTRY.format(name=e.name), "!" + e.name) for e in facts.raises[:MAX_DESCRIBED]]
    if not entries:
        return prose
    code = unit.code_without_doc()[:ENTRIES_CODE_CHARS]
    user = prompts.DOCSTRING_ENTRIES.format(language=unit.language, kind=unit.kind, code=code, verb=verb)
    answer_so_far = ""
    for label, key in entries:
        answer_so_far += label
        text = chat(lm, user, prefix=answer_so_far, max_new_tokens=28, stop=("\n-", "\n\n"), adapter=False)
        text = " ".join(text.split())
        answer_so_far += " " + text + "\n"
        if key.startswith("@"):
            setattr(prose, key[1:], text)
        elif key.startswith("!"):
            prose.raises[key[1:]] = "If " + text if text else ""
        else:
            prose.params[key] = text
    return prose


def docstring_for_unit(unit: CodeUnit, style: str = "google", *, model: str | None = None,
                       device: str = "auto", examples: str = "", server: ServerModel | None = None) -> str:
    """Generate a docstring for a parsed unit.

    Args:
        unit: The unit.
        style: "google", "numpy" or "sphinx".
        model: The model to use (None: the packaged default).
        device: "auto", "cpu", "cuda" or "mps".
        examples: Optional docstrings of similar units, as style examples.
        server: An OpenAI-compatible server to ask instead of a local model.

    Returns:
        The docstring text without quotes or indentation.
    """
    facts = facts_of(unit)
    lm = server if server is not None else load(model, device)
    prose = write_prose(unit, facts, lm, examples=examples)
    return render(facts, prose, style, unit=unit)


def generate_docstring(code: str, language: str = "python") -> str:
    """Generate a docstring for the first function or class in `code`.

    Args:
        code: Source text holding at least one function, method or class.
        language: The language of `code`; only "python" is supported.

    Returns:
        The docstring text, Google style, without quotes.

    Raises:
        CodeassistError: When the language is not supported or `code` has no unit.
    """
    if language != "python":
        raise CodeassistError(f"docstring generation does not support {language} yet", "pass Python code")
    import textwrap

    from codeassist.parsing.parse import parse_source
    units = parse_source(textwrap.dedent(code), "python", "<code>").units
    if not units:
        raise CodeassistError("no function or class found in the code", "pass the source of a function")
    return docstring_for_unit(units[0], "google")
