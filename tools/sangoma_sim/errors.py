"""The simulator's one error type."""


class SimulatorError(Exception):
    """The simulator cannot do what it was asked."""
