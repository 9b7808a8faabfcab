"""Benchmarks: corpus generators and the runner that writes bench/RESULTS.md."""
