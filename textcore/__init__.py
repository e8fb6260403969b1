"""The pure-Python text core: word count, diff, rebase, parsing and export rendering.

Nothing here imports Django; services and exports call it with plain strings and dataclasses.
"""
