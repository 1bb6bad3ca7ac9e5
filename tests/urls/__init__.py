"""Tests of the phone's URLs: the URL page, downloads, groups, stale URLs."""
