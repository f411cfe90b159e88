"""Model cards rendered from templates: `training/cards/<asset>.md`, filled by the recipe.

The prose of a card lives in its template, beside the recipe rather than inside it; the
recipe supplies only this run's values (`$date`, `$command`, metric tables) through
`string.Template` placeholders.
"""

from __future__ import annotations

from pathlib import Path
from string import Template

CARDS = Path(__file__).resolve().parent / "cards"


def render(name: str, **values: object) -> str:
    """Fill the card template of an asset.

    Args:
        name: The asset's name (`doc-drift-head` reads `training/cards/doc-drift-head.md`).
        **values: One value per placeholder.

    Returns:
        The card's text.

    Raises:
        ValueError: When the template has a placeholder no value was given for.
    """
    template = Template((CARDS / f"{name}.md").read_text("utf-8"))
    try:
        return template.substitute({key: str(value) for key, value in values.items()})
    except KeyError as exc:
        raise ValueError(f"training/cards/{name}.md needs a value for ${exc.args[0]}") from None
