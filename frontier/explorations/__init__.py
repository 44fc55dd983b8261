"""Explorations: quantum computing, immersive learning and sustainable technology."""
