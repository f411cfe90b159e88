"""CA501's head: which added line is likeliest a one-token bug, and the LLM's explanation."""
