"""Tests of the phone listener, with raw bytes over real sockets on 127.0.0.1."""
