"""Dossier parsing in bounded memory (issue 12): a 20 MB string or a deeply nested file is refused cheaply."""

import json
import tracemalloc

import pytest

from offerings.dossier.schema import MAX_NESTING, DossierError, nested_deeper_than, parse, validate

# Peak memory allowed while refusing a dossier, as a multiple of its size: its text (one copy), the nesting
# scan's copy of the bytes, the parsed string, and the refusal. The old nesting regex needed about 120.
PEAK_PER_INPUT_BYTE = 5


def test_a_20_mb_dossier_string_is_refused_with_peak_memory_a_small_multiple_of_the_file(bestnet_data):
    bestnet_data["issuer"]["name"] = "x" * 20_000_000
    raw = json.dumps(bestnet_data).encode()
    tracemalloc.start()
    try:
        with pytest.raises(DossierError) as caught:
            validate(parse(raw, max_bytes=20 * 1024 * 1024))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "$.issuer.name: text of 20,000,000 characters is longer than the limit of 200" in str(caught.value)
    assert peak < PEAK_PER_INPUT_BYTE * len(raw), f"peak {peak:,} bytes for a {len(raw):,}-byte dossier"


def test_a_deeply_nested_dossier_is_refused_before_json_recurses_into_it():
    raw = '{"format": "offering-dossier/2", "x": ' + "[" * 200_000 + "]" * 200_000 + "}"
    tracemalloc.start()
    try:
        with pytest.raises(DossierError, match=f"nested more than {MAX_NESTING} levels deep"):
            parse(raw.encode())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < PEAK_PER_INPUT_BYTE * len(raw)


def test_brackets_left_open_count_as_levels_so_json_never_recurses_deep():
    with pytest.raises(DossierError, match="nested more than"):
        parse("[" * 100_000)


@pytest.mark.parametrize(
    ("text", "deepest"),
    [
        ('{"a": [1, {"b": "]]]}}}[[[[{{{{"}]}', 3),
        ('{"a": "quote \\" and [ backslash \\\\", "b": [[["\\\\\\"[["]]]}', 4),
        ('{"caf\u00e9 [": ["\u00fcber {", ["x"]]}', 3),
        ("[[], [[]], [[[]]]]", 4),
        ('["unterminated [[[[[[', 1),
    ],
)
def test_nesting_counts_only_brackets_outside_strings(text, deepest):
    assert not nested_deeper_than(text, deepest)
    assert nested_deeper_than(text, deepest - 1)
    assert nested_deeper_than(text.encode(), deepest - 1) and not nested_deeper_than(text.encode(), deepest)


def test_a_dossier_as_deep_as_the_limit_still_parses():
    parse('{"x": ' + "[" * (MAX_NESTING - 1) + "]" * (MAX_NESTING - 1) + "}")


def test_a_dossier_of_millions_of_tiny_objects_is_refused_before_json_builds_them():
    raw = '{"format": "offering-dossier/2", "holders": [' + ",".join(["{}"] * 2_000_000) + "]}"
    tracemalloc.start()
    try:
        with pytest.raises(DossierError, match="holds 2,000,002 objects and arrays; a dossier may hold at most"):
            parse(raw.encode())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < PEAK_PER_INPUT_BYTE * len(raw)
