"""[tool.fastapi-status] in pyproject.toml, through the CLI."""

from __future__ import annotations

CREATE = "from fastapi import APIRouter\nrouter = APIRouter()\n@router.post('/items')\ndef create_item(item: dict):\n    return item\n"
DELETE = "from fastapi import APIRouter\nrouter = APIRouter()\n@router.delete('/items/{i}')\ndef delete_item(i: int):\n    pass\n"


def write(tmp_path, table: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n[tool.fastapi-status]\n{table}\n")


def codes(result) -> list[str]:
    return [line.split()[1] for line in result.stdout.splitlines() if ": FST" in line]


def test_select_ignore_extend_select(tmp_path, cli):
    (tmp_path / "a.py").write_text(CREATE + DELETE.split("\n", 2)[2])
    write(tmp_path, 'extend-select = ["FST104"]')
    assert sorted(codes(cli("check", "--no-cache", cwd=tmp_path))) == ["FST101", "FST104"]
    write(tmp_path, 'select = ["FST104"]')
    assert codes(cli("check", "--no-cache", cwd=tmp_path)) == ["FST104"]
    write(tmp_path, 'ignore = ["FST1"]')
    assert codes(cli("check", "--no-cache", cwd=tmp_path)) == []


def test_per_file_ignores_and_exclude(tmp_path, cli):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_api.py").write_text(CREATE)
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.py").write_text(CREATE)
    (tmp_path / "app.py").write_text(CREATE)
    write(tmp_path, 'exclude = ["legacy"]\n\n[tool.fastapi-status.per-file-ignores]\n"tests/**" = ["FST101"]')
    r = cli("check", "--no-cache", cwd=tmp_path)
    assert [line.split(":")[0] for line in r.stdout.splitlines() if ": FST" in line] == ["app.py"]


def test_nearest_config_wins(tmp_path, cli):
    write(tmp_path, 'ignore = ["FST101"]')
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "pyproject.toml").write_text("[tool.fastapi-status]\nselect = ['FST101']\n")
    (tmp_path / "svc" / "a.py").write_text(CREATE)
    (tmp_path / "b.py").write_text(CREATE)
    r = cli("check", "--no-cache", cwd=tmp_path)
    assert [line.split(":")[0] for line in r.stdout.splitlines() if ": FST" in line] == ["svc/a.py"]


def test_status_style_from_config(tmp_path, cli):
    (tmp_path / "a.py").write_text(CREATE)
    write(tmp_path, 'status-style = "constant"')
    r = cli("check", "--diff", "--unsafe-fixes", "--no-cache", cwd=tmp_path)
    assert "status_code=status.HTTP_201_CREATED" in r.stdout


def test_bad_config_names_the_key_and_exits_2(tmp_path, cli):
    (tmp_path / "a.py").write_text(CREATE)
    for table, needle in [
        ('selekt = ["FST1"]', "selekt"),
        ('select = "FST101"', "select"),
        ('ignore = ["FST999"]', "FST999"),
        ('status-style = "roman"', "status-style"),
        ('[tool.fastapi-status.per-file-ignores]\n"x" = "FST101"', "per-file-ignores"),
    ]:
        write(tmp_path, table)
        r = cli("check", "--no-cache", cwd=tmp_path)
        assert r.returncode == 2, table
        assert needle in r.stderr and "pyproject.toml" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr


def test_invalid_toml_and_explicit_config(tmp_path, cli):
    (tmp_path / "a.py").write_text(CREATE)
    (tmp_path / "pyproject.toml").write_text("[tool.fastapi-status\nselect = [")
    r = cli("check", "--no-cache", cwd=tmp_path)
    assert r.returncode == 2 and "invalid TOML" in r.stderr
    (tmp_path / "alt.toml").write_text("[tool.fastapi-status]\nignore = ['FST101']\n")
    r = cli("check", "a.py", "--config", "alt.toml", "--no-cache", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
