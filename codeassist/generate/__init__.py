"""Generation on top of the encoders and the LLM: docstrings and code from a specification."""
