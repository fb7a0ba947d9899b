"""The app of bench/kit_bench.py: one model, served two ways."""
