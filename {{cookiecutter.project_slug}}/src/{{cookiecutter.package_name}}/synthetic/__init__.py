"""Synthetic data: the sample generator with the truth it planted, and the CLV simulator."""
