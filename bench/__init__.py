"""Scripts that measure the project and probe it (`python -m bench.reliability`); not installed."""
