"""Scenarios replayed through the real pipeline on a simulated clock: drills, the demo, stress tests."""
