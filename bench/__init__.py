"""Benchmarks for regkg: a synthetic data generator and a layer-by-layer query timer."""
