"""Services of the amendment desk: proposing, discussion, deciding, carrying amendments
forward, paragraph edits and reverts, limits and the word-count guard.

Views, forms, admin actions and commands all call these functions; each runs in a
transaction, takes the row locks it needs (through ``locking.lock_rows``, the only way)
and raises ValidationError with a ``code``.
"""
