"""What the recommend page shows beside the list: why it is in that order, and where a bad parameter went wrong."""

import re

import pytest


def get(client, catalog, **params):
    return client.get("/recommend/", {"seeds": catalog["rock"][0].spotify_id, **params})


def result_headers(content):
    """Column headers of the results table (the last table on the page; the first is the tuning table)."""
    head = content[content.rindex("<thead>"):content.rindex("</thead>")]
    return re.findall(r"<th[^>]*>([^<]+)</th>", head)


def test_targets_show_how_far_each_track_is_from_them(client, active, catalog):
    response = get(client, catalog, target_energy="0.3", metric="euclidean")
    assert response.status_code == 200
    assert "Off target" in result_headers(response.content.decode())
    penalties = [penalty for *_, penalty in response.context["results"]]
    assert penalties and all(penalty is not None and penalty >= 0 for penalty in penalties)
    assert "nearness to your targets" in response.content.decode()


def test_without_targets_there_is_no_off_target_column(client, active, catalog):
    response = get(client, catalog, metric="euclidean")
    assert "Off target" not in result_headers(response.content.decode())


@pytest.mark.parametrize("metric, headers", [
    ("cosine", ["#", "Track", "Similarity"]),
    ("euclidean", ["#", "Track", "Distance", "Cosine"]),
])
def test_cosine_is_not_shown_twice(client, active, catalog, metric, headers):
    assert result_headers(get(client, catalog, metric=metric).content.decode()) == headers


def test_the_control_is_named_after_its_parameter(client, active, catalog):
    content = get(client, catalog).content.decode()
    assert re.search(r"<label>Metric\s*<select name=\"metric\">", content)


def test_system_is_not_silently_ignored(client, active, catalog):
    response = get(client, catalog, system="euclidean")
    assert response.status_code == 400
    assert "system: not a parameter of this page: choose the system with metric=" in response.content.decode()
    assert response.context["result"] is None


def test_a_bad_tuning_value_is_kept_and_explained_beside_its_field(client, active, catalog):
    content = get(client, catalog, min_tempo="fast", target_energy="0.5").content.decode()
    table = content[content.index('<table class="tune">'):content.index("</table>", content.index('class="tune"'))]
    assert re.search(r'<input type="text"[^>]*name="min_tempo" value="fast"[^>]*aria-invalid="true"', table)
    assert 'id="min_tempo-error">min_tempo: must be a number' in table
    assert table.index('name="min_tempo"') < table.index("min_tempo-error") < table.index('name="min_loudness"')
    assert 'type="number" step="any" name="target_energy" value="0.5"' in table  # the good ones stay numbers


def test_an_attribute_the_table_does_not_offer_is_explained_below_it(client, active, catalog):
    content = get(client, catalog, min_sparkle="1").content.decode()
    assert content.index("</table>") < content.index("min_sparkle: &#x27;sparkle&#x27; is not a tunable attribute")
