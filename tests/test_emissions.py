"""Emission factors and the green-vs-expedite choice."""

from __future__ import annotations

from datetime import date

import pytest

from flexloop.decide.emissions import EMISSION_FACTORS, DeliveryOption, green_vs_expedite, kg_co2e

TODAY = date(2026, 11, 25)


def test_factors_order_modes_as_expected() -> None:
    f = EMISSION_FACTORS
    assert f["sea"] < f["rail"] < f["road"] < f["air"] < f["air_rf"]
    assert kg_co2e(500, 1000, "road") == pytest.approx(0.5 * 1000 * 0.107)
    assert kg_co2e(1000, 100, factor=0.05) == pytest.approx(5.0)
    with pytest.raises(ValueError):
        kg_co2e(-1, 10)
    with pytest.raises(KeyError):
        kg_co2e(1, 10, "teleport")


def test_green_vs_expedite_offers_both() -> None:
    wait = DeliveryOption("wait on current lane", [("sea", 9000.0), ("road", 300.0)], days=12, cost=0.0)
    air = DeliveryOption("expedite by air", [("air", 8500.0), ("road", 40.0)], days=3.5, cost=14.0)
    local = DeliveryOption("local warehouse", [("van", 60.0)], days=1, cost=4.0)
    out = green_vs_expedite(2.0, [air, wait, local], TODAY)
    by = {c.label: c for c in out}
    assert out[0].greenest and out[0].label == "local warehouse"
    assert by["expedite by air"].delivery == date(2026, 11, 29)
    assert by["expedite by air"].kg_co2e == pytest.approx(2 / 1000 * (8500 * 0.602 + 40 * 0.107), abs=1e-4)
    assert by["wait on current lane"].kg_co2e < by["expedite by air"].kg_co2e
    assert by["local warehouse"].fastest and not by["expedite by air"].fastest
    assert by["expedite by air"].extra_kg_co2e > 0
    two = green_vs_expedite(2.0, [air, wait], TODAY)
    assert [c.label for c in two] == ["wait on current lane", "expedite by air"]
    assert two[1].days_sooner == 12 - 4 and two[1].fastest and two[0].greenest
    with pytest.raises(ValueError):
        green_vs_expedite(1.0, [air], TODAY)
