"""Labelled enums: a member's label is its value in words unless its enum's table says other words."""

from __future__ import annotations

from cspr.domain.labels import Labelled


class Colour(Labelled):
    DARK_BLUE = "dark_blue"
    RED = "red"

    __labels__ = {RED: "Red, the warning colour"}


def test_a_label_is_the_value_in_words_unless_the_table_says_otherwise() -> None:
    assert Colour.DARK_BLUE.label == "Dark blue"
    assert Colour.RED.label == "Red, the warning colour"


def test_the_table_is_not_a_member() -> None:
    assert list(Colour) == [Colour.DARK_BLUE, Colour.RED]
    assert Colour("red") is Colour.RED
