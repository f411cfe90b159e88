"""Model output turned into text that is safe to put into a file or a comment.

The model's answer is data: whatever it writes is cut to one line of prose, without quotes
that could end a docstring, code fences, backslashes or docstring field markup.
"""

from __future__ import annotations

import re

_FIELD = re.compile(r":(param|parameter|arg|argument|key|keyword|type|returns?|rtype|raises?|"
                    r"except|exception|yields?|ytype)\b[^:]*:?", re.I)
# Openers a small model puts before the content ("The parameter `key` is a string ...").
_FILLER = re.compile(r"^((the|this)\s+)?((parameter|argument|function|method)\s+)?(`?\w+`?\s+)?"
                     r"(is|are|returns|yields)\s+(?=\S)", re.I)
_HEADER = re.compile(r"^(args|arguments|parameters|params|returns?|yields?|raises|"
                     r"keyword args|attributes|examples?|notes?)\s*:?\s*$", re.I)


def sanitize(text: str, limit: int, *, sentence: bool = False) -> str:
    """Turn model output into one safe line of docstring prose.

    Args:
        text: Whatever the model produced.
        limit: The most characters kept.
        sentence: Keep only the first sentence.

    Returns:
        One line without quotes that could end the docstring, code fences, backslashes or
        docstring field markup; possibly empty.
    """
    text = re.sub(r"```\w*", " ", str(text))
    text = text.replace('"""', "").replace("'''", "").replace("\\", "")
    text = _FIELD.sub(" ", text)
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith(">>>")]
    text = " ".join(lines[:1] if sentence else lines)
    text = " ".join(text.split()).strip(" \"'`-*#:")
    if not sentence:
        text = _FILLER.sub("", text)
    if sentence:
        match = re.match(r"(.+?[.!?])(\s|$)", text)
        text = match.group(1) if match else text
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "..."
    if _HEADER.match(text):
        return ""
    if sentence:
        text = imperative(text)
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    if text and text[-1] not in ".!?":
        text += "."
    return text if any(ch.isalnum() for ch in text) else ""


_OPENER = re.compile(r"^(this|the)\s+(\w+\s+)?(function|method|class|code|snippet)\s+", re.I)


def imperative(summary: str) -> str:
    """Turn "This function reads rows." into "Read rows.", the docstring convention (PEP 257).

    Args:
        summary: One sentence.

    Returns:
        The sentence in the imperative mood when its opener is recognised, else unchanged.
    """
    match = _OPENER.match(summary)
    if not match or match.group(3).lower() == "class":
        return summary
    verb, _, rest = summary[match.end():].partition(" ")
    lower = verb.lower()
    if lower.endswith("ies") and len(lower) > 4:
        verb = verb[:-3] + "y"
    elif lower.endswith(("ches", "shes", "sses", "xes", "zes")):
        verb = verb[:-2]
    elif lower.endswith("s") and not lower.endswith("ss"):
        verb = verb[:-1]
    else:
        return summary
    return (verb[:1].upper() + verb[1:] + (" " + rest if rest else "")).strip()
