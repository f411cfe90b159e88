"""The command line: the parser and dispatch in main.py, one module per command."""
