import assistant


def test_public_api_is_exported_and_documented() -> None:
    assert {"Assistant", "Answer", "Citation", "Rankers", "load_rankers"} <= set(assistant.__all__)
    for name in assistant.__all__:
        member = getattr(assistant, name)
        assert getattr(member, "__module__", "assistant").startswith("assistant"), name
        assert name == "DEFAULT_SETTINGS" or (member.__doc__ or "").strip(), f"{name} has no docstring"
