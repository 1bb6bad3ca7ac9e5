"""scripts/bench --ha: this integration against a real Home Assistant.

See tools/bench_ha/__main__.py for the options and docs/benchmarks.md.
"""
