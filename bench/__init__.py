"""Benchmarks for Schakel (`make bench`); see bench/README.md."""
