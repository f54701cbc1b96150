"""A client developer's path: generate a typed Python client from regkg's schema with a
standard generator (ariadne-codegen), then use it against a running server.

ariadne-codegen pins an older graphql-core than strawberry needs, so `run.py test` installs
it in a virtual environment of its own (`.venv-codegen/`); the generated client needs only
httpx and pydantic, which the project's own environment has.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from server import Settings
from tests.live import live_server

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
GENERATOR = ROOT / ".venv-codegen" / "bin" / "ariadne-codegen"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client package ariadne-codegen writes from schema.graphql and queries.graphql."""
    if not GENERATOR.exists():
        message = f"no {GENERATOR.relative_to(ROOT)}; `python3 run.py test` installs it"
        if os.environ.get("CI"):
            pytest.fail(f"CLIENT GENERATION CANNOT RUN: {message}")
        pytest.skip(f"CLIENT GENERATION NOT RUN: {message}")
    out = tmp_path_factory.mktemp("client")
    config = out / "pyproject.toml"
    config.write_text(
        "[tool.ariadne-codegen]\n"
        f'schema_path = "{ROOT / "schema.graphql"}"\n'
        f'queries_path = "{HERE / "queries.graphql"}"\n'
        'target_package_name = "regkg_client"\n'
        f'target_package_path = "{out}"\n'
        'client_name = "RegkgClient"\n'
        "async_client = true\n"
        "[tool.ariadne-codegen.scalars.Date]\n"
        'type = "datetime.date"\n'
        "[tool.ariadne-codegen.scalars.PartialDate]\n"
        'type = "str"\n'
    )
    done = subprocess.run(
        [str(GENERATOR), "--config", str(config), "client"],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("regkg_client")
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.split(".")[0] == "regkg_client"]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with live_server(Settings()) as url:
        yield url


def _call(generated: ModuleType, base_url: str, method: str, **kwargs: Any) -> Any:
    """One operation through a fresh client: `async with` closes it after the call."""

    async def go() -> Any:
        async with generated.RegkgClient(url=f"{base_url}/graphql") as client:
            return await getattr(client, method)(**kwargs)

    return asyncio.run(go())


def test_a_generated_client_asks_for_a_status_on_a_date(
    generated: ModuleType, base_url: str
) -> None:
    from datetime import date

    answer = _call(
        generated, base_url, "status", substance="MDMA", condition="PTSD", as_of=date(2023, 6, 1)
    )
    status = answer.regulatory_status
    assert status.as_of == date(2023, 6, 1)  # a typed date, not a string
    assert status.phase.value == "INVESTIGATIONAL"  # a typed enum
    assert type(status.phase).__name__ == "Phase"
    now = _call(generated, base_url, "status", substance="MDMA", condition="PTSD", as_of=None)
    crl = now.regulatory_status.phase_set_by
    assert (crl.action.value, crl.date) == ("COMPLETE_RESPONSE_LETTER", "2024-08-09")
    assert crl.sources[0].source.url.startswith("http")


def test_a_generated_client_pages_through_a_connection(
    generated: ModuleType, base_url: str
) -> None:
    seen: list[str] = []
    after = None
    while True:
        page = _call(generated, base_url, "trials", substance="MDMA", after=after).trials
        seen.extend(trial.registry_id for trial in page.nodes)
        if not page.page_info.has_next_page:
            break
        after = page.page_info.end_cursor
    assert len(seen) == page.total_count > 5
    assert len(set(seen)) == len(seen)
    assert all(registry_id.startswith("NCT") for registry_id in seen)


def test_a_generated_client_raises_the_servers_error(generated: ModuleType, base_url: str) -> None:
    with pytest.raises(generated.GraphQLClientGraphQLMultiError, match="no substance"):
        _call(
            generated,
            base_url,
            "status",
            substance="no such thing at all",
            condition=None,
            as_of=None,
        )
