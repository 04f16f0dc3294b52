"""Benchmarks of the engine (not tests): ``python -m bench <scenario>`` prints one JSON line per
figure with its baseline measured in the same run (bench/README.md)."""
