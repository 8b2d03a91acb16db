"""One percentile for every summary and bench: linear between the nearest ranks."""

import numpy as np
import pytest

from core.stats import percentile


@pytest.mark.parametrize("share", [0.0, 0.05, 0.5, 0.9, 0.95, 0.99, 1.0])
def test_it_agrees_with_numpys_default(share):
    values = [3.2, 0.4, 7.7, 1.1, 9.0, 2.5, 4.4, 6.1, 0.9, 5.3, 8.8]
    assert percentile(values, share) == pytest.approx(float(np.percentile(values, share * 100)))


def test_the_median_of_an_even_count_is_between_the_middle_two():
    assert percentile([4, 1, 3, 2], 0.5) == 2.5


def test_one_value_is_every_percentile():
    assert percentile([7.0], 0.95) == 7.0


def test_no_values_or_a_share_outside_0_to_1_is_refused():
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        percentile([1.0], 95)
