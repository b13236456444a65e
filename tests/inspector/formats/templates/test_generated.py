from inspector.formats.templates.generated import LINES, generated_systems


def test_generated_systems_are_deterministic_and_varied():
    first, again = generated_systems(), generated_systems()
    assert [s.lines for s in first] == [s.lines for s in again]
    assert len({s.lines[0].split()[0][:4] for s in first}) >= 4  # different headers
    for system in first:
        assert len(system.lines) == len(system.truth) == LINES
        assert len(set(system.truth)) >= 10
    assert generated_systems(seed=1)[0].lines != first[0].lines
