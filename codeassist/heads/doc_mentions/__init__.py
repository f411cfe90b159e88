"""CA301's head: does a README/docs paragraph describe a unit the change removed or changed?"""
