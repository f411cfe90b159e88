"""CA201's early fusion: the LLM reads the documentation and the code together, in one pass.

Late fusion embeds each modality alone and compares vectors; here the shipped LLM (SmolLM2-135M,
the base model without adapters) reads one prompt holding both, and what it makes of the pair
is read off its hidden states at the prompt's last token (the token before its yes/no answer),
plus how much more it expects "Yes" than "No". One example is read twice, documentation with
the old code and with the new code: drift is what changed in the model's reading of the pair.

`pair_states` is one forward pass; `early_rows` gives the head's columns for examples (the
recipe, training/recipes/train_doc_drift_head.py, and the rule read the same rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from codeassist.llm.generation import without_adapters

if TYPE_CHECKING:
    from codeassist.heads.doc_drift.features import Example

PROMPT = ("Documentation:\n{doc}\n\nCode ({language}):\n{code}\n\n"
          "Does the documentation describe what this code does? Answer Yes or No.\nAnswer:")
LAYERS = (15, 30)  # hidden-state layers read (0 = embeddings; 30 = the last of SmolLM2-135M)
MAX_DOC_TOKENS = 160
MAX_CODE_TOKENS = 480
VERSION = "early-1"  # recorded in a head: rows from another prompt or layer set do not fit it


def _cut(tokenizer: Any, text: str, limit: int) -> str:
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    return text if len(ids) <= limit else tokenizer.decode(ids[:limit])


def pair_states(lm: Any, doc: str, code: str, language: str) -> np.ndarray:
    """Read one (documentation, code) prompt with the base model.

    Args:
        lm: A loaded model (`codeassist.llm.models.LoadedModel`).
        doc: The documentation.
        code: The code it should describe (cut to MAX_CODE_TOKENS tokens; the doc to MAX_DOC_TOKENS).
        language: Named in the prompt.

    Returns:
        The last token's state at each layer in LAYERS, then logit("Yes") − logit("No").
    """
    import torch

    tokenizer = lm.tokenizer
    prompt = PROMPT.format(doc=_cut(tokenizer, doc.strip(), MAX_DOC_TOKENS), language=language,
                           code=_cut(tokenizer, code.rstrip(), MAX_CODE_TOKENS))
    encoded = {name: tensor.to(lm.device) for name, tensor in tokenizer(prompt, return_tensors="pt").items()}
    with torch.inference_mode(), without_adapters(lm.model):
        out = lm.model(**encoded, output_hidden_states=True)
    last = out.logits[0, -1].float()
    yes, no = (tokenizer(word, add_special_tokens=False)["input_ids"][0] for word in (" Yes", " No"))
    states = [out.hidden_states[layer][0, -1].float().cpu().numpy() for layer in LAYERS]
    return np.concatenate([*states, [float(last[yes] - last[no])]]).astype(np.float32)


def width(lm: Any) -> int:
    """How many columns `early_rows` gives for this model."""
    return 2 * (len(LAYERS) * lm.model.config.hidden_size + 1)


def early_rows(lm: Any, examples: Sequence[Example], progress: bool = False) -> np.ndarray:
    """The early-fusion columns of each example: [reading of (doc, new code) | its change from (doc, old code)].

    Args:
        lm: A loaded model.
        examples: Changed units.
        progress: Show a progress bar (the recipe reads thousands).

    Returns:
        One row per example, `width(lm)` columns, rounded to float16 as the training rows are stored.
    """
    from tqdm.auto import tqdm

    rows = np.zeros((len(examples), width(lm)), dtype=np.float32)
    for i, example in enumerate(tqdm(examples, desc="early fusion", disable=not progress, mininterval=30)):
        new = pair_states(lm, example.old_doc, example.new_code, example.language)
        old = pair_states(lm, example.old_doc, example.old_code, example.language)
        rows[i] = np.concatenate([new, new - old])
    return rows.astype(np.float16).astype(np.float32)
