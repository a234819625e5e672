"""Persistent state: the SQLite job journal, declared settings, and the token in the OS keyring."""
