"""CA401's head: does a commit message describe its change?"""
