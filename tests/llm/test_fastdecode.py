"""The lean decoder gives transformers' greedy tokens and log-probs, adapters included."""

from __future__ import annotations

from contextlib import nullcontext

import pytest
import torch
import torch.nn.functional as F  # noqa: N812 - the usual alias

from codeassist.llm import fastdecode, fastweights, generation, prompts

TOKENS = 32


def _hf_greedy(model, prompt: list[int], count: int) -> tuple[list[int], list[float]]:  # noqa: ANN001
    ids = torch.tensor([prompt])
    with torch.inference_mode():
        out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=False,
                             max_new_tokens=count, pad_token_id=0, output_scores=True,
                             return_dict_in_generate=True)
    new = out.sequences[0, ids.shape[1]:].tolist()
    return new, [float(torch.log_softmax(s[0], -1)[t]) for s, t in zip(out.scores, new)]


def _fast_greedy(model, prompt: list[int], count: int, fmt: str = "fp32",  # noqa: ANN001
                 logprobs: bool = True) -> fastdecode.Generated:
    eos = model.generation_config.eos_token_id
    return fastdecode.greedy(fastweights.Weights(model, fmt), prompt, max_new_tokens=count,
                             eos=set() if eos is None else {eos}, logprobs=logprobs)


def test_tiny_model_matches_transformers(tiny) -> None:  # noqa: ANN001
    prompt = [5, 17, 3, 88, 42, 9, 61]
    tokens, logprobs = _hf_greedy(tiny, prompt, TOKENS)
    fast = _fast_greedy(tiny, prompt, TOKENS)
    assert fast.tokens == tokens
    assert fast.logprobs == pytest.approx(logprobs, abs=1e-4)


def test_tiny_lora_is_merged_and_can_be_disabled(tiny) -> None:  # noqa: ANN001
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(1)
    config = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj", "o_proj", "down_proj"],
                        init_lora_weights=False)  # random B: the adapter changes the output
    model = get_peft_model(tiny, config).eval()
    prompt = [7, 1, 30, 2, 77]
    assert fastweights.supported(model, "cpu") is None
    with_adapter = _fast_greedy(model, prompt, TOKENS)
    assert with_adapter.tokens == _hf_greedy(model, prompt, TOKENS)[0]
    with model.disable_adapter():
        assert fastweights.adapter_state(model) == ()
        without = _fast_greedy(model, prompt, TOKENS)
        assert without.tokens == _hf_greedy(model, prompt, TOKENS)[0]
    assert with_adapter.tokens != without.tokens
    merged = fastweights.prepared(model, "fp32")
    with model.disable_adapter():
        bare = fastweights.prepared(model, "fp32")
    assert fastweights.prepared(model, "fp32") is merged and bare is not merged
    assert bare.layers[0].gate_up is merged.layers[0].gate_up  # no adapter on it: prepared once
    assert bare.layers[0].qkv is not merged.layers[0].qkv and bare.layers[0].down is not merged.layers[0].down
    # in int4 the adapter stays a low-rank fp32 path beside the shared 4-bit base: its output
    # adds exactly the delta that merging adds in fp32
    four_bit = fastweights.prepared(model, "int4").layers[0]
    with model.disable_adapter():
        four_bit_bare = fastweights.prepared(model, "int4").layers[0]
    assert four_bit.qkv.base is four_bit_bare.qkv and four_bit.gate_up is four_bit_bare.gate_up
    for name, width in (("qkv", tiny.config.hidden_size), ("o", tiny.config.hidden_size),
                        ("down", tiny.config.intermediate_size)):
        x = torch.randn(3, width)
        low_rank = getattr(four_bit, name)(x) - getattr(four_bit_bare, name)(x)
        delta = F.linear(x, getattr(merged.layers[0], name).weight - getattr(bare.layers[0], name).weight)
        assert torch.allclose(low_rank, delta, atol=1e-5)
    model.unload()  # give the fixture back bare


@pytest.mark.parametrize("fmt", ["fp16", "bf16", "int8", "int4"])
def test_smaller_formats_decode(tiny, fmt: str) -> None:  # noqa: ANN001
    fast = _fast_greedy(tiny, [5, 17, 3], 8, fmt)
    assert len(fast.tokens) == 8 and all(p <= 0 for p in fast.logprobs)


def test_supported_and_forced_fallback(tiny, monkeypatch) -> None:  # noqa: ANN001
    assert fastweights.supported(tiny, "cpu") is None
    assert fastweights.supported(tiny, "cuda") == "device cuda"
    monkeypatch.setenv("CODEASSIST_DECODER", "hf")
    assert fastweights.supported(tiny, "cpu") == "CODEASSIST_DECODER=hf"


def test_default_format_is_int4_only_for_four_bit_weights(tiny, monkeypatch) -> None:  # noqa: ANN001
    import copy

    assert fastweights.default_format(tiny) == "fp32"  # random weights: 4 bits would round them
    four_bit = copy.deepcopy(tiny)
    weight = four_bit.model.layers[0].self_attn.q_proj.weight.data
    groups = weight.view(weight.shape[0], -1, 32)
    low = groups.amin(-1, keepdim=True)
    step = (groups.amax(-1, keepdim=True) - low) / 15
    groups.copy_(torch.round((groups - low) / step) * step + low)  # as a Q4_1 GGUF stores them
    assert fastweights.default_format(four_bit) == "int4"
    monkeypatch.setenv("CODEASSIST_DECODER", "fp32")
    assert fastweights.default_format(four_bit) == "fp32"


def _chat_ids(lm, user: str) -> torch.Tensor:  # noqa: ANN001
    messages = [{"role": "system", "content": prompts.SYSTEM}, {"role": "user", "content": user}]
    text = lm.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    return lm.tokenizer(text, return_tensors="pt", add_special_tokens=False)["input_ids"]


@pytest.mark.parametrize("adapter", [True, False])
def test_real_model_matches_transformers(lm, adapter: bool) -> None:  # noqa: ANN001
    generation.attach_adapter(lm, "docstring")
    # Plain code, no chat template: the model continues it past TOKENS, with or without adapter.
    prompt = lm.tokenizer.encode("import os\n\n\ndef list_python_files(root):\n")
    with lm.model.disable_adapter() if not adapter else nullcontext():
        tokens, logprobs = _hf_greedy(lm.model, prompt, TOKENS)
        fast = _fast_greedy(lm.model, prompt, TOKENS)
        scanned = _fast_greedy(lm.model, prompt, TOKENS, logprobs=False)  # the head's 4-bit scan + rescoring
    assert len(tokens) == TOKENS and fast.tokens == tokens and scanned.tokens == tokens
    assert fast.logprobs == pytest.approx(logprobs, abs=1e-3)
    assert fastweights.Weights(lm.model, "fp32").lm_head.scan is not None


def test_stop_strings_and_logprobs_as_transformers(lm, monkeypatch) -> None:  # noqa: ANN001
    ids = _chat_ids(lm, "List three Python keywords, one per line.")
    answers = {}
    for decoder in ("hf", "fp32", "fp16"):
        monkeypatch.setenv("CODEASSIST_DECODER", decoder)
        answers[decoder] = generation.generate_tokens(lm, ids, max_new_tokens=40, stop=("\n",), adapter=False,
                                                      logprobs=True)
    fast, hf = answers["fp32"], answers["hf"]
    assert fast.tokens == hf.tokens and len(fast.tokens) < 40
    assert answers["fp16"].tokens == hf.tokens  # not exact arithmetic, but the same answer here
    assert "\n" in lm.tokenizer.decode(fast.tokens[-1:]) and "\n" not in lm.tokenizer.decode(fast.tokens[:-1])
    assert len(fast.logprobs) == len(fast.tokens)
    assert fast.logprobs == pytest.approx(hf.logprobs, abs=1e-3)


def test_stop_string_may_begin_in_the_prompt(lm) -> None:  # noqa: ANN001
    encode = lm.tokenizer.encode
    hit = generation._stopper(lm.tokenizer, encode("first line\n"), ("\n-",))
    assert hit(encode("-"))
    assert not hit(encode("x"))
    assert not hit(encode("x") + encode("-"))
