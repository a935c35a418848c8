import assistant


def test_public_api_is_exported() -> None:
    assert "Assistant" in assistant.__all__ and "Answer" in assistant.__all__
    for name in assistant.__all__:
        assert getattr(assistant, name) is not None
