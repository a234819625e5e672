"""Benchmarks: each prints figures side by side with a baseline; none passes or fails."""
