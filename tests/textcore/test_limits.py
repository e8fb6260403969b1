"""How a typed text's length is counted, and how a refusal for length reads."""

from hypothesis import given
from hypothesis import strategies as st

from textcore.limits import counted_length, normalise_line_breaks, too_long_message


def test_every_line_break_counts_as_one_as_the_browser_counts_it() -> None:
    assert normalise_line_breaks("a\r\nb\rc\nd\r\n\r\ne") == "a\nb\nc\nd\n\ne"
    assert counted_length("a\r\nb") == 3 and counted_length("a\r\r\nb") == 4


PIECES = st.sampled_from(["a", "é", "\r", "\n", "\r\n", " ", "\u2028"])


@given(st.lists(PIECES).map("".join))
def test_normalising_keeps_everything_but_carriage_returns(text: str) -> None:
    normalised = normalise_line_breaks(text)
    assert "\r" not in normalised
    assert normalised.replace("\n", "") == text.replace("\r", "").replace("\n", "")
    assert normalise_line_breaks(normalised) == normalised
    assert counted_length(text) == len(text) - text.count("\r\n")


def test_a_refusal_names_the_length_and_the_limit() -> None:
    assert too_long_message("The reason", 3012, 3000) == (
        "The reason is 3,012 characters; the maximum is 3,000."
    )
