"""Replaces django-simple-history's command of the same name: the history is never edited."""

from manifesto.management.read_only_history import ReadOnlyHistoryCommand


class Command(ReadOnlyHistoryCommand):
    pass
