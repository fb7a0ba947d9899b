"""The Django "webapp" side of the benchmark: the same Item model over each peer."""
