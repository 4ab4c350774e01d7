"""Keras's ``utils`` names: to_categorical."""

from .model import to_categorical

__all__ = ["to_categorical"]
