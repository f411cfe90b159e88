"""CA201's head: does unchanged documentation still describe changed code?"""
