"""One module per subcommand, each a plain function with keyword-only arguments that returns an exit code."""
