"""Simulator tests drive it over real loopback HTTP; helpers live in pixverse_desktop.simulator.testing."""
