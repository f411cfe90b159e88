"""Every learned scorer, one folder per family, each reading its asset through one loader."""
