"""Benchmarks of the API and the embedded engine: `python -m bench` (from the project root).

They print numbers and ratios measured in one run and never fail on a timing; see
`python -m bench --help` and bench/results/latest.md after a run.
"""
