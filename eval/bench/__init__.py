"""Benchmark scripts: each prints figures (ratios against a baseline measured in the same run where one exists); none asserts."""
