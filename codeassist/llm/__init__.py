"""The generative stage: model loading, prompts, greedy generation, task adapters.

Nothing here is imported by the static rules; torch and transformers load on first use.
"""
