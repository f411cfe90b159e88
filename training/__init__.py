"""Recipes that produce codeassist's shipped artifacts (encoders, fusion heads, adapters)."""
