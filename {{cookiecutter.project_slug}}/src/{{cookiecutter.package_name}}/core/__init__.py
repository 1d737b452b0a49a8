"""Rules shared by every section: numbers, membership, identified checks, memory.

Defined once here so that every section means the same thing by "member" or by "an identified check".
"""
