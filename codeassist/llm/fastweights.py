"""Weights prepared for the fast decoder: formats, merged LoRA adapters, one copy per state.

`Weights` reads a transformers Llama model (possibly a peft model) into the layout
`codeassist.llm.fastdecode` runs: fused QKV and gate-up projections, q/k rows permuted to the
interleaved RoPE layout (q·k unchanged), the attention scale folded into the q weights, in
one of FORMATS. An active LoRA adapter is merged into a copy of the projections it changes
(W + B@A·scale, what peft's `merge` computes), so results match the peft model; `prepared`
caches the weights per adapter state and shares the projections no adapter touches.
"""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass
from typing import Any, Callable

import torch
import torch.nn.functional as F  # noqa: N812 - the usual alias

# Weight formats: "fp32" reproduces transformers' fp32 greedy tokens; "fp16" (fbgemm, fp32
# activations) and "bf16" move half the bytes, weight-only "int8" (a scale per row) a quarter,
# "int4" (groups of 32) an eighth; bf16, int8 and int4 compute with bf16 activations.
FORMATS = ("fp32", "fp16", "bf16", "int8", "int4")
_GROUP = 32  # int4 group size, as Q4_1's blocks
_STATIC_ROPE = ("default", "linear", "llama3")
_MERGEABLE = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj", "lm_head")


def supported(model: Any, device: str) -> str | None:
    """Say why `model` cannot use this decoder, or None when it can.

    Args:
        model: A transformers causal LM, possibly wrapped by peft.
        device: Where it runs.

    Returns:
        None, or a short reason.
    """
    if os.environ.get("CODEASSIST_DECODER", "").lower() == "hf":
        return "CODEASSIST_DECODER=hf"
    if device != "cpu":
        return f"device {device}"
    base = _base_model(model)
    config = getattr(base, "config", None)
    if config is None or config.model_type != "llama":
        return "not a Llama-architecture model"
    rope = (getattr(config, "rope_parameters", None) or getattr(config, "rope_scaling", None) or {})
    if rope.get("rope_type", rope.get("type", "default")) not in _STATIC_ROPE:
        return "length-dependent RoPE"
    if config.attention_bias or getattr(config, "mlp_bias", False) or config.hidden_act != "silu":
        return "biases or a non-SiLU MLP"
    if getattr(config, "pretraining_tp", 1) != 1 or base.lm_head.weight.dtype != torch.float32:
        return "tensor-parallel or non-fp32 weights"
    for name, module in model.named_modules():
        if hasattr(module, "lora_A") and (name.rsplit(".", 1)[-1] not in _MERGEABLE
                                          or any(getattr(module, "use_dora", {}).values())):
            return f"an adapter on {name} that is not a plain LoRA on a projection"
    return None


def _base_model(model: Any) -> Any:
    get_base = getattr(model, "get_base_model", None)
    return get_base() if get_base is not None else model


def _weight(module: Any) -> torch.Tensor:
    """Return a Linear's effective weight, with the active LoRA adapters merged in."""
    base = getattr(module, "base_layer", None)
    if base is None:
        return module.weight.detach()
    weight = base.weight.detach()
    if getattr(module, "disable_adapters", False) or getattr(module, "merged", False):
        return weight
    for name in module.active_adapters:
        if name in module.lora_A:
            weight = weight + module.get_delta_weight(name).to(weight.dtype)
    return weight


def _interleave_rows(weight: torch.Tensor, heads: int, head_dim: int) -> torch.Tensor:
    # Row order (0, half, 1, half+1, ...) per head turns HF's rotate-half RoPE into a complex
    # multiply of consecutive pairs.
    half = head_dim // 2
    order = torch.stack([torch.arange(half), torch.arange(half) + half], dim=-1).flatten()
    return weight.view(heads, head_dim, -1)[:, order].reshape(heads * head_dim, -1)


class _Linear:
    """One projection in the chosen weight format."""

    def __init__(self, weight: torch.Tensor, fmt: str) -> None:
        self.fmt = fmt
        self.merged = False  # whether an adapter's delta is in the weight
        weight = weight.float().contiguous()
        if fmt == "fp16":  # fbgemm's packed fp16 weights; fp32 activations and accumulation
            self.weight = torch.ops.quantized.linear_prepack_fp16(weight, None)
        elif fmt == "int4":  # 4-bit groups of 32 with a scale and offset each, bf16 activations
            # The default model is a Q4_1 GGUF: its weights already are 16 levels per group of
            # 32, so min and max give those levels back (up to the scales' rounding to bf16).
            rows, cols = weight.shape
            groups = weight.view(rows, cols // _GROUP, _GROUP)
            low, high = groups.amin(-1), groups.amax(-1)
            step = ((high - low) / 15).clamp(min=1e-12)
            levels = torch.round((groups - low[..., None]) / step[..., None]).clamp(0, 15).to(torch.int32)
            self.weight = torch._convert_weight_to_int4pack_for_cpu(levels.view(rows, cols), 2)
            self.scales = torch.stack([step, low + 8 * step], -1).transpose(0, 1).contiguous().to(torch.bfloat16)
        elif fmt == "int8":  # weight-only: int8 rows with a scale each, bf16 activations
            scales = weight.abs().amax(dim=1).clamp(min=1e-8) / 127
            self.weight = torch.round(weight / scales[:, None]).to(torch.int8)
            self.scales = scales.to(torch.bfloat16)
        else:
            self.weight = weight.to(torch.bfloat16) if fmt == "bf16" else weight

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if self.fmt == "fp32":
            return F.linear(x, self.weight)
        if self.fmt == "fp16":
            return torch.ops.quantized.linear_dynamic_fp16(x, self.weight)
        if self.fmt == "bf16":
            return F.linear(x.to(torch.bfloat16), self.weight).float()
        if self.fmt == "int4":
            return torch._weight_int4pack_mm_for_cpu(x.to(torch.bfloat16), self.weight, _GROUP, self.scales).float()
        return torch._weight_int8pack_mm(x.to(torch.bfloat16), self.weight, self.scales).float()


@dataclass
class _Layer:
    attn_norm: torch.Tensor
    qkv: _Linear
    o: _Linear
    mlp_norm: torch.Tensor
    gate_up: _Linear
    down: _Linear


class Weights:
    """A Llama model's weights prepared for decoding: fused, permuted, in one format."""

    def __init__(self, model: Any, fmt: str = "fp32", *, reuse: Weights | None = None) -> None:
        """Prepare the weights.

        Args:
            model: A supported model, possibly a PeftModel.
            fmt: One of FORMATS.
            reuse: Weights of the same model and format under another adapter state: the
                projections that no active adapter changes are shared with it, not prepared again.
        """
        if fmt not in FORMATS:
            raise ValueError(f"unknown weight format {fmt}: use one of {FORMATS}")
        base = _base_model(model)
        config = base.config
        self.heads, self.kv_heads = config.num_attention_heads, config.num_key_value_heads
        self.head_dim = getattr(config, "head_dim", None) or config.hidden_size // self.heads
        self.eps = config.rms_norm_eps
        self.embed = base.model.embed_tokens.weight.detach()
        self.final_norm = base.model.norm.weight.detach()

        def linear(modules: tuple, build: Callable[[], torch.Tensor], shared: _Linear | None,
                   form: str = fmt) -> _Linear:
            merged = any(_merges_delta(module) for module in modules)
            if shared is not None and not merged and not shared.merged:
                return shared  # the base weight either way
            if merged and form == "int4":
                form = "fp32"  # 4-bit levels would blur an adapter's small delta
            prepared = _Linear(build(), form)
            prepared.merged = merged
            return prepared

        # The output projection stays fp32 in the bf16, int8 and int4 formats: rounded to int8 it
        # flipped near-tied first tokens, and fbgemm's fp16 was slower on it than fp32 with int4
        # (benchmarks/README.md).
        self.lm_head = linear((base.lm_head,), lambda: _weight(base.lm_head), reuse and reuse.lm_head,
                              "fp16" if fmt == "fp16" else "fp32")
        self.rotary = base.model.rotary_emb
        scale = self.head_dim ** -0.5
        self.layers = []
        for index, layer in enumerate(base.model.layers):
            attn, mlp = layer.self_attn, layer.mlp
            old = reuse.layers[index] if reuse is not None else None

            def qkv(attn: Any = attn) -> torch.Tensor:
                q = _interleave_rows(_weight(attn.q_proj), self.heads, self.head_dim) * scale
                k = _interleave_rows(_weight(attn.k_proj), self.kv_heads, self.head_dim)
                return torch.cat([q, k, _weight(attn.v_proj)])

            self.layers.append(_Layer(
                attn_norm=layer.input_layernorm.weight.detach(),
                qkv=linear((attn.q_proj, attn.k_proj, attn.v_proj), qkv, old and old.qkv),
                o=linear((attn.o_proj,), lambda attn=attn: _weight(attn.o_proj), old and old.o),
                mlp_norm=layer.post_attention_layernorm.weight.detach(),
                gate_up=linear((mlp.gate_proj, mlp.up_proj),
                               lambda mlp=mlp: torch.cat([_weight(mlp.gate_proj), _weight(mlp.up_proj)]),
                               old and old.gate_up),
                down=linear((mlp.down_proj,), lambda mlp=mlp: _weight(mlp.down_proj), old and old.down),
            ))
        self._rope = torch.empty(0, self.head_dim // 2, dtype=torch.complex64)

    def rope(self, length: int) -> torch.Tensor:
        """Return the rotations of positions [0, length) as complex numbers (grown on demand)."""
        if self._rope.shape[0] < length:
            size = max(length, 2 * self._rope.shape[0], 256)
            positions = torch.arange(size)[None]
            cos, sin = self.rotary(self.embed[:1], positions)
            half = self.head_dim // 2
            self._rope = torch.complex(cos[0, :, :half].float(), sin[0, :, :half].float())
        return self._rope


def _merges_delta(module: Any) -> bool:
    """Whether `_weight(module)` adds an adapter's delta to the base weight."""
    return (hasattr(module, "lora_A") and not getattr(module, "disable_adapters", False)
            and not getattr(module, "merged", False) and any(a in module.lora_A for a in module.active_adapters))


def adapter_state(model: Any) -> tuple[str, ...]:
    """Return the adapters in effect (the prepared weights are cached by it).

    Args:
        model: The model, possibly a PeftModel.

    Returns:
        The active adapters' names; () for a bare model or inside `disable_adapter()`.
    """
    if getattr(model, "peft_config", None) is None:
        return ()
    layers = [m for m in model.modules() if hasattr(m, "lora_A")]
    if not layers or any(getattr(m, "disable_adapters", False) for m in layers):
        return ()
    merged = ("merged",) if any(getattr(m, "merged", False) for m in layers) else ()
    return merged + tuple(layers[0].active_adapters)


def default_format() -> str:
    """Return the weight format to decode with.

    fp32 gives transformers' tokens exactly and prepares in a fraction of a second. fp16
    (fbgemm's packed GEMV, fp32 activations) matched transformers' answers on every benchmark
    prompt but was not reliably faster on the shared 2-core machine and takes seconds to
    prepare; int8 was fastest but changed most answers (benchmarks/README.md).

    Returns:
        "fp32", or what CODEASSIST_DECODER (fp32|fp16|bf16|int8|int4) names.
    """
    chosen = os.environ.get("CODEASSIST_DECODER", "").lower()
    return chosen if chosen in FORMATS else "fp32"


_PREPARED: weakref.WeakKeyDictionary[Any, dict[tuple, Weights]] = weakref.WeakKeyDictionary()


def prepared(model: Any, fmt: str) -> Weights:
    """Return `model`'s weights prepared in `fmt` for its current adapter state, once per state.

    Args:
        model: The model, possibly a PeftModel.
        fmt: A weight format.

    Returns:
        The cached or newly prepared weights.
    """
    per_model = _PREPARED.setdefault(_base_model(model), {})
    key = (adapter_state(model), fmt)
    if key not in per_model:
        same_format = [weights for (_, other), weights in per_model.items() if other == fmt]
        per_model[key] = Weights(model, fmt, reuse=same_format[0] if same_format else None)
    return per_model[key]
