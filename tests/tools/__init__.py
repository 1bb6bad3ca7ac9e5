"""Tests of the tools/ scripts."""
